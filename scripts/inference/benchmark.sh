#!/usr/bin/env bash
# EarshotInference vs TensorFlow Lite's C library, same machine, same run, same inputs.
#
#   scripts/inference/benchmark.sh [REPEATS]
#
# Builds earshot-bench in release mode and the C harness (gcc -O2) against the
# libtensorflowlite_c.so shipped in pymicro-wakeword 2.5.0 (fetched by
# scripts/fetch-reference-models.sh), then times each microWakeWord model over the 4000
# recorded input windows and the float embedding model over its fixture windows, and
# prints ns per invocation and the ratio ours / theirs (lower is better). TFLite runs twice:
# with the library's default options (as pymicro-wakeword creates its interpreter: default
# thread count, default XNNPACK delegate) and pinned to one thread (EarshotInference runs on
# one thread).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
repeats="${1:-7}"
scripts/fetch-reference-models.sh
swift build -c release --product earshot-bench --build-path .build-release >/dev/null
mkdir -p .build-inference
gcc -O2 -o .build-inference/tflite_c_bench scripts/inference/tflite_c_bench.c \
  reference-models/lib/libtensorflowlite_c.so -Wl,-rpath,"$repo/reference-models/lib"
bench=.build-release/release/earshot-bench
fixtures=Tests/EarshotInferenceTests/Fixtures

printf "%-16s %12s %14s %8s %14s %8s\n" model "ours ns/inv" "tflite default" ratio "tflite 1 thr" ratio
run() { # name model fixture repeats
  local ours theirs single
  ours=$("$bench" interpreter "$2" "$3" --repeats "$4" | awk '{print $1}')
  theirs=$(.build-inference/tflite_c_bench "$2" "$3" "$4" | awk '{print $1}')
  single=$(.build-inference/tflite_c_bench "$2" "$3" "$4" 1 | awk '{print $1}')
  printf "%-16s %12s %14s %8.3f %14s %8.3f\n" "$1" "$ours" "$theirs" "$(echo "$ours / $theirs" | bc -l)" \
    "$single" "$(echo "$ours / $single" | bc -l)"
}
for m in alexa hey_jarvis hey_mycroft okay_nabu; do
  run "$m" reference-models/microwakeword/$m.tflite $fixtures/microwakeword-inputs.bin "$repeats"
done
run embedding_model reference-models/openwakeword/embedding_model.tflite $fixtures/openwakeword-embedding_model.bin $((repeats * 3))
