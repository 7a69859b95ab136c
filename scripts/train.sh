#!/usr/bin/env bash
# Reproduces one edge model end to end:  scripts/train.sh computer|alexa|speech-commands
#
# Stages (each resumable: a finished stage leaves WORK/<stage>.done and is skipped next time;
# FORCE=stage re-runs that stage and the ones after it):
#   venv      .venv-train from scripts/train/requirements.txt (pinned)
#   synth     text-to-speech clips (espeak-ng variants, flite, festival)      WORK/tts/
#   augment   sox variation + real noise / real speech backgrounds            WORK/aug/
#   features  `earshot-replay features` for every clip (the one frontend)    WORK/features.npz
#   train     Keras training, int8 post-training quantization, .tflite       WORK/model/
#   eval      held-out sets through `earshot-replay eval` / `classify`        WORK/eval/
#   card      edge-models/<model>/{model.tflite,card.json,examples/}
# WORK is $EARSHOT_TRAIN_WORK/<model> (default /tmp/earshot-train/<model>); nothing generated
# goes into the repository except the model, its card and a few example clips.
# CPU etiquette: everything runs under nice -n 19 with single-threaded TensorFlow.
set -euo pipefail
model="${1:?usage: scripts/train.sh computer|alexa|speech-commands}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${EARSHOT_TRAIN_WORK:-/tmp/earshot-train}/$model"
mkdir -p "$work"
py="$repo/.venv-train/bin/python"
export OMP_NUM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1
stages=(venv synth augment features train eval card)
stage_label="$model"
source "$repo/scripts/train/stages.sh"
forget_forced_stages

venv() {
  for tool in espeak-ng flite festival sox; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/setup.sh" >&2; exit 1; }
  done
  [[ -x "$py" ]] || python3 -m venv "$repo/.venv-train"
  "$py" -m pip install -q -r "$repo/scripts/train/requirements.txt"
  (cd "$repo" && swift build -c release --product earshot-replay >/dev/null)
}
run_stage venv venv
export EARSHOT_REPLAY="$(cd "$repo" && swift build -c release --show-bin-path)/earshot-replay"
run_stage synth "$py" "$repo/scripts/train/synth.py" "$model"
run_stage augment "$py" "$repo/scripts/train/augment.py" "$model"
run_stage features "$py" "$repo/scripts/train/features.py" "$model"
run_stage train "$py" "$repo/scripts/train/train.py" "$model"
run_stage eval "$py" "$repo/scripts/train/evaluate.py" "$model"
run_stage card "$py" "$repo/scripts/train/card.py" "$model"
echo "[$model] edge-models/$model is ready"
