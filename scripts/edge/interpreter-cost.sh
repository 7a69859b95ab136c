#!/usr/bin/env bash
# Interpreter time per second of audio of our edge models against microWakeWord's alexa model,
# under our interpreter (EarshotInference), interleaved so that each ratio compares runs taken
# minutes apart at most on the same machine.
#
# usage: scripts/edge/interpreter-cost.sh [ROUNDS]     (default 3 rounds)
# Each round times every edge model (best of 300 passes over 120 input windows cut from the
# recorded microWakeWord inputs; 5 invocations per second of audio) and microWakeWord alexa
# (best of 30 passes over its 4,000 recorded steps; 100/3 invocations per second), then prints
# microseconds per second of audio and the ratio to microWakeWord alexa (target: below 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
[[ -f reference-models/microwakeword/alexa.tflite ]] || bash scripts/fetch-reference-models.sh >/dev/null
swift build -c release --product earshot-bench >/dev/null 2>&1
bench="$(swift build -c release --show-bin-path)/earshot-bench"
fixture=Tests/EarshotInferenceTests/Fixtures/microwakeword-inputs.bin
ns() { "$bench" interpreter "$1" "$fixture" --repeats "$2" | awk '{print $1}'; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
for round in $(seq 1 "$rounds"); do
  mww=$(ns reference-models/microwakeword/alexa.tflite 30)
  mww_per_s=$(awk -v n="$mww" 'BEGIN { printf "%.1f", n * 100 / 3 / 1000 }')
  line="round $round: microWakeWord alexa ${mww_per_s} us/s"
  for model in edge-models/*/model.tflite; do
    ours=$(ns "$model" 300)
    line+=$(awk -v n="$ours" -v m="$mww_per_s" -v name="$(basename "$(dirname "$model")")" \
      'BEGIN { printf "; %s %.1f us/s (%.2fx)", name, n * 5 / 1000, n * 5 / 1000 / m }')
  done
  echo "$line"
done
