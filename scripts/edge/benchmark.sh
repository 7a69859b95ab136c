#!/usr/bin/env bash
# The whole edge agent on an hour of audio, beside pymicro-wakeword and openWakeWord, in one run.
#
# usage: scripts/edge/benchmark.sh
# env:   EARSHOT_DATA  shared recordings (default <repo>/../shared/data)
#        SCRATCH       Swift build folder (default <repo>/.build)
#        BENCH_SECONDS length of the recording (default 3600)
#        KEEP=1        keep the temporary folder (audio, logs, results) and print where it is
#        STATIC=1      also build earshot-edge with --static-swift-stdlib (in $SCRATCH_STATIC,
#                      default <repo>/.build-static) and measure it the same way, after the default build
#        FAST_CUTOFF   also run the agent with `--fast-cutoff FAST_CUTOFF` (default 0.95; "off" skips it;
#                      the static build with STATIC=1): one confident invocation fires without waiting
#                      for the window
#
# 1. sets up <repo>/.venv-edge-bench (scripts/edge/bench/requirements*.txt and the
#    tflite_runtime shim) and fetches the reference models (scripts/fetch-reference-models.sh);
# 2. builds earshot-edge and earshot-replay in release;
# 3. scripts/edge/bench/make_audio.py writes an hour of real speech over real noise (shared/data)
#    with 30 synthesized "alexa" phrases (Tests/EarshotEdgeTests/Fixtures/wake-words) at known
#    times, each followed by a spoken sentence;
# 4. starts scripts/edge/bench/upload_server.py on 127.0.0.1 (answers every PUT with 200 JSON);
# 5. runs `earshot-edge run --file` on the hour at full speed under /usr/bin/time -v (CPU = user +
#    sys of the whole process, peak RSS), uploading to that server; and `earshot-edge --help` the
#    same way (the RSS floor of the binary and its libraries); scripts/edge/bench/memory_sampler.py
#    polls the agent's /proc/<pid>/smaps_rollup to split its peak into anonymous and file pages;
# 6. runs `earshot-replay scan` over the hour (must fire where the agent fired);
# 7. runs pymicro-wakeword 2.5.0 and openWakeWord on the same audio (scripts/edge/bench/reference_cpu.py),
#    and splits the model's trigger latency into reaction and window (latency_breakdown.py);
# 8. scripts/edge/bench/score.py prints every figure, the ratios and the targets.
# Takes about 5 minutes on a 2-core machine (most of it in the two Python references).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
data=${EARSHOT_DATA:-$repo/../shared/data}
scratch=${SCRATCH:-$repo/.build}
seconds=${BENCH_SECONDS:-3600}
bench="$repo/scripts/edge/bench"
venv="$repo/.venv-edge-bench"
python="$venv/bin/python"

