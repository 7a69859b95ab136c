#!/usr/bin/env bash
# Starts the release service on loopback and sends the same spoken command N times, one request
# at a time, printing each answer's server timings (total and per stage). Shows a single
# request's latency without load, and what start-up leaves cold.
#   scripts/cloud/one-at-a-time.sh [N] [serve options...]     (N default 20)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
count="${1:-20}"; shift || true
swift build -c release --product earshot-cloud >/dev/null 2>&1
bin="$(swift build -c release --show-bin-path)/earshot-cloud"
work="$(mktemp -d /tmp/earshot-one-XXXXXX)"
"$bin" serve --port 0 --data "$work/data" --models cloud-models --shared-data ../shared/data --log-level error "$@" \
  >"$work/stdout" 2>"$work/stderr" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do grep -q "listening on" "$work/stdout" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's|.*listening on ||p' "$work/stdout")"
[[ -n "$url" ]] || { cat "$work/stderr" >&2; exit 1; }
token="$("$bin" token create --device bench-pi --data "$work/data")"
wav=cloud-models/smart-home/1/test-set/alexa-kitchen-lights-on.wav
for i in $(seq 1 "$count"); do
  curl -s -X PUT "$url/v1/segments/bench-pi.b000001.s$(printf %06d "$i")" -H "Authorization: Bearer $token" \
    -H "Content-Type: audio/wav" -H "X-Earshot-Contract: 1" -H "X-Earshot-Wake-Word: alexa" -H "X-Earshot-Score: 0.93" \
    -H "X-Earshot-Model-Name: alexa" -H "X-Earshot-Model-Version: 1" -H "X-Earshot-Capture-Start: 2026-11-21T14:00:00.000Z" \
    -H "X-Earshot-Capture-End: 2026-11-21T14:00:03.500Z" --data-binary @"$wav" \
    | jq -c '{total_ms: .timings.total_ms, stages: .timings.stages}'
done
