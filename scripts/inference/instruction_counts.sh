#!/usr/bin/env bash
# Load-independent companion to benchmark.sh: instructions per invocation (valgrind
# callgrind), ours vs libtensorflowlite_c pinned to one thread, from the difference between
# 3 passes and 1 pass over the 4000 recorded windows (so loading is not counted).
# Caveat: under valgrind the CPU reports no AVX-512, so TFLite's XNNPACK takes its AVX2
# paths; counts compare work done, not time.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
scripts/fetch-reference-models.sh
swift build -c release --product earshot-bench --build-path .build-release >/dev/null
mkdir -p .build-inference
gcc -O2 -o .build-inference/tflite_c_bench scripts/inference/tflite_c_bench.c \
  reference-models/lib/libtensorflowlite_c.so -Wl,-rpath,"$repo/reference-models/lib"
ir() {
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1
  callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
  rm -f "$out"
}
inputs=Tests/EarshotInferenceTests/Fixtures/microwakeword-inputs.bin
printf "%-12s %16s %16s %8s\n" model "ours instr/inv" "tflite instr/inv" ratio
for m in alexa hey_jarvis hey_mycroft okay_nabu; do
  model=reference-models/microwakeword/$m.tflite
  o1=$(ir .build-release/release/earshot-bench interpreter "$model" $inputs --repeats 1)
  o3=$(ir .build-release/release/earshot-bench interpreter "$model" $inputs --repeats 3)
  t1=$(ir .build-inference/tflite_c_bench "$model" $inputs 1 1)
  t3=$(ir .build-inference/tflite_c_bench "$model" $inputs 3 1)
  ours=$(((o3 - o1) / 8000))
  theirs=$(((t3 - t1) / 8000))
  printf "%-12s %16d %16d %8.3f\n" "$m" "$ours" "$theirs" "$(echo "$ours / $theirs" | bc -l)"
done
