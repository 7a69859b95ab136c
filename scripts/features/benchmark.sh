#!/usr/bin/env bash
# The feature frontend against pymicro-features' C++ core on the same audio, same run.
#
# usage: scripts/features/benchmark.sh [SECONDS=600] [REPETITIONS=5]
# env:   EARSHOT_DATA (default <repo>/../shared/data), SCRATCH (default <repo>/.build-features)
#
# 1. builds earshot-bench in release;
# 2. scripts/features/benchmark_reference.py writes the audio (real speech from shared/data,
#    looped to SECONDS) and times pymicro-features: its C++ core called from C, and its
#    Python API;
# 3. earshot-bench frontend times EarshotFeatures on the same audio file;
# then prints both figures, the ratio ours/theirs, and checks that both produced the same
# frames (FNV-1a over all output values).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-600}
repetitions=${2:-5}
data=${EARSHOT_DATA:-$repo/../shared/data}
scratch=${SCRATCH:-$repo/.build-features}
work="$scratch/frontend-benchmark"
mkdir -p "$work"

cd "$repo"
echo "== building earshot-bench (release)" >&2
swift build -c release --scratch-path "$scratch" --product earshot-bench >&2

echo "== reference: pymicro-features" >&2
reference=$(python3 scripts/features/benchmark_reference.py --data "$data" --seconds "$seconds" \
    --repetitions "$repetitions" --audio-out "$work/audio.s16le" --build-dir "$work")
echo "$reference"

echo "== ours: EarshotFeatures" >&2
ours=$("$scratch/release/earshot-bench" frontend --input "$work/audio.s16le" --seconds "$seconds" \
    --chunk 160 --repetitions "$repetitions")
echo "$ours"

field() { sed -n "s/^RESULT impl=$1 .*$2=\([^ ]*\).*/\1/p"; }
theirs_us=$(echo "$reference" | field pymicro_core us_per_audio_second)
theirs_hash=$(echo "$reference" | field pymicro_core output_fnv1a)
python_us=$(echo "$reference" | field pymicro_python us_per_audio_second)
ours_us=$(echo "$ours" | field swift us_per_audio_second)
ours_hash=$(echo "$ours" | field swift output_fnv1a)

echo
echo "machine: $(uname -m), $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p')"
echo "audio:   $seconds s of real speech (shared/data), 160-sample chunks, best of $repetitions"
printf 'pymicro-features C++ core: %10.1f us per second of audio\n' "$theirs_us"
[ -n "$python_us" ] && printf 'pymicro-features via Python: %8.1f us per second of audio\n' "$python_us"
printf 'EarshotFeatures (Swift):   %10.1f us per second of audio\n' "$ours_us"
ratio=$(awk -v a="$ours_us" -v b="$theirs_us" 'BEGIN { printf "%.3f", a / b }')
echo "ratio ours/theirs (C++ core): $ratio"
if [ "$ours_hash" = "$theirs_hash" ]; then
    echo "output: identical ($ours_hash over all frames)"
else
    echo "output: DIFFERENT (ours $ours_hash, theirs $theirs_hash)" >&2
    exit 1
fi