[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
[ -d "$data/mycroft-precise" ] || { echo "no recordings at $data (set EARSHOT_DATA)" >&2; exit 1; }

# 1. venv (rebuilt when the requirements or the shim change) and models
stamp_wanted=$(cat "$bench/requirements.txt" "$bench/requirements-no-deps.txt" "$bench"/shims/tflite_runtime/*.py | sha256sum | cut -d' ' -f1)
if [ "$(cat "$venv/.bench-stamp" 2>/dev/null)" != "$stamp_wanted" ]; then
    echo "== setting up $venv" >&2
    python3 -m venv "$venv"
    "$python" -m pip install --quiet --upgrade pip >&2
    "$python" -m pip install --quiet -r "$bench/requirements.txt" >&2
    "$python" -m pip install --quiet --no-deps -r "$bench/requirements-no-deps.txt" >&2
    site=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    rm -rf "$site/tflite_runtime"
    cp -r "$bench/shims/tflite_runtime" "$site/tflite_runtime"
    echo "$stamp_wanted" > "$venv/.bench-stamp"
fi
bash "$repo/scripts/fetch-reference-models.sh" >&2
models="$repo/reference-models"

# 2. release build
echo "== building earshot-edge and earshot-replay (release)" >&2
(cd "$repo" && swift build -c release --scratch-path "$scratch" --product earshot-edge >&2 \
    && swift build -c release --scratch-path "$scratch" --product earshot-replay >&2)
bin=$(cd "$repo" && swift build -c release --scratch-path "$scratch" --show-bin-path)
if [ "${STATIC:-0}" = 1 ]; then
    scratch_static=${SCRATCH_STATIC:-$repo/.build-static}
    echo "== building earshot-edge (release, --static-swift-stdlib)" >&2
    (cd "$repo" && swift build -c release --static-swift-stdlib --scratch-path "$scratch_static" --product earshot-edge >&2)
    bin_static=$(cd "$repo" && swift build -c release --static-swift-stdlib --scratch-path "$scratch_static" --show-bin-path)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/earshot-edge-bench.XXXXXX")
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# 3. the hour of audio
echo "== writing $seconds s of audio" >&2
"$python" "$bench/make_audio.py" --data "$data" --wake-clips "$repo/Tests/EarshotEdgeTests/Fixtures/wake-words" \
    --seconds "$seconds" --phrases $(( seconds >= 240 ? seconds / 120 : 2 )) --out "$work/hour.wav" --truth "$work/truth.json"

# 4. the upload server
"$python" "$bench/upload_server.py" --port-file "$work/port" --log "$work/uploads.jsonl" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "upload server did not start" >&2; exit 1; }
port=$(cat "$work/port")
echo "bench-token" > "$work/token"

# 5. ours
run_agent() { # label, folder of the binary, extra options...
    echo "== earshot-edge run ($1; full speed, uploading to 127.0.0.1:$port)" >&2
    /usr/bin/time -v -o "$work/$1-floor-time.txt" "$2/earshot-edge" --help > /dev/null
    command=("$2/earshot-edge" run --model "$models/microwakeword/alexa.json" --file "$work/hour.wav"
        --cloud "http://127.0.0.1:$port" --token-file "$work/token" --spool "$work/spool-$1" --device-id "bench-$1" "${@:3}")
    /usr/bin/time -v -o "$work/$1-time.txt" "${command[@]}" 2> "$work/$1.log" &
    local timer=$!
    "$python" "$bench/memory_sampler.py" --parent "$timer" > "$work/$1-memory.json" &
    local sampler=$!
    wait "$timer" || { tail -20 "$work/$1.log" >&2; exit 1; }
    wait "$sampler"
}
run_agent dynamic "$bin"
shown_command="${command[*]}"
[ -n "${bin_static:-}" ] && run_agent static "$bin_static"
fast_cutoff=${FAST_CUTOFF:-0.95}
[ "$fast_cutoff" != off ] && run_agent fast "${bin_static:-$bin}" --fast-cutoff "$fast_cutoff"

# 6. the replay tool over the same hour
echo "== earshot-replay scan" >&2
"$bin/earshot-replay" scan "$models/microwakeword/alexa.json" "$work/hour.wav" > "$work/scan.jsonl"

# 7. the references
echo "== pymicro-wakeword (10 ms chunks)" >&2
"$python" "$bench/reference_cpu.py" pymicro --wav "$work/hour.wav" \
    --manifest "$models/microwakeword/alexa.json" > "$work/pymicro.json"
"$python" "$bench/latency_breakdown.py" --wav "$work/hour.wav" --truth "$work/truth.json" \
    --manifest "$models/microwakeword/alexa.json" > "$work/latency-breakdown.json"
echo "== openWakeWord (80 ms chunks)" >&2
"$python" "$bench/reference_cpu.py" openwakeword --wav "$work/hour.wav" \
    --models "$models/openwakeword" > "$work/openwakeword.json" 2> "$work/openwakeword.err" \
    || { cat "$work/openwakeword.err" >&2; exit 1; }

kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=""

# 8. figures
echo
echo "machine: $(uname -m), $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p'); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: ${shown_command//$work/\$TMP}"
agents=(--agent "dynamic:$work/dynamic")
[ -n "${bin_static:-}" ] && agents+=(--agent "static:$work/static")
[ "$fast_cutoff" != off ] && agents+=(--agent "fast:$work/fast")
"$python" "$bench/score.py" --truth "$work/truth.json" "${agents[@]}" --scan "$work/scan.jsonl" \
    --uploads "$work/uploads.jsonl" --reference "$work/pymicro.json" --reference "$work/openwakeword.json" \
    --latency-breakdown "$work/latency-breakdown.json" --json-out "$work/result.json"
