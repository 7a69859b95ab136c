#!/usr/bin/env bash
# Regenerates the wake-word detection fixtures of EarshotEdgeTests:
#   1. synthesizes each microWakeWord reference model's wake phrase in four espeak-ng voices
#      (16 kHz mono 16-bit, with a little silence around it) into
#      Tests/EarshotEdgeTests/Fixtures/wake-words/;
#   2. runs pymicro-wakeword 2.5.0 (the reference implementation) over every clip with every
#      model and writes its firing frames to Tests/EarshotEdgeTests/Fixtures/wake-word-detections.txt.
# Needs espeak-ng and sox (apt) and a venv with scripts/edge/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=Tests/EarshotEdgeTests/Fixtures/wake-words
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for voice in en-us en-gb en-us+f3 en+m3; do
  for phrase in "alexa" "hey jarvis" "hey mycroft" "okay nabu"; do
    name="$(echo "$phrase" | tr ' ' _)_$(echo "$voice" | tr '+' _)"
    espeak-ng -v "$voice" -s 150 -w "$tmp/$name.wav" "$phrase. "
    sox -q "$tmp/$name.wav" -r 16000 -c 1 -b 16 "$out/$name.wav" pad 0.3 0.5
  done
done

[ -x .venv-edge/bin/python ] || { python3 -m venv .venv-edge && .venv-edge/bin/pip install -q -r scripts/edge/requirements.txt; }
.venv-edge/bin/python - "$out" > Tests/EarshotEdgeTests/Fixtures/wake-word-detections.txt <<'PY'
import glob, sys, wave
from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures, Model

folder = sys.argv[1]
print("# model recording firing-frame-indices (comma separated, '-' for none); paths relative to the repository")
print("# made by scripts/edge/generate_detection_reference.sh with pymicro-wakeword 2.5.0, a fresh detector per recording")
for model in ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"]:
    for path in sorted(glob.glob(f"{folder}/*.wav")):
        detector = MicroWakeWord.from_builtin(Model(model))
        features = MicroWakeWordFeatures()
        with wave.open(path) as recording:
            audio = recording.readframes(recording.getnframes())
        frames = [index for index, frame in enumerate(features.process_streaming(audio)) if detector.process_streaming(frame)]
        print(model, path, ",".join(map(str, frames)) or "-")
PY
echo "wrote $(ls "$out" | wc -l) clips and their detections"
