#!/usr/bin/env bash
# Trains the cloud's wake-word verifier for one shipped wake word:
#   scripts/train-verifier.sh computer|alexa
#
# Needs the edge model's work folder (scripts/train.sh WAKEWORD makes it): its augmented clips
# and held-out sets are reused, so the verifier has the edge model's train/validation splits.
# Stages (each resumable: a finished stage leaves VWORK/<stage>.done and is skipped next time;
# FORCE=stage re-runs that stage and the ones after it):
#   build    release build of earshot-replay and earshot-cloud
#   streams  training recordings: keyword + command, minute-long non-keyword streams  VWORK/streams/
#   mine     `earshot-replay segments` with the edge model at a lower cutoff (0.5, or
#            $EARSHOT_VERIFIER_FLOOR): its false triggers and its positive segments  VWORK/mined.npz
#   train    Keras CNN over the first 300 frames of a segment, float32 .tflite        VWORK/model/
#   eval     held-out sets cut by the edge, scored by `earshot-cloud batch`; the curve VWORK/eval/
#   card     cloud-models/WAKEWORD-verifier/VERSION/{model.tflite,card.json,test-set/} (VERSIONS in verifier.py)
# VWORK is $EARSHOT_TRAIN_WORK/WAKEWORD-verifier (default /tmp/earshot-train/WAKEWORD-verifier).
# CPU etiquette: everything runs under nice -n 19 with single-threaded TensorFlow.
# The Python comes from .venv-train (scripts/train.sh makes it) or $EARSHOT_TRAIN_PYTHON.
set -euo pipefail
model="${1:?usage: scripts/train-verifier.sh computer|alexa}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
edge_work="${EARSHOT_TRAIN_WORK:-/tmp/earshot-train}/$model"
work="$edge_work-verifier"
[[ -f "$edge_work/eval.done" ]] || { echo "no finished edge run in $edge_work: run scripts/train.sh $model first" >&2; exit 1; }
mkdir -p "$work"
py="${EARSHOT_TRAIN_PYTHON:-$repo/.venv-train/bin/python}"
[[ -x "$py" ]] || { echo "$py is missing: run scripts/train.sh $model (it makes .venv-train) or set EARSHOT_TRAIN_PYTHON" >&2; exit 1; }
export OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1
stages=(build streams mine train eval card)
stage_label="$model-verifier"
source "$repo/scripts/train/stages.sh"
forget_forced_stages

run_stage build bash -c "cd '$repo' && swift build -c release --product earshot-replay >/dev/null && swift build -c release --product earshot-cloud >/dev/null"
bin="$(cd "$repo" && swift build -c release --show-bin-path)"
export EARSHOT_REPLAY="$bin/earshot-replay" EARSHOT_CLOUD="$bin/earshot-cloud"
for stage in streams mine train eval card; do
  run_stage "$stage" "$py" "$repo/scripts/train/verifier.py" "$stage" "$model"
done
"$py" "$repo/scripts/train/verifier.py" print "$model"
echo "[$model-verifier] ready: the card line above names the version folder under cloud-models/$model-verifier"
