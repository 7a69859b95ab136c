#!/usr/bin/env bash
# Verifier compute per segment, release build:  scripts/cloud/verifier-benchmark.sh [MODEL...]
#
# For each model (default: computer-verifier@1 alexa-verifier@1 alexa@1) runs
# `earshot-cloud batch --plain` over the same segment 1,001 times and once, and prints the
# user + system CPU time difference / 1,000 (start-up and card checks cancel out), as
# BENCHMARKS.md "Cloud service" section 2 measures alexa/1. The segment is the first positive
# of the computer verifier's test set (a held-out synthetic "computer" as the edge cut it).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
swift build -c release --product earshot-cloud >/dev/null
bin="$(swift build -c release --show-bin-path)/earshot-cloud"
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(computer-verifier@1 alexa-verifier@1 alexa@1)
segment="$repo/cloud-models/computer-verifier/1/test-set/positive-0.wav"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for n in 1 1001; do
  for i in $(seq 1 "$n"); do printf '{"key":"k%d","file":"%s"}\n' "$i" "$segment"; done >"$tmp/in-$n.jsonl"
done
cpu() {  # user + system seconds of one batch run
  rm -f "$tmp/out.jsonl"
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$bin" batch "$tmp/in-$2.jsonl" --out "$tmp/out.jsonl" \
    --models cloud-models --model "$1" --plain 2>/dev/null
  awk '{print $1 + $2}' "$tmp/time"
}
printf '%-22s %10s %14s\n' model bytes "CPU/segment"
for model in "${models[@]}"; do
  one=$(cpu "$model" 1)
  many=$(cpu "$model" 1001)
  file="cloud-models/${model%@*}/${model#*@}/model.tflite"
  printf '%-22s %10d %11.3f ms\n' "$model" "$(stat -c %s "$file")" "$(echo "($many - $one) / 1000 * 1000" | bc -l)"
done
echo "segment: $segment ($(stat -c %s "$segment") bytes); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
