"""Scores a classifier on the word clips of other voices, placed as the held-out words are.

    .venv-train/bin/python scripts/train/probe_voices.py MODEL_DIR ITEMS_JSONL --engine ENGINE

ITEMS_JSONL is a synthesis stage's item list (WORK/tts/items.jsonl); its clips of ENGINE (all of
them, whatever their split) are trimmed, levelled, centred in the last second after 2 s of
room tone 40 dB down (evaluate.build_sets' clean words), classified by the model's last window
(`earshot-replay classify --last-window`) and counted by voice: keywords, and the classic
vocabulary (keywords and Speech Commands' other words). For voices that were never in
training: what a new speaker can expect.
"""
import argparse
import collections
import json
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import augment as A  # noqa: E402
import evaluate as E  # noqa: E402
import models as M  # noqa: E402
from features import replay_bin  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir")
    ap.add_argument("items")
    ap.add_argument("--engine", required=True)
    args = ap.parse_args()
    items = [it for it in map(json.loads, open(args.items)) if it["engine"] == args.engine and it["role"] == "word"]
    if not items:
        raise SystemExit(f"no word clips of engine {args.engine!r} in {args.items}")
    rng = random.Random(7)
    recs = []
    with tempfile.TemporaryDirectory() as tmp:
        for it in items:
            path = os.path.join(tmp, it["id"] + ".wav")
            E.write(path, E.mix(E.word_in_last_second(A.load(it["wav"]), rng), rng, 40))
            recs.append({"file": path, "label": it["label"], "voice": it["voice"], "text": it["text"]})
        manifest = os.path.join(tmp, "words.jsonl")
        with open(manifest, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in recs)
        got = E.classify(replay_bin(), args.model_dir, manifest)
    for voice in sorted({r["voice"] for r in recs}):
        mine = [r for r in recs if r["voice"] == voice]
        keywords = [r for r in mine if r["label"] != "unknown"]
        classic = [r for r in mine if r["label"] != "unknown" or r["text"] in M.MODELS["speech-commands"]["classic_unknown_words"]]
        right = lambda rs: sum(got[os.path.abspath(r["file"])] == r["label"] for r in rs)
        errors = collections.Counter((r["label"], got[os.path.abspath(r["file"])]) for r in keywords
                                     if got[os.path.abspath(r["file"])] != r["label"])
        print(f"{args.engine} {voice}: keywords {right(keywords) / len(keywords):.1%} ({right(keywords)}/{len(keywords)}), "
              f"classic vocabulary {right(classic) / len(classic):.1%} ({right(classic)}/{len(classic)}); "
              "most confused: " + ", ".join(f"{a} as {b} x{n}" for (a, b), n in errors.most_common(4)))


if __name__ == "__main__":
    main()
