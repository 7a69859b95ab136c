"""Stage 3: features through the one frontend, `earshot-replay features` (float32 [frames, 40]).

Every clip of WORK/aug/clips.jsonl gets a .npy beside it; then all of them are packed into
WORK/features.npz (float16 frames, one row range per clip) for training.
"""
import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import models as M  # noqa: E402
from progress import Progress  # noqa: E402


def replay_bin():
    b = os.environ.get("EARSHOT_REPLAY")
    if b:
        return b
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=M.REPO, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "earshot-replay")


def compute(binary, wav):
    npy = wav[:-4] + ".npy"
    # reused only when newer than its recording (the augment stage may have remade the clip)
    if not os.path.exists(npy) or os.path.getmtime(npy) < os.path.getmtime(wav):
        subprocess.run([binary, "features", wav, "-o", npy + ".part.npy"], check=True, capture_output=True)
        os.replace(npy + ".part.npy", npy)
    return npy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    work = M.work_dir(args.model)
    binary = replay_bin()
    clips = [json.loads(l) for l in open(os.path.join(work, "aug", "clips.jsonl"))]
    prog = Progress(len(clips), "features")

    def run(c):
        c["npy"] = compute(binary, c["wav"])
        prog.step()

    with ThreadPoolExecutor(args.jobs) as ex:
        list(ex.map(run, clips))
    feats, offsets = [], [0]
    for c in clips:
        x = np.load(c["npy"]).astype(np.float16)
        feats.append(x)
        offsets.append(offsets[-1] + len(x))
    np.savez(os.path.join(work, "features.npz"), frames=np.concatenate(feats), offsets=np.array(offsets, dtype=np.int64))
    with open(os.path.join(work, "features.jsonl"), "w") as f:
        for c in clips:
            f.write(json.dumps(c) + "\n")
    print(f"features: {len(clips)} clips, {offsets[-1]} frames ({offsets[-1] / 360000:.2f} h)")


if __name__ == "__main__":
    main()
