"""Scores one benchmark run: CPU, memory, trigger latency, recall and false triggers, with ratios.

usage: score.py --truth TRUTH.json --agent-log AGENT.log --agent-time TIME.txt --floor-time TIME.txt
                --scan SCAN.jsonl --uploads UPLOADS.jsonl --reference PYMICRO.json
                --reference OWW.json [--json-out RESULT.json]

* Ours: user + system seconds and maximum resident set size of the whole `earshot-edge run`
  process from `/usr/bin/time -v`; detections from its log lines `wake word ... time_s=…`.
  `--floor-time` is `/usr/bin/time -v` of `earshot-edge --help`: what loading the binary and its
  shared libraries costs before any work (the floor under the agent's peak RSS).
* A detection matches a phrase when it fires between the start of the phrase's speech and 1.5 s
  after its end; the first one counts, and its latency is its time minus the end of the phrase's
  speech. Every other detection is a false trigger (repeats inside a phrase's window are counted
  apart, as repeats). Raw firings of the references are grouped into events with the agent's
  refractory rule (2 s after an event nothing new starts), so all three are counted alike.
"""

import argparse
import json
import re
import statistics
from pathlib import Path

REFRACTORY_S = 2.0
MATCH_AFTER_END_S = 1.5
TARGET_CPU_S_PER_HOUR = 5.0
TARGET_RATIO_PYMICRO = 2.0
TARGET_RATIO_OWW = 20.0
TARGET_RSS_MB = 24.0
TARGET_MEDIAN_LATENCY_MS = 150.0


def time_v(path: Path) -> dict:
    """User, system seconds and max RSS (kB) from `/usr/bin/time -v` output."""
    text = path.read_text()

    def number(label: str) -> float:
        match = re.search(rf"{re.escape(label)}: *([0-9.]+)", text)
        if not match:
            raise SystemExit(f"{path}: no '{label}' line")
        return float(match.group(1))

    return {
        "user_s": number("User time (seconds)"),
        "sys_s": number("System time (seconds)"),
        "max_rss_kb": int(number("Maximum resident set size (kbytes)")),
        "wall": re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): *(\S+)", text).group(1),
    }


def events_from_firings(firings: list[float]) -> list[float]:
    events: list[float] = []
    for t in sorted(firings):
        if not events or t - events[-1] > REFRACTORY_S:
            events.append(t)
    return events


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-int(round(fraction * 1000)) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def score_events(events: list[float], phrases: list[dict], audio_s: float) -> dict:
    latencies, matched, repeats, false_times = [], set(), 0, []
    for t in sorted(events):
        owner = next(
            (p for p in phrases if p["speech_start_s"] <= t <= p["speech_end_s"] + MATCH_AFTER_END_S), None)
        if owner is None:
            false_times.append(round(t, 2))
        elif owner["index"] in matched:
            repeats += 1
        else:
            matched.add(owner["index"])
            latencies.append((t - owner["speech_end_s"]) * 1000)
    result = {
        "events": len(events),
        "recall": len(matched) / len(phrases),
        "hits": len(matched),
        "phrases": len(phrases),
        "missed": [p["index"] for p in phrases if p["index"] not in matched],
        "false_triggers": len(false_times),
        "false_triggers_per_hour": len(false_times) / (audio_s / 3600),
        "false_trigger_times_s": false_times,
        "repeats": repeats,
    }
    if latencies:
        result.update(
            latency_ms_median=statistics.median(latencies),
            latency_ms_p90=percentile(latencies, 0.9),
            latency_ms_min=min(latencies),
            latency_ms_max=max(latencies),
        )
    return result


