#!/usr/bin/env bash
# Checks that invoking allocates nothing: counts heap allocations (LD_PRELOAD shim) of the
# release benchmark with 1 and with 3 passes over a fixture; 3 passes must not allocate more.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
scripts/fetch-reference-models.sh
swift build -c release --product earshot-bench --build-path .build-release >/dev/null
mkdir -p .build-inference
gcc -O2 -shared -fPIC -o .build-inference/count_allocations.so scripts/inference/count_allocations.c -ldl
fixtures=Tests/EarshotInferenceTests/Fixtures
status=0
for pair in microwakeword/okay_nabu:microwakeword-inputs openwakeword/hey_jarvis_v0.1:openwakeword-hey_jarvis_v0.1 \
  openwakeword/embedding_model:openwakeword-embedding_model; do
  model=reference-models/${pair%%:*}.tflite
  fixture=$fixtures/${pair##*:}.bin
  one=$(LD_PRELOAD=$PWD/.build-inference/count_allocations.so .build-release/release/earshot-bench interpreter "$model" "$fixture" --repeats 1 2>&1 | awk '/^allocations/ {print $2}')
  three=$(LD_PRELOAD=$PWD/.build-inference/count_allocations.so .build-release/release/earshot-bench interpreter "$model" "$fixture" --repeats 3 2>&1 | awk '/^allocations/ {print $2}')
  echo "$model: $one allocations with 1 pass, $three with 3"
  (( three <= one )) || status=1
done
exit $status
