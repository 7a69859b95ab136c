"""Mixes every recording of a folder with real room noise at several signal-to-noise ratios.

    .venv-train/bin/python scripts/cloud/mix-noise.py INPUT_DIR OUT_DIR [--snr 24 18 12 6] [--seed 5]

Writes OUT_DIR/snrNN/<name>.wav for each 16 kHz mono WAV in INPUT_DIR: the recording plus a
random excerpt of one of ../shared/data/noise's real recordings (dishes, tap, exercise bike, cat,
room tone; the synthetic pink and white noise are left out), scaled so that the speech's RMS (from its
first to its last loud 10 ms frame, augment.active_bounds, as the training evaluation measures it)
stands SNR dB over the excerpt's. The same noise as
scripts/cloud/synth-commands.sh mixes into the command validation set, for speech that is not a
command (BENCHMARKS.md, "Not understood instead of guessed"). Deterministic given the seed.
Audio never goes into the repository.
"""
import argparse
import glob
import os
import random
import sys

import numpy as np
import soundfile as sf

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "train"))
import augment as A  # noqa: E402

SR = 16000


def main():
    ap = argparse.ArgumentParser(description="Mix recordings with real room noise at several SNRs.")
    ap.add_argument("input", help="a folder of 16 kHz mono WAV files")
    ap.add_argument("out", help="the folder to write snrNN/ folders into (outside the repository)")
    ap.add_argument("--snr", type=float, nargs="+", default=[24, 18, 12, 6], help="SNRs in dB (default: 24 18 12 6)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--noise", default=os.path.join(REPO, "..", "shared", "data", "noise"), help="the noise folder")
    args = ap.parse_args()
    if os.path.realpath(args.out).startswith(REPO + os.sep):
        sys.exit(f"mix-noise: {args.out} is inside the repository; audio never goes there")
    files = sorted(glob.glob(os.path.join(args.input, "*.wav")))
    if not files:
        sys.exit(f"mix-noise: no .wav files in {args.input}")
    noise_files = [f for f in sorted(glob.glob(os.path.join(args.noise, "*", "*.wav")))
                   if not os.path.basename(f).startswith(("pink", "white"))]
    if not noise_files:
        sys.exit(f"mix-noise: no noise recordings under {args.noise}")
    noises = [sf.read(f, dtype="float32")[0] for f in noise_files]
    rng = random.Random(args.seed)
    for snr in args.snr:
        folder = os.path.join(args.out, f"snr{int(snr):02d}")
        os.makedirs(folder, exist_ok=True)
        for path in files:
            x, rate = sf.read(path, dtype="float32")
            if rate != SR:
                sys.exit(f"mix-noise: {path} is {rate} Hz; 16000 Hz expected")
            x = x if x.ndim == 1 else x[:, 0]
            noise = noises[rng.randrange(len(noises))]
            if len(noise) < len(x):
                noise = np.tile(noise, len(x) // len(noise) + 1)
            start = rng.randrange(0, len(noise) - len(x) + 1)
            excerpt = noise[start:start + len(x)]
            a, b = A.active_bounds(x)
            y = x + excerpt / A.rms(excerpt) * A.rms(x[a:b]) / 10 ** (snr / 20)
            y = y / max(1.0, float(np.abs(y).max()) / 0.99)
            sf.write(os.path.join(folder, os.path.basename(path)), (y * 32767).astype(np.int16), SR, subtype="PCM_16")
        print(f"mix-noise: {len(files)} files at {snr:g} dB in {folder}")


if __name__ == "__main__":
    main()