def describe(name: str, scored: dict) -> str:
    line = (f"{name:<22} recall {scored['hits']}/{scored['phrases']} ({scored['recall']:.0%}), "
            f"false triggers {scored['false_triggers']} ({scored['false_triggers_per_hour']:.1f}/h)")
    if "latency_ms_median" in scored:
        line += (f", latency median {scored['latency_ms_median']:.0f} ms, p90 {scored['latency_ms_p90']:.0f} ms "
                 f"(min {scored['latency_ms_min']:.0f}, max {scored['latency_ms_max']:.0f})")
    if scored["repeats"]:
        line += f", repeats {scored['repeats']}"
    return line


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--agent-log", type=Path, required=True)
    parser.add_argument("--agent-time", type=Path, required=True)
    parser.add_argument("--floor-time", type=Path, required=True)
    parser.add_argument("--scan", type=Path, required=True)
    parser.add_argument("--uploads", type=Path, required=True)
    parser.add_argument("--reference", type=Path, action="append", default=[])
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()

    truth = json.loads(args.truth.read_text())
    phrases, audio_s = truth["phrases"], truth["seconds"]
    hours = audio_s / 3600

    agent = time_v(args.agent_time)
    floor = time_v(args.floor_time)
    ours_cpu = (agent["user_s"] + agent["sys_s"]) / hours
    agent_events = [
        float(m.group(1))
        for line in args.agent_log.read_text().splitlines()
        if "wake word" in line and (m := re.search(r"time_s=([0-9.]+)", line))
    ]
    scan_events = [json.loads(line)["time_s"] for line in args.scan.read_text().splitlines() if line.strip()]
    uploads = [json.loads(line) for line in args.uploads.read_text().splitlines() if line.strip()]
    segments_spooled = next(
        (int(m.group(1)) for line in reversed(args.agent_log.read_text().splitlines())
         if (m := re.search(r"segments (\d+)", line))), None)
    references = [json.loads(path.read_text().strip().splitlines()[-1]) for path in args.reference]

    ours = score_events(agent_events, phrases, audio_s)
    scan = score_events(scan_events, phrases, audio_s)
    scored_refs = {ref["impl"]: score_events(events_from_firings(ref["firings"]), phrases, audio_s) for ref in references}

    print(f"audio: {audio_s / 60:.0f} min, {len(phrases)} alexa phrases mixed in (truth: speech end by energy)")
    print()
    print("CPU seconds (user + system) per hour of audio")
    print(f"  earshot-edge run (whole process, release): {ours_cpu:8.2f}   "
          f"[user {agent['user_s']:.2f} s, sys {agent['sys_s']:.2f} s, wall {agent['wall']}]   "
          f"target <= {TARGET_CPU_S_PER_HOUR:g}: {verdict(ours_cpu <= TARGET_CPU_S_PER_HOUR)}")
    ratios = {}
    for ref in references:
        theirs = ref["cpu_s"] / (ref["audio_s"] / 3600)
        whole = ref["process_cpu_s"] / (ref["audio_s"] / 3600)
        ratio = theirs / ours_cpu
        ratios[ref["impl"]] = {"cpu_s_per_hour": theirs, "process_cpu_s_per_hour": whole, "ratio": ratio}
        target = TARGET_RATIO_PYMICRO if ref["impl"] == "pymicro" else TARGET_RATIO_OWW
        print(f"  {ref['version']} ({ref['chunk_samples']}-sample chunks, loop only): {theirs:8.2f}   "
              f"[whole process {whole:.2f}, wall {ref['wall_s']:.1f} s]")
        print(f"    ratio theirs/ours = {ratio:.1f}x   target >= {target:g}x: {verdict(ratio >= target)}")
    print()
    rss_mb = agent["max_rss_kb"] / 1024
    print(f"Peak resident memory of the agent (max RSS): {rss_mb:.1f} MB   target <= {TARGET_RSS_MB:g} MB: "
          f"{verdict(rss_mb <= TARGET_RSS_MB)}")
    print(f"  floor: `earshot-edge --help` alone peaks at {floor['max_rss_kb'] / 1024:.1f} MB "
          "(binary + shared libraries loaded, no work)")
    print()
    print("Detection on the inserted phrases (latency = detection time - end of the phrase's speech)")
    print("  " + describe("earshot-edge run", ours)
          + f"   median target <= {TARGET_MEDIAN_LATENCY_MS:g} ms: "
          + verdict(ours.get("latency_ms_median", 1e9) <= TARGET_MEDIAN_LATENCY_MS))
    print("  " + describe("earshot-replay scan", scan))
    for ref in references:
        print("  " + describe(ref["impl"], scored_refs[ref["impl"]]))
    same = sorted(round(t, 2) for t in agent_events) == sorted(round(t, 2) for t in scan_events)
    print(f"  agent and replay scan fired at the same times: {'yes' if same else 'NO'}")
    print(f"  segments: {segments_spooled} spooled by the agent, {len(uploads)} uploads received "
          f"({len({u['key'] for u in uploads})} distinct keys)")
    if ours["false_trigger_times_s"]:
        print(f"  our false triggers at (s): {ours['false_trigger_times_s']}")
    if ours["missed"]:
        print(f"  our missed phrases (index): {ours['missed']}")

    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {
                    "audio_s": audio_s,
                    "ours": {"cpu_s_per_hour": ours_cpu, **agent, "detection": ours},
                    "floor": floor,
                    "scan": scan,
                    "references": {
                        ref["impl"]: {**{k: v for k, v in ref.items() if k != "firings"}, **ratios[ref["impl"]],
                                      "detection": scored_refs[ref["impl"]]}
                        for ref in references
                    },
                    "uploads": len(uploads),
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
