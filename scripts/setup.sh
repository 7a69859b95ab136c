#!/usr/bin/env bash
# Installs the Debian packages Earshot needs to build, test and run.
# Idempotent: prints nothing and changes nothing when every package is present.
# Run as root (or with sudo) on Debian 12.
set -euo pipefail

packages=(
  pkg-config
  libasound2-dev        # ALSA capture (CALSA)
  libasound2-plugins    # extra PCM plugins for capture devices
  alsa-utils            # arecord/aplay for manual checks
  libcurl4-openssl-dev  # uploads (CCurl)
  libsqlite3-dev        # cloud storage (CSQLite)
  libssl-dev            # cloud SHA-256 of bodies and tokens (CCrypto)
  espeak-ng             # cloud model cards: synthesized test recordings
  sox                   # cloud model cards: resampling them to 16 kHz
  jq                    # scripts/cloud/synth-commands.sh: its manifests
  wrk                   # cloud benchmarks (load from a second process)
  openssl               # test certificates (TLS tests)
  socat                 # TLS terminator in front of the loopback test server (TLS tests)
  flite                 # edge-model training: flite voices; the demo's spoken command
  festival              # edge-model training: festival ...
  festvox-kallpc16k     #   ... its American English voices
  festvox-kdlpc16k
  festvox-us-slt-hts
  python3-venv          # edge-model training: .venv-train
  libpocketsphinx-dev   # cloud speech recognition (CPocketSphinx)
  pocketsphinx-en-us    #   ... its US English acoustic model, language model and dictionary
  pocketsphinx          #   ... and pocketsphinx_batch, the WER baseline (scripts/cloud/asr-baseline.sh)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
