#!/usr/bin/env bash
# Scores a model version's test set with pymicro-wakeword (the reference) in .venv-reference.
# Usage: scripts/cloud/reference-scores.sh cloud-models/alexa/1 [microWakeWord manifest]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$repo/.venv-reference"
[[ -x "$venv/bin/python" ]] || { python3 -m venv "$venv"; "$venv/bin/pip" install --quiet pymicro-wakeword==2.5.0; }
"$repo/scripts/cloud/fetch-models.sh"
folder="$1"
manifest="${2:-$repo/reference-models/microwakeword/$(basename "$(dirname "$folder")").json}"
"$venv/bin/python" "$repo/scripts/cloud/reference-scores.py" "$folder" "$repo/../shared/data" "$manifest"
