#!/usr/bin/env bash
# Runs the real KServe v2 Python client (tritonclient[http] from PyPI, in .venv-kserve) against a
# live earshot-cloud on loopback: health, metadata, readiness, JSON and binary-tensor inference,
# errors. Exits non-zero on any failed check.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
venv="$repo/.venv-kserve"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "tritonclient[http]" numpy
fi
scripts/cloud/fetch-models.sh
swift build --product earshot-cloud >/dev/null
bin="$(swift build --show-bin-path)/earshot-cloud"
data="$(mktemp -d /tmp/earshot-kserve-XXXXXX)"
log="$data/server.log"
token="$("$bin" token create --device kserve-client --data "$data")"
"$bin" serve --port 0 --data "$data" --models cloud-models --shared-data ../shared/data >"$data/stdout" 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$data/stdout" 2>/dev/null && break; sleep 0.1; done
address="$(sed -n 's|.*listening on http://||p' "$data/stdout")"
[[ -n "$address" ]] || { echo "check-kserve: the server did not start:" >&2; cat "$log" >&2; exit 1; }
"$venv/bin/python" scripts/cloud/kserve_client_check.py "$address" "$token" cloud-models
