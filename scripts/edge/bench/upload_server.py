"""A stand-in for the cloud during the benchmark: answers every `PUT /v1/segments/{key}` with 200 JSON.

usage: upload_server.py --port-file FILE --log FILE

Listens on 127.0.0.1 on a free port (written to --port-file once it listens), HTTP/1.1 with
keep-alive so that the agent's libcurl handle reuses one connection. Each upload is appended to
--log as one JSON line (key, bytes, SHA-256 of the body, the X-Earshot-* headers). Stops on SIGTERM.
"""

import argparse
import hashlib
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_file = None
    lock = threading.Lock()

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        key = self.path.rsplit("/", 1)[-1]
        record = {"key": key, "path": self.path, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
        for name, value in self.headers.items():
            if name.lower().startswith("x-earshot") or name.lower() in ("idempotency-key", "content-type"):
                record[name.lower()] = value
        with self.lock:
            self.log_file.write(json.dumps(record) + "\n")
            self.log_file.flush()
        answer = json.dumps({"key": key, "status": "received"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
        pass  # quiet: the JSON log says what arrived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    Handler.log_file = args.log.open("a")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    temporary = args.port_file.with_suffix(".part")
    temporary.write_text(str(server.server_address[1]))
    temporary.rename(args.port_file)
    print(f"upload server on 127.0.0.1:{server.server_address[1]}", file=sys.stderr)
    server.serve_forever()
    Handler.log_file.close()


if __name__ == "__main__":
    main()
