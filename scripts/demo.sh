#!/usr/bin/env bash
# Earshot's end-to-end demo on real recordings, no sound card needed:
#   1. a real recording is played as an ALSA capture device through ALSA's `file` plugin;
#   2. earshot-edge captures it exactly as the agent listens to a microphone;
#   3. earshot-replay turns the capture into the features the edge models consume.
# Output goes to ${DEMO_OUT:-/tmp/earshot-demo}.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data"
out=${DEMO_OUT:-/tmp/earshot-demo}

bash scripts/setup.sh
echo "== building (release)"
swift build -c release --product earshot-edge >/dev/null
swift build -c release --product earshot-replay >/dev/null
bin=$(swift build -c release --show-bin-path)

mkdir -p "$out"
recording="$data/pocketsphinx_test/goforward.wav"
[ -f "$recording" ] || { echo "demo: $recording not found (../shared/data must sit beside the clone)" >&2; exit 1; }

echo "== 1. playing $recording as ALSA device 'earshot_demo'"
# The raw samples of the recording, and an ALSA configuration naming a PCM that plays them.
"$bin/earshot-edge" record --file "$recording" --seconds 3600 --output "$out/source.wav" >/dev/null
tail -c +45 "$out/source.wav" > "$out/source.raw"
cat > "$out/alsa.conf" <<CONF
pcm.earshot_demo {
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "$out/source.raw"
    format "raw"
}
CONF
seconds=$(awk -v bytes="$(stat -c %s "$out/source.raw")" 'BEGIN { printf "%.6f", bytes / 32000 }')

echo "== 2. capturing ${seconds} s through ALSA"
ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$out/alsa.conf" \
    "$bin/earshot-edge" record --device earshot_demo --seconds "$seconds" --output "$out/captured.wav"
if cmp -s <(tail -c +45 "$out/captured.wav") "$out/source.raw"; then
    echo "   captured samples are identical to the recording"
else
    echo "demo: captured samples differ from the recording" >&2
    exit 1
fi

echo "== 3. feature frontend"
"$bin/earshot-replay" features "$out/captured.wav" --output "$out/features.npy"
echo "== done: $out"
