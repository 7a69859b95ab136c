#!/usr/bin/env bash
# Places the model files of cloud-models/*/*/card.json beside their cards and synthesizes the
# cards' test recordings. Model files and recordings are never committed (.gitignore).
#
#   cloud-models/alexa/1/model.tflite      <- pymicro-wakeword==2.5.0 wheel, alexa.tflite (Apache-2.0)
#   cloud-models/*/1/test-set/*.wav        <- espeak-ng + sox (Debian), deterministic for given versions
#
# Other test recordings are read from ../shared/data ('data:' paths in the cards).
# Idempotent: quiet and fast when everything is in place.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$repo/scripts/fetch-reference-models.sh" >/dev/null

place() { # model name, version, reference file
  local dest="$repo/cloud-models/$1/$2/model.tflite"
  if [[ ! -s "$dest" ]]; then cp "$repo/reference-models/microwakeword/$3.tflite" "$dest.part" && mv "$dest.part" "$dest"; fi
}
place alexa 1 alexa

synth() { # folder, file stem, voice, speed (words/min), pitch, text
  local out="$1/test-set/$2.wav"
  [[ -s "$out" ]] && return 0
  mkdir -p "$1/test-set"
  command -v espeak-ng >/dev/null || { echo "fetch-models: espeak-ng is missing (scripts/setup.sh installs it)" >&2; exit 1; }
  command -v sox >/dev/null || { echo "fetch-models: sox is missing (scripts/setup.sh installs it)" >&2; exit 1; }
  local tmp="$out.tmp.wav"
  # A little room before and after the phrase, as a segment from the edge has; espeak-ng
  # speaks at 22050 Hz and sox makes it the contract's 16 kHz mono 16-bit PCM.
  espeak-ng -v "$3" -s "$4" -p "$5" -g 2 -w "$tmp" "... $6 ..."
  sox "$tmp" -r 16000 -c 1 -b 16 "$out.16k.wav"
  rm "$tmp"
  mv "$out.16k.wav" "$out"
}
for model in alexa; do
  folder="$repo/cloud-models/$model/1"
  phrase="Alexa"
  synth "$folder" "${model}-en-us" en-us 150 50 "$phrase"
  synth "$folder" "${model}-en-gb" en-gb 140 40 "$phrase"
  synth "$folder" "${model}-en-us-slow" en-us 120 60 "$phrase"
  synth "$folder" "${model}-en-gb-rp" en-gb-x-rp 160 45 "$phrase"
  synth "$folder" "${model}-sentence" en-us 150 50 "The weather is nice today, isn't it?"
done
