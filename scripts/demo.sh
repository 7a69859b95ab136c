#!/usr/bin/env bash
# Earshot end to end on a fresh machine, no sound card needed:
#   1. the cloud service starts on loopback and a device token is created;
#   2. "computer, turn on the kitchen lights", synthesized by flite in its awb voice (a voice the
#      edge model never heard in training), plays as an ALSA capture device through ALSA's `file`
#      plugin;
#   3. earshot-edge listens to that device with our own "computer" model, detects the wake
#      word, cuts the segment, spools it and uploads it with libcurl;
#   4. the cloud verifies the wake word (cloud-models/computer-verifier), recognizes the speech
#      (PocketSphinx) and parses it in the smart-home context; the keyed prediction it stored
#      (transcript, intent, slots) is fetched and printed.
# Everything goes to ${DEMO_OUT:-/tmp/earshot-demo}.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data"
out=${DEMO_OUT:-/tmp/earshot-demo}

bash scripts/setup.sh
bash scripts/fetch-reference-models.sh
bash scripts/cloud/fetch-models.sh
echo "== building (release)"
for product in earshot-edge earshot-cloud earshot-replay; do
    swift build -c release --product "$product" >/dev/null
done
bin=$(swift build -c release --show-bin-path)
rm -rf "$out"
mkdir -p "$out"

echo "== 1. cloud on loopback"
"$bin/earshot-cloud" token create --device demo-pi --data "$out/cloud" > "$out/device-token"
"$bin/earshot-cloud" serve --host 127.0.0.1 --port 0 --data "$out/cloud" --models cloud-models > "$out/cloud.log" 2>&1 &
cloud=$!
trap 'kill "$cloud" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 200); do
    url=$(grep -o 'listening on http://[0-9.:]*' "$out/cloud.log" | head -1 | sed 's/listening on //') || true
    [ -n "$url" ] && break
    kill -0 "$cloud" 2>/dev/null || { cat "$out/cloud.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "demo: the cloud did not start" >&2; cat "$out/cloud.log" >&2; exit 1; }
echo "   $url, token for device demo-pi in $out/device-token"

echo "== 2. a recording as ALSA device 'earshot_demo'"
flite -voice awb -t "computer, turn on the kitchen lights." -o "$out/phrase-flite.wav"
sox -q "$out/phrase-flite.wav" -r 16000 -c 1 -b 16 "$out/phrase.wav"
sox -q -n -r 16000 -c 1 -b 16 "$out/quiet.wav" trim 0 1
sox -q "$out/quiet.wav" "$out/phrase.wav" "$out/quiet.wav" "$out/quiet.wav" -t raw -r 16000 -c 1 -b 16 -e signed-integer "$out/scene.raw"
cat > "$out/alsa.conf" <<CONF
pcm.earshot_demo {
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "$out/scene.raw"
    format "raw"
}
CONF
seconds=$(awk -v bytes="$(stat -c %s "$out/scene.raw")" 'BEGIN { printf "%.3f", bytes / 32000 }')
echo "   ${seconds} s: 1 s of silence, \"computer, turn on the kitchen lights\" (flite, voice awb), 2 s of silence"

echo "== 3. earshot-edge listening through ALSA"
ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$out/alsa.conf" "$bin/earshot-edge" run \
    --device earshot_demo --model edge-models/computer \
    --cloud "$url" --token-file "$out/device-token" --spool "$out/spool" --device-id demo-pi \
    --duration "$seconds" --drain-timeout 20 2> "$out/edge.log"
grep -E "wake word|segment spooled|status:" "$out/edge.log" | sed 's/^/   /'
key=$(grep -o 'key=demo-pi[^ ]*' "$out/edge.log" | head -1 | cut -d= -f2)
[ -n "$key" ] || { echo "demo: no segment was cut" >&2; exit 1; }

echo "== 4. the prediction the cloud stored for $key"
curl -fsS -H "Authorization: Bearer $(cat "$out/device-token")" "$url/v1/segments/$key" > "$out/prediction.json"
jq . "$out/prediction.json"
jq -r '"   => verified \(.verified) (score \(.score)); heard \"\(.transcript // "")\"; intent \(.intent // "none") \(.slots // {} | tojson); understood \(.understood)"' "$out/prediction.json"
echo "== done: $out"
