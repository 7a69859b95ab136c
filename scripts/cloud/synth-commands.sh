#!/usr/bin/env bash
# Builds a validation set of spoken commands for a speech-to-intent context.
#
#   scripts/cloud/synth-commands.sh [--context FILE] [--count N] [--seed S] [--work DIR]
#                                   [--jobs J] [--noise DIR] [--bin EARSHOT_CLOUD]
#
# 1. Draws N commands from the context's grammar (`earshot-cloud context sample`), each with the
#    intent and slots it was drawn for.
# 2. Voices each command with its own voice: an espeak-ng voice variant, a flite voice or a
#    festival voice (the engines and voices of scripts/train/synth.py; espeak-ng's whisper
#    variants are left out), at a random rate and pitch; 16 kHz mono 16-bit with 0.3 s of
#    silence before and 0.4 s after, as a segment from the edge has.
# 3. Mixes each clean clip with a random excerpt of real noise (../shared/data/noise: dishes,
#    tap, exercise bike, cat, room tone; pink and white noise are left out, they are synthetic)
#    at 24, 18, 12 and 6 dB SNR. The SNR is measured by RMS: the speech's RMS over the speech
#    alone (leading and trailing silence trimmed), the noise's over its excerpt.
#
# Writes WORK/clean/*.wav, WORK/snr24/*.wav … WORK/snr06/*.wav and one manifest per condition,
# WORK/<condition>/manifest.jsonl, with lines
#   {"key","file","text","intent","slots","voice","noise","snr"}
# ("file" is an absolute path, "snr" null for clean). Deterministic given the context, count and
# seed: every random choice is cut from a hash of (seed, item). Finished clips are kept, so a
# second run only makes what is missing. Audio never goes into the repository: WORK defaults
# to /tmp/earshot-commands.
#
# Needs: espeak-ng, flite, festival (+ festvox voices), sox, jq (scripts/setup.sh installs them).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
context="$repo/cloud-models/smart-home/1/context.yaml"
count=300
seed=1
work=/tmp/earshot-commands
jobs=2
noise_dir="$repo/../shared/data/noise"
bin="$repo/.build/debug/earshot-cloud"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --context) context="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --noise) noise_dir="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "synth-commands: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in espeak-ng flite festival sox jq sha256sum; do
  command -v "$tool" >/dev/null || { echo "synth-commands: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
case "$(realpath -m "$work")/" in
  "$repo"/*) echo "synth-commands: --work $work is inside the repository; audio never goes there" >&2; exit 2 ;;
esac
if [[ ! -x "$bin" ]]; then
  echo "synth-commands: building earshot-cloud" >&2
  (cd "$repo" && swift build --product earshot-cloud >&2)
fi

snrs=(24 18 12 6)
mkdir -p "$work/clean" "$work/tmp"
for snr in "${snrs[@]}"; do mkdir -p "$work/snr$(printf %02d "$snr")"; done
export work seed
# sox dithers when it narrows samples to 16 bits; -R seeds its generator so runs repeat exactly.
export SOX_OPTS="-R"
export snr_list="${snrs[*]}"

# ---------------------------------------------------------------- the plan
"$bin" context sample "$context" --count "$count" --seed "$seed" > "$work/commands.jsonl"

espeak_bases=(en-us en en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029)
espeak_variants=(m1 m2 m3 m4 m5 m6 m7 m8 f1 f2 f3 f4 f5 klatt klatt2 klatt3 klatt4 klatt6 Alex Andy Annie
  Denis Gene Jacky Lee Mike adam anika announcer aunty belinda benjamin boris caleb david ed edward grandma
  grandpa iven iven2 john linda max michel norbert paul quincy rob robert shelby steph steph2 travis victor zac croak)
flite_voices=(kal16 awb rms slt kal)
festival_voices=(kal_diphone ked_diphone cmu_us_slt_arctic_hts)
noise_files=()
for f in "$noise_dir"/precise_bg_noise/*.wav "$noise_dir"/speech_commands_bg/*.wav; do
  case "$(basename "$f")" in pink_noise.wav|white_noise.wav) continue ;; esac
  [[ -f "$f" ]] && noise_files+=("$f")
done
[[ ${#noise_files[@]} -gt 0 ]] || { echo "synth-commands: no noise recordings under $noise_dir" >&2; exit 1; }

# Deterministic numbers for item $1: two SHA-256 digests of (seed, item), cut into 40-bit
# pieces; `pick OFFSET BOUND` is piece OFFSET (0, 10, 20, 30, 40 of the first digest, 64, 74 …
# of the second) modulo BOUND.
digest=""
hash_item() {
  digest="$(printf '%s:%s:voice' "$seed" "$1" | sha256sum | cut -c1-64)$(printf '%s:%s:noise' "$seed" "$1" | sha256sum | cut -c1-64)"
}
pick() { echo $(( 16#${digest:$1:10} % $2 )); }
hundredths() { printf '%d.%02d' $(( $1 / 100 )) $(( $1 % 100 )); }

# One plan line per command: KEY<TAB>ENGINE<TAB>VOICE<TAB>P1<TAB>P2<TAB>NOISE<TAB>OFFSET_PERMILLE
plan="$work/plan.tsv.new"
: > "$plan"
count_lines=$(wc -l < "$work/commands.jsonl")
i=0
while IFS= read -r line; do
  key="cmd-$(printf %05d "$i")"
  hash_item "$i"
  engine_roll=$(pick 0 100)
  if (( engine_roll < 60 )); then
    engine=espeak
    voice="${espeak_bases[$(pick 10 ${#espeak_bases[@]})]}+${espeak_variants[$(pick 20 ${#espeak_variants[@]})]}"
    p1=$(( 120 + $(pick 30 80) ))                 # words per minute 120…199
    p2=$(( 20 + $(pick 40 61) ))                  # pitch 20…80
  elif (( engine_roll < 85 )); then
    engine=flite
    voice="${flite_voices[$(pick 10 ${#flite_voices[@]})]}"
    p1=$(hundredths $(( 85 + $(pick 20 40) )))    # duration stretch 0.85…1.24
    p2=$(( 90 + $(pick 30 90) ))                  # mean f0 90…179 Hz
  else
    engine=festival
    voice="${festival_voices[$(pick 10 ${#festival_voices[@]})]}"
    p1=$(hundredths $(( 85 + $(pick 20 40) )))    # duration stretch 0.85…1.24
    p2=0
  fi
  noise="${noise_files[$(pick 64 ${#noise_files[@]})]}"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$engine" "$voice" "$p1" "$p2" "$noise" "$(pick 74 1000)" >> "$plan"
  i=$((i + 1))
  if [[ -t 2 ]] && (( i % 25 == 0 || i == count_lines )); then printf '\r  %-10s %d/%d ' planning "$i" "$count_lines" >&2; fi
done < "$work/commands.jsonl"
if [[ -t 2 ]]; then echo >&2; fi
total=$i
# Clips are kept between runs only while they were made from the same plan (the same context
# and seed; a larger count keeps the first clips): otherwise start over.
if [[ -f "$work/plan.tsv" ]]; then
  common=$(( $(wc -l < "$work/plan.tsv") < total ? $(wc -l < "$work/plan.tsv") : total ))
  if ! cmp -s <(head -n "$common" "$work/plan.tsv") <(head -n "$common" "$plan"); then
    echo "synth-commands: $work holds clips of another plan (context or seed); removing them" >&2
    rm -f "$work"/clean/*.wav "$work"/snr*/*.wav "$work"/*/manifest.jsonl
  fi
fi
mv "$plan" "$work/plan.tsv"
plan="$work/plan.tsv"

# ---------------------------------------------------------------- one command
# RMS amplitude of a WAV (0…1) as sox's stat reports it.
rms() { sox "$1" -n stat 2>&1 | awk '/RMS +amplitude/ { print $3 }'; }
duration() { soxi -D "$1"; }

make_one() { # plan line, text
  local key engine voice p1 p2 noise offset text="$2"
  IFS=$'\t' read -r key engine voice p1 p2 noise offset <<< "$1"
  local clean="$work/clean/$key.wav" tmp="$work/tmp/$key"
  if [[ ! -s "$clean" ]]; then
    case "$engine" in
      espeak) espeak-ng -v "$voice" -s "$p1" -p "$p2" -w "$tmp.raw.wav" "$text" ;;
      flite) flite -voice "$voice" --setf duration_stretch="$p1" --setf int_f0_target_mean="$p2" -t "$text" -o "$tmp.raw.wav" ;;
      festival)
        printf '(voice_%s)\n(Parameter.set (quote Duration_Stretch) %s)\n(set! u (Utterance Text "%s"))\n(utt.synth u)\n(utt.save.wave u "%s" (quote riff))\n' \
          "$voice" "$p1" "$text" "$tmp.raw.wav" > "$tmp.scm"
        festival --batch "$tmp.scm" >/dev/null 2>&1
        rm -f "$tmp.scm" ;;
    esac
    sox "$tmp.raw.wav" -r 16000 -c 1 -b 16 "$tmp.clean.wav" pad 0.3 0.4
    rm -f "$tmp.raw.wav"
    mv "$tmp.clean.wav" "$clean"
  fi
  # Speech RMS over the speech alone: trim leading and trailing silence first.
  local speech_rms
  sox "$clean" "$tmp.speech.wav" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
  speech_rms=$(rms "$tmp.speech.wav")
  rm -f "$tmp.speech.wav"
  if ! awk -v r="$speech_rms" 'BEGIN { exit !(r > 0) }'; then speech_rms=$(rms "$clean"); fi
  local length noise_length start
  length=$(duration "$clean")
  noise_length=$(duration "$noise")
  # A noise recording shorter than the clip is looped; the excerpt starts at offset/1000 of
  # the room left.
  local repeats
  repeats=$(awk -v n="$noise_length" -v l="$length" 'BEGIN { r = int(l / n) + 1; print r }')
  start=$(awk -v n="$noise_length" -v l="$length" -v r="$repeats" -v o="$offset" \
    'BEGIN { room = n * r - l; if (room < 0) room = 0; printf "%.3f", room * o / 1000 }')
  if (( repeats > 1 )); then
    sox "$noise" "$tmp.noise.wav" repeat "$((repeats - 1))" trim "$start" "$length"
  else
    sox "$noise" "$tmp.noise.wav" trim "$start" "$length"
  fi
  local noise_rms
  noise_rms=$(rms "$tmp.noise.wav")
  local snr out gain
  for snr in $snr_list; do
    out="$work/snr$(printf %02d "$snr")/$key.wav"
    [[ -s "$out" ]] && continue
    # noise gain so that 20·log10(speech_rms / (gain · noise_rms)) = snr
    gain=$(awk -v s="$speech_rms" -v n="$noise_rms" -v snr="$snr" 'BEGIN { printf "%.6f", s / (n * 10 ^ (snr / 20)) }')
    sox -G -m -v 1 "$clean" -v "$gain" "$tmp.noise.wav" -b 16 "$tmp.mix.wav"
    mv "$tmp.mix.wav" "$out"
  done
  rm -f "$tmp.noise.wav"
}
export -f make_one rms duration

# ---------------------------------------------------------------- all of them
# A bar redrawn in place on a terminal; one line per tenth of the work in a log.
last_tenth=-1
progress() { # done, total, label
  local width=30 filled=$(( $1 * 30 / ($2 > 0 ? $2 : 1) )) tenth=$(( $1 * 10 / ($2 > 0 ? $2 : 1) ))
  local elapsed=$(( SECONDS - started ))
  local eta=$(( $1 > 0 ? elapsed * ($2 - $1) / $1 : 0 ))
  local bar
  bar=$(printf '  %-10s [%-*s] %d/%d  %ds elapsed, eta %ds ' "$3" "$width" "$(printf '%*s' "$filled" '' | tr ' ' '#')" "$1" "$2" "$elapsed" "$eta")
  if [[ -t 2 ]]; then
    printf '\r%s' "$bar" >&2
  elif (( tenth != last_tenth )); then
    printf '%s\n' "$bar" >&2
    last_tenth=$tenth
  fi
}

started=$SECONDS
done_count=0
failed=0
exec 3< "$work/commands.jsonl"
running=0
while IFS= read -r plan_line; do
  IFS= read -r command_line <&3
  text=$(jq -r .text <<< "$command_line")
  # A fresh bash per command, so that -e holds inside make_one; the log stays only on failure.
  log="$work/tmp/${plan_line%%$'\t'*}.log"
  { bash -euo pipefail -c 'make_one "$1" "$2"' _ "$plan_line" "$text" 2> "$log" && rm -f "$log"; } &
  running=$((running + 1))
  if (( running >= jobs )); then
    wait -n || failed=$((failed + 1))
    running=$((running - 1))
    done_count=$((done_count + 1))
    progress "$done_count" "$total" synthesis
  fi
done < "$plan"
while (( running > 0 )); do
  wait -n || failed=$((failed + 1))
  running=$((running - 1))
  done_count=$((done_count + 1))
  progress "$done_count" "$total" synthesis
done
exec 3<&-
if [[ -t 2 ]]; then echo >&2; fi

# ---------------------------------------------------------------- manifests
write_manifest() { # condition folder, snr or null
  local folder="$work/$1" manifest="$work/$1/manifest.jsonl"
  # plan.tsv and commands.jsonl side by side, one jq for the whole condition; clips that
  # failed to be made are left out.
  paste "$plan" "$work/commands.jsonl" | jq -c -R --arg folder "$folder" --argjson snr "$2" \
    --arg made "$(cd "$folder" && ls -- *.wav 2>/dev/null | tr '\n' ' ')" '
    split("\t") as $f | ($f[7] | fromjson) as $c
    | select($made | split(" ") | index($f[0] + ".wav"))
    | {key: $f[0], file: ($folder + "/" + $f[0] + ".wav"), text: $c.text, intent: $c.intent, slots: $c.slots,
       voice: ($f[1] + ":" + $f[2]),
       noise: (if $snr == null then null else ($f[5] | split("/") | .[-2:] | join("/")) end), snr: $snr}' \
    > "$manifest.part"
  mv "$manifest.part" "$manifest"
}
write_manifest clean null
for snr in "${snrs[@]}"; do write_manifest "snr$(printf %02d "$snr")" "$snr"; done
find "$work/tmp" -type f ! -name '*.log' -delete
rmdir "$work/tmp" 2>/dev/null || true

made=$(wc -l < "$work/clean/manifest.jsonl")
echo "synth-commands: $made of $total commands voiced ($failed failed; logs in $work/tmp), $(( ${#snrs[@]} + 1 )) conditions in $work:" >&2
for condition in clean snr24 snr18 snr12 snr06; do
  echo "  $work/$condition/manifest.jsonl ($(wc -l < "$work/$condition/manifest.jsonl") lines)" >&2
done
