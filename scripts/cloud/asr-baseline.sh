#!/usr/bin/env bash
# Word error rate of Debian's own pocketsphinx_batch against ours (earshot-cloud transcribe)
# on the same files: ../shared/data/pocketsphinx_test (11 utterances, transcripts.tsv).
#
# usage: scripts/cloud/asr-baseline.sh [DATA_DIR]
# env:   KEEP_HYP=FILE also writes pocketsphinx_batch's hypotheses to FILE (the committed
#        fixture Tests/EarshotRecognitionTests/Fixtures/pocketsphinx_batch.hyp was made so).
#
# pocketsphinx_batch runs with Debian's en-us model and its defaults; -adchdr 44 skips the
# WAV header (without it the 44 header bytes are decoded as 22 samples of audio), so both
# decoders see exactly the same samples. Both figures are scored by the same word-level
# Levenshtein below (earshot-cloud also prints its own WER line), so the ratio is fair.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
data="$(cd "${1:-$repo/../shared/data/pocketsphinx_test}" && pwd)"
model=/usr/share/pocketsphinx/model/en-us
work="$(mktemp -d /tmp/earshot-asr-XXXXXX)"
trap 'rm -rf "$work"' EXIT

command -v pocketsphinx_batch >/dev/null || { echo "asr-baseline: pocketsphinx_batch missing (scripts/setup.sh)" >&2; exit 1; }
ids=()
for wav in "$data"/*.wav; do ids+=("$(basename "$wav" .wav)"); done
printf '%s\n' "${ids[@]}" > "$work/files.ctl"

echo "== pocketsphinx_batch ($(dpkg-query -W -f='${Version}' pocketsphinx 2>/dev/null || echo '?'))"
pocketsphinx_batch -adcin yes -adchdr 44 -cepdir "$data" -cepext .wav -ctl "$work/files.ctl" \
  -hmm "$model/en-us" -lm "$model/en-us.lm.bin" -dict "$model/cmudict-en-us.dict" \
  -hyp "$work/batch.hyp" -logfn "$work/batch.log"
[[ -n "${KEEP_HYP:-}" ]] && cp "$work/batch.hyp" "$KEEP_HYP"
# "words (id score)" → "id<TAB>words"; both sides are then scored by the same awk Levenshtein
sed -E 's/^(.*) \(([^ ]+) -?[0-9]+\)$/\2\t\1/; s/^\(([^ ]+) -?[0-9]+\)$/\1\t/' "$work/batch.hyp" | sort > "$work/batch.tsv"
cat "$work/batch.tsv"
wer() { # reference.tsv hypothesis.tsv → "errors words"
  awk -F'\t' 'NR == FNR { ref[$1] = $2; next }
    { n = split(ref[$1], r, " "); m = split($2, h, " ")
      for (i = 0; i <= n; i++) d[i, 0] = i
      for (j = 0; j <= m; j++) d[0, j] = j
      for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) {
        c = d[i-1, j-1] + (r[i] != h[j]); if (d[i-1, j] + 1 < c) c = d[i-1, j] + 1; if (d[i, j-1] + 1 < c) c = d[i, j-1] + 1
        d[i, j] = c }
      errors += d[n, m]; words += n }
    END { printf "%d %d\n", errors, words }' "$1" "$2"
}
read -r batch_errors words < <(wer "$data/transcripts.tsv" "$work/batch.tsv")
awk -v e="$batch_errors" -v n="$words" 'BEGIN { printf "pocketsphinx_batch: WER %.2f%% (%d errors in %d words)\n", 100 * e / n, e, n }'

echo "== earshot-cloud transcribe"
swift build -c release --product earshot-cloud >/dev/null 2>&1 || swift build -c release --product earshot-cloud
bin="$(swift build -c release --show-bin-path)/earshot-cloud"
"$bin" transcribe "$data"/*.wav --reference "$data/transcripts.tsv" > "$work/ours.out"
cat "$work/ours.out"
grep -v '^total' "$work/ours.out" | awk -F'\t' '{ n = split($1, p, "/"); sub(/\.wav$/, "", p[n]); print p[n] "\t" $2 }' | sort > "$work/ours.tsv"
read -r our_errors _ < <(wer "$data/transcripts.tsv" "$work/ours.tsv")
awk -v e="$our_errors" -v n="$words" 'BEGIN { printf "earshot-cloud transcribe: WER %.2f%% (%d errors in %d words)\n", 100 * e / n, e, n }'
awk -v a="$our_errors" -v b="$batch_errors" 'BEGIN { if (b > 0) printf "ratio ours/pocketsphinx_batch: %.3f\n", a / b }'
if diff <(cut -f2 "$work/batch.tsv") <(cut -f2 "$work/ours.tsv") >/dev/null; then
  echo "hypotheses: identical on all ${#ids[@]} files"
else
  echo "hypotheses: differ on some files:"; diff "$work/batch.tsv" "$work/ours.tsv" || true
fi
