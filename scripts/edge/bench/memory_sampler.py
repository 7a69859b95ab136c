"""Samples the resident memory of a running process to say what its peak is made of.

usage: memory_sampler.py --parent PID [--interval 0.02]

Waits for the first child of PID (the agent started by /usr/bin/time), reads its
/proc/<pid>/smaps_rollup every --interval seconds until it exits, and prints one JSON line about
the sample with the largest Rss: `rss_kb`, `anonymous_kb` (the process's own heap, stacks and
other private memory) and `file_kb` (pages of the binary and its shared libraries, clean and
shared with every other process that maps them), `max_anonymous_kb` over the run, and `by_mapping`:
the resident kB of each file (binary, library) and of [heap], [stack] and other anonymous memory
at that peak, largest first (read from /proc/<pid>/smaps whenever a new peak is seen). The peak
RSS figure itself comes from /usr/bin/time; this only explains it (a sampler can miss a spike).
"""

import argparse
import json
import time
from pathlib import Path


def child_of(parent: int) -> int | None:
    for task in Path(f"/proc/{parent}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        if children:
            return int(children[0])
    return None


def rollup(pid: int) -> dict[str, int] | None:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    values = {}
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            values[name] = int(rest.split()[0])
    return values or None


def by_mapping(pid: int) -> dict[str, int]:
    """Resident kB per mapped file (base name) or anonymous region, largest first."""
    sizes: dict[str, int] = {}
    name = "[anonymous]"
    try:
        text = Path(f"/proc/{pid}/smaps").read_text()
    except OSError:
        return {}
    for line in text.splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and not fields[0].endswith(":"):
            name = Path(fields[5]).name if len(fields) > 5 and fields[5].startswith("/") else (
                fields[5] if len(fields) > 5 else "[anonymous]")
        elif fields and fields[0] == "Rss:":
            sizes[name] = sizes.get(name, 0) + int(fields[1])
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--interval", type=float, default=0.02)
    args = parser.parse_args()

    pid = None
    for _ in range(500):
        try:
            pid = child_of(args.parent)
        except OSError:
            break
        if pid:
            break
        time.sleep(0.01)
    if not pid:
        print(json.dumps({"error": "no child process found"}))
        return
    peak, max_anonymous, samples, mappings = None, 0, 0, {}
    while (values := rollup(pid)) is not None:
        samples += 1
        max_anonymous = max(max_anonymous, values.get("Anonymous", 0))
        if peak is None or values["Rss"] > peak["Rss"]:
            peak = values
            mappings = by_mapping(pid) or mappings
        time.sleep(args.interval)
    if peak is None:
        print(json.dumps({"error": "process ended before the first sample"}))
        return
    print(
        json.dumps(
            {
                "samples": samples,
                "rss_kb": peak["Rss"],
                "anonymous_kb": peak.get("Anonymous", 0),
                "file_kb": peak["Rss"] - peak.get("Anonymous", 0),
                "max_anonymous_kb": max_anonymous,
                "by_mapping": mappings,
            }
        )
    )


if __name__ == "__main__":
    main()
