#!/usr/bin/env bash
# Command acceptance rate of a context on a validation set from synth-commands.sh, with the
# PocketSphinx command-line decoder (Debian's pocketsphinx, en-us model) in JSGF grammar mode.
#
#   scripts/cloud/eval-commands.sh [--context FILE] [--work DIR] [--bin EARSHOT_CLOUD]
#
# For every condition (clean, snr24, snr18, snr12, snr06) under WORK it decodes each clip with
# the context's grammar (`earshot-cloud context jsgf`), parses the hypothesis
# (`earshot-cloud context parse`) and counts a command accepted when the intent and every slot
# equal the manifest's. Writes WORK/<condition>/results.jsonl ({key, text, hypothesis, intent,
# slots, accepted}) and prints one line per condition and the mean over the noisy ones.
# This is a reference figure for the grammar and the data; the service's own recognizer
# (EarshotRecognition) is scored through the service.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
context="$repo/cloud-models/smart-home/1/context.yaml"
work=/tmp/earshot-commands
bin="$repo/.build/debug/earshot-cloud"
model=/usr/share/pocketsphinx/model/en-us

while [[ $# -gt 0 ]]; do
  case "$1" in
    --context) context="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "eval-commands: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in pocketsphinx_batch jq; do
  command -v "$tool" >/dev/null || { echo "eval-commands: $tool is missing" >&2; exit 1; }
done

"$bin" context jsgf "$context" --name commands > "$work/grammar.jsgf"
noisy_sum=0
noisy_n=0
for condition in clean snr24 snr18 snr12 snr06; do
  folder="$work/$condition"
  [[ -s "$folder/manifest.jsonl" ]] || { echo "eval-commands: no $folder/manifest.jsonl (run synth-commands.sh)" >&2; exit 1; }
  jq -r .key "$folder/manifest.jsonl" > "$work/$condition.ctl"
  echo "  decoding $condition ($(wc -l < "$work/$condition.ctl") clips)" >&2
  pocketsphinx_batch -hmm "$model/en-us" -dict "$model/cmudict-en-us.dict" -jsgf "$work/grammar.jsgf" \
    -ctl "$work/$condition.ctl" -cepdir "$folder" -cepext .wav -adcin yes -adchdr 44 \
    -hyp "$work/$condition.hyp" > "$work/$condition.decode.log" 2>&1
  # Hypothesis lines are "WORDS (KEY SCORE)"; an empty hypothesis is "(KEY SCORE)".
  sed -E 's/^(.*[^ ])? *\(([^ ]+) [-0-9]+\)$/\2\t\1/' "$work/$condition.hyp" | sort > "$work/$condition.hyp.tsv"
  jq -r '[.key, .text, (.intent), (.slots | tojson)] | @tsv' "$folder/manifest.jsonl" | sort > "$work/$condition.expected.tsv"
  join -t $'\t' -a 1 "$work/$condition.expected.tsv" "$work/$condition.hyp.tsv" > "$work/$condition.joined.tsv"
  cut -f5 "$work/$condition.joined.tsv" | "$bin" context parse "$context" > "$work/$condition.parsed.jsonl"
  # (the hypothesis, which may be empty, is read back from the parse: read would fold empty fields)
  paste <(cut -f1-4 "$work/$condition.joined.tsv") "$work/$condition.parsed.jsonl" | while IFS=$'\t' read -r key text intent slots parsed; do
    jq -c --arg key "$key" --arg text "$text" --arg intent "$intent" --argjson slots "$slots" \
      '{key: $key, text: $text, hypothesis: .transcript, intent: .intent, slots: .slots,
        accepted: (.intent == $intent and .slots == $slots)}' <<< "$parsed"
  done > "$folder/results.jsonl"
  read -r accepted total < <(jq -s '[(map(select(.accepted)) | length), length] | @tsv' -r "$folder/results.jsonl")
  rate=$(awk -v a="$accepted" -v t="$total" 'BEGIN { printf "%.4f", a / t }')
  printf '%-6s %4d / %4d accepted  %.1f%%\n' "$condition" "$accepted" "$total" "$(awk -v r="$rate" 'BEGIN { print r * 100 }')"
  if [[ "$condition" != clean ]]; then
    noisy_sum=$(awk -v s="$noisy_sum" -v r="$rate" 'BEGIN { print s + r }')
    noisy_n=$((noisy_n + 1))
  fi
done
awk -v s="$noisy_sum" -v n="$noisy_n" 'BEGIN { printf "noisy mean  %.1f%%\n", s / n * 100 }'
