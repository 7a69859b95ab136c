#!/usr/bin/env bash
# Fetches the reference .tflite models used by EarshotInference's tests and benchmark.
#
#   pymicro-wakeword==2.5.0      the four int8 streaming microWakeWord models (+ .json
#                                manifests) and libtensorflowlite_c.so (benchmark harness)
#   wyoming-openwakeword==1.8.2  the openWakeWord float models
#
# Wheels are downloaded once with `pip download --no-deps` into a cache
# ($EARSHOT_MODEL_CACHE, default ~/.cache/earshot/wheels) and extracted into
# <repo>/reference-models/ (gitignored). Idempotent: fast and silent when all files exist.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo/reference-models"
cache="${EARSHOT_MODEL_CACHE:-$HOME/.cache/earshot/wheels}"

micro_models=(alexa hey_jarvis hey_mycroft okay_nabu)
oww_models=(melspectrogram embedding_model alexa_v0.1 hey_jarvis_v0.1 hey_mycroft_v0.1 hey_rhasspy_v0.1 ok_nabu_v0.1)

expected=("$dest/lib/libtensorflowlite_c.so")
for m in "${micro_models[@]}"; do expected+=("$dest/microwakeword/$m.tflite" "$dest/microwakeword/$m.json"); done
for m in "${oww_models[@]}"; do expected+=("$dest/openwakeword/$m.tflite"); done

missing=0
for f in "${expected[@]}"; do [[ -s "$f" ]] || { missing=1; break; }; done
[[ $missing -eq 0 ]] && exit 0

mkdir -p "$cache" "$dest/microwakeword" "$dest/openwakeword" "$dest/lib"
micro_whl="$cache/pymicro_wakeword-2.5.0-py3-none-manylinux_2_35_x86_64.whl"
oww_whl="$cache/wyoming_openwakeword-1.8.2-py3-none-any.whl"
if [[ ! -s "$micro_whl" ]]; then
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_35_x86_64 \
    --python-version 3.11 -d "$cache" pymicro-wakeword==2.5.0
fi
if [[ ! -s "$oww_whl" ]]; then
  python3 -m pip download --quiet --no-deps -d "$cache" wyoming-openwakeword==1.8.2
fi

extract() { # wheel, member, target
  python3 - "$1" "$2" "$3" <<'PY'
import sys, zipfile, os
whl, member, target = sys.argv[1:4]
with zipfile.ZipFile(whl) as z:
    data = z.read(member)
tmp = target + ".part"
with open(tmp, "wb") as f:
    f.write(data)
os.replace(tmp, target)
PY
}

for m in "${micro_models[@]}"; do
  extract "$micro_whl" "pymicro_wakeword/models/$m.tflite" "$dest/microwakeword/$m.tflite"
  extract "$micro_whl" "pymicro_wakeword/models/$m.json" "$dest/microwakeword/$m.json"
done
extract "$micro_whl" "pymicro_wakeword/lib/libtensorflowlite_c.so" "$dest/lib/libtensorflowlite_c.so"
for m in "${oww_models[@]}"; do
  extract "$oww_whl" "wyoming_openwakeword/models/$m.tflite" "$dest/openwakeword/$m.tflite"
done
echo "reference models in $dest"
