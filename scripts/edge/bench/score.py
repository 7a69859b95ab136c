"""Scores one benchmark run: CPU, memory, trigger latency, recall and false triggers, with ratios.

usage: score.py --truth TRUTH.json --agent LABEL:PREFIX [--agent LABEL:PREFIX]
                --scan SCAN.jsonl --uploads UPLOADS.jsonl --reference PYMICRO.json
                --reference OWW.json [--json-out RESULT.json]

* Ours (each --agent; the first is the one the targets are judged on): user + system seconds and
  maximum resident set size of the whole `earshot-edge run` process from `/usr/bin/time -v`
  (PREFIX-time.txt); detections from its log lines `wake word ... time_s=…` (PREFIX.log);
  PREFIX-floor-time.txt is `/usr/bin/time -v` of `earshot-edge --help`: what loading the binary
  and its shared libraries costs before any work (the floor under the agent's peak RSS);
  PREFIX-memory.json splits the peak into anonymous and file-backed pages (memory_sampler.py).
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


def load_agent(spec: str) -> dict:
    label, _, prefix = spec.partition(":")
    log = Path(prefix + ".log").read_text()
    memory_path = Path(prefix + "-memory.json")
    return {
        "label": label,
        "time": time_v(Path(prefix + "-time.txt")),
        "floor": time_v(Path(prefix + "-floor-time.txt")),
        "memory": json.loads(memory_path.read_text()) if memory_path.exists() else {},
        "events": [
            float(m.group(1)) for line in log.splitlines()
            if "wake word" in line and (m := re.search(r"time_s=([0-9.]+)", line))
        ],
        "segments": next(
            (int(m.group(1)) for line in reversed(log.splitlines()) if (m := re.search(r"segments (\d+)", line))), None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--agent", action="append", required=True, help="LABEL:PREFIX")
    parser.add_argument("--scan", type=Path, required=True)
    parser.add_argument("--uploads", type=Path, required=True)
    parser.add_argument("--reference", type=Path, action="append", default=[])
    parser.add_argument("--latency-breakdown", type=Path)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()

    truth = json.loads(args.truth.read_text())
    phrases, audio_s = truth["phrases"], truth["seconds"]
    hours = audio_s / 3600

    agents = [load_agent(spec) for spec in args.agent]
    for agent in agents:
        agent["cpu_s_per_hour"] = (agent["time"]["user_s"] + agent["time"]["sys_s"]) / hours
        agent["detection"] = score_events(agent["events"], phrases, audio_s)
    main_agent = agents[0]
    ours_cpu = main_agent["cpu_s_per_hour"]
    scan_events = [json.loads(line)["time_s"] for line in args.scan.read_text().splitlines() if line.strip()]
    uploads = [json.loads(line) for line in args.uploads.read_text().splitlines() if line.strip()]
    references = [json.loads(path.read_text().strip().splitlines()[-1]) for path in args.reference]
    for ref in references:
        ref["cpu_s_per_hour"] = ref["cpu_s"] / (ref["audio_s"] / 3600)
        ref["process_cpu_s_per_hour"] = ref["process_cpu_s"] / (ref["audio_s"] / 3600)
        ref["detection"] = score_events(events_from_firings(ref["firings"]), phrases, audio_s)
    scan = score_events(scan_events, phrases, audio_s)

    print(f"audio: {audio_s / 60:.0f} min, {len(phrases)} alexa phrases mixed in (truth: speech end by energy)")
    print()
    print("CPU seconds (user + system) per hour of audio")
    for agent in agents:
        t = agent["time"]
        print(f"  earshot-edge run, release, {agent['label']} (whole process): {agent['cpu_s_per_hour']:8.2f}   "
              f"[user {t['user_s']:.2f} s, sys {t['sys_s']:.2f} s, wall {t['wall']}]")
    print(f"    target <= {TARGET_CPU_S_PER_HOUR:g}: {verdict(ours_cpu <= TARGET_CPU_S_PER_HOUR)}")
    for ref in references:
        target = TARGET_RATIO_PYMICRO if ref["impl"] == "pymicro" else TARGET_RATIO_OWW
        print(f"  {ref['version']} ({ref['chunk_samples']}-sample chunks, loop only): {ref['cpu_s_per_hour']:8.2f}   "
              f"[whole process {ref['process_cpu_s_per_hour']:.2f}, wall {ref['wall_s']:.1f} s]")
        for agent in agents:
            ratio = ref["cpu_s_per_hour"] / agent["cpu_s_per_hour"]
            ref.setdefault("ratios", {})[agent["label"]] = ratio
            print(f"    ratio theirs/ours ({agent['label']}) = {ratio:.1f}x   target >= {target:g}x: {verdict(ratio >= target)}")
    print()
    print("Peak resident memory of the agent (max RSS, /usr/bin/time -v)")
    for agent in agents:
        rss_mb = agent["time"]["max_rss_kb"] / 1024
        memory = agent["memory"]
        line = (f"  {agent['label']}: {rss_mb:.1f} MB   target <= {TARGET_RSS_MB:g} MB: {verdict(rss_mb <= TARGET_RSS_MB)}; "
                f"`earshot-edge --help` alone (binary + libraries loaded, no work): "
                f"{agent['floor']['max_rss_kb'] / 1024:.1f} MB")
        print(line)
        if "rss_kb" in memory:
            print(f"    at the sampled peak ({memory['rss_kb'] / 1024:.1f} MB): anonymous (heap, stacks, private data) "
                  f"{memory['anonymous_kb'] / 1024:.1f} MB, file-backed (code and data of the binary and its libraries) "
                  f"{memory['file_kb'] / 1024:.1f} MB; largest anonymous {memory['max_anonymous_kb'] / 1024:.1f} MB")
            top = list(memory.get("by_mapping", {}).items())[:12]
            if top:
                print("    resident by mapping (MB): " + ", ".join(f"{name} {kb / 1024:.1f}" for name, kb in top))
    print()
    print("Detection on the inserted phrases (latency = detection time - end of the phrase's speech)")
    print("  " + describe("earshot-edge run", main_agent["detection"])
          + f"   median target <= {TARGET_MEDIAN_LATENCY_MS:g} ms: "
          + verdict(main_agent["detection"].get("latency_ms_median", 1e9) <= TARGET_MEDIAN_LATENCY_MS))
    breakdown = json.loads(args.latency_breakdown.read_text()) if args.latency_breakdown else None
    if breakdown and breakdown.get("raw_median_ms") is not None:
        print(f"    where it comes from (pymicro-wakeword, same model, each phrase from 10 s before it): one invocation's probability first exceeds "
              f"the cutoff a median {breakdown['raw_median_ms']:.0f} ms after the speech ends; the manifest's "
              f"windowed mean first does at {breakdown['mean_median_ms']:.0f} ms")
    print("  " + describe("earshot-replay scan", scan))
    for ref in references:
        print("  " + describe(ref["impl"], ref["detection"]))
    ours_times = sorted(round(t, 2) for t in main_agent["events"])
    for agent in agents[1:]:
        if agent["label"] == "fast":
            print("  " + describe("earshot-edge run --fast-cutoff", agent["detection"])
                  + f"   median target <= {TARGET_MEDIAN_LATENCY_MS:g} ms: "
                  + verdict(agent["detection"].get("latency_ms_median", 1e9) <= TARGET_MEDIAN_LATENCY_MS))
            continue
        same = sorted(round(t, 2) for t in agent["events"]) == ours_times
        print(f"  {agent['label']} agent fired where the {main_agent['label']} one did: {'yes' if same else 'NO'}")
    same = sorted(round(t, 2) for t in scan_events) == ours_times
    print(f"  agent and replay scan fired at the same times: {'yes' if same else 'NO'}")
    spooled = ", ".join(f"{agent['label']} {agent['segments']}" for agent in agents)
    print(f"  segments spooled: {spooled}; {len(uploads)} uploads received ({len({u['key'] for u in uploads})} "
          f"distinct keys, {len({u['sha256'] for u in uploads})} distinct bodies)")
    if main_agent["detection"]["false_trigger_times_s"]:
        print(f"  our false triggers at (s): {main_agent['detection']['false_trigger_times_s']}")
    if main_agent["detection"]["missed"]:
        print(f"  our missed phrases (index): {main_agent['detection']['missed']}")

    if args.json_out:
        for ref in references:
            ref.pop("firings")
        args.json_out.write_text(
            json.dumps({"audio_s": audio_s, "agents": agents, "scan": scan, "references": references,
                        "latency_breakdown": breakdown, "uploads": len(uploads)}, indent=1))


if __name__ == "__main__":
    main()
