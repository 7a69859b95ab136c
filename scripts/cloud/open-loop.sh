#!/usr/bin/env bash
# Open-loop load: PUT a new key every 1/RATE seconds, whether or not earlier requests have been
# answered (unlike wrk's closed loop, the offered load does not fall when the server slows), and
# print the latency percentiles of the answers.
#   scripts/cloud/open-loop.sh URL RATE SECONDS
# env: EARSHOT_TOKEN, EARSHOT_WAV, EARSHOT_DEVICE, EARSHOT_BOOT (distinct per run), as wrk-fresh.lua.
# Each request is one curl process (about 5 ms of CPU), so keep RATE to a few dozen per second.
# OPEN_LOOP_BODIES=FILE also appends every answer's JSON to FILE (for the server's own timings).
set -euo pipefail
if [[ $# -ne 3 ]]; then
  echo "usage: $0 URL RATE SECONDS" >&2
  exit 2
fi
url="$1" rate="$2" seconds="$3"
: "${EARSHOT_TOKEN:?}" "${EARSHOT_WAV:?}" "${EARSHOT_DEVICE:?}" "${EARSHOT_BOOT:?}"
out="$(mktemp /tmp/earshot-open-loop-XXXXXX)"
trap 'rm -f "$out"' EXIT
count=$(awk -v r="$rate" -v s="$seconds" 'BEGIN {printf "%d", r * s}')
interval_ns=$(awk -v r="$rate" 'BEGIN {printf "%d", 1e9 / r}')
start_ns=$(date +%s%N)
for i in $(seq 1 "$count"); do
  key=$(printf '%s.b%06d.s%06d' "$EARSHOT_DEVICE" "$EARSHOT_BOOT" "$i")
  body=/dev/null; [[ -n "${OPEN_LOOP_BODIES:-}" ]] && body="$out.body.$i"
  curl -s -o "$body" -w '%{http_code} %{time_total}\n' -X PUT "$url/v1/segments/$key" \
    -H "Authorization: Bearer $EARSHOT_TOKEN" -H "Content-Type: audio/wav" -H "X-Earshot-Contract: 1" \
    -H "X-Earshot-Wake-Word: alexa" -H "X-Earshot-Score: 0.93" -H "X-Earshot-Model-Name: alexa" \
    -H "X-Earshot-Model-Version: 1" -H "X-Earshot-Capture-Start: 2026-11-21T14:00:00.000Z" \
    -H "X-Earshot-Capture-End: 2026-11-21T14:00:02.000Z" --data-binary @"$EARSHOT_WAV" >>"$out" &
  # Sleep until the next arrival on the schedule (not a fixed pause: curl's start-up would drift it).
  wait_ns=$(( start_ns + i * interval_ns - $(date +%s%N) ))
  if (( wait_ns > 0 )); then
    sleep "$(printf '%d.%09d' $(( wait_ns / 1000000000 )) $(( wait_ns % 1000000000 )))"
  fi
done
wait
if [[ -n "${OPEN_LOOP_BODIES:-}" ]]; then
  for i in $(seq 1 "$count"); do cat "$out.body.$i" 2>/dev/null && echo; rm -f "$out.body.$i"; done >>"$OPEN_LOOP_BODIES"
fi
python3 - "$out" "$rate" "$count" <<'PY'
import sys
lines = [line.split() for line in open(sys.argv[1]) if line.strip()]
rate, count = float(sys.argv[2]), int(sys.argv[3])
ok = sorted(float(t) * 1000 for code, t in lines if code == "200")
failed = len(lines) - len(ok)
def pct(p):
    return ok[min(len(ok) - 1, int(round(p / 100 * (len(ok) - 1))))]
if not ok:
    sys.exit("open loop: no request succeeded")
print(f"open loop: {rate:g} req/s offered, {count} requests, {len(ok)} answered 200, {failed} failed")
print(f"latency: p50 {pct(50):.1f} ms, p90 {pct(90):.1f} ms, p99 {pct(99):.1f} ms, max {ok[-1]:.1f} ms")
PY
