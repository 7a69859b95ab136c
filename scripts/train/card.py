"""Stage 6: edge-models/<model>/ — model.tflite, card.json (the single source of the model's
figures) and a few synthetic end-to-end example clips (held-out voices; no real recordings
are copied into the repository).
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.dirname(__file__))
import inspect_model  # noqa: E402
import models as M  # noqa: E402
from features import replay_bin  # noqa: E402

WINDOW, HOP = 100, 20
# microWakeWord's alexa model under the same count (scripts/train/inspect_model.py on
# reference-models/microwakeword/alexa.tflite: 23,968 MACs per invocation, 3 frames a step).
MWW_ALEXA_MACS_PER_SECOND = 23968 * 100 / 3


def scan(binary, model_dir, files):
    r = subprocess.run([binary, "scan", model_dir, *files], capture_output=True, text=True, check=True)
    hits = collections.Counter()
    for line in r.stdout.splitlines():
        if line.startswith("{"):
            hits[os.path.abspath(json.loads(line)["file"])] += 1
    return hits


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    args = ap.parse_args()
    model = args.model
    cfg = M.MODELS[model]
    work = M.work_dir(model)
    ev = os.path.join(work, "eval")
    res = json.load(open(os.path.join(ev, "results.json")))
    train = json.load(open(os.path.join(work, "model", "train.json")))
    dest = os.path.join(M.REPO, "edge-models", model)
    os.makedirs(os.path.join(dest, "examples"), exist_ok=True)
    shutil.copy(os.path.join(work, "model", "model.tflite"), os.path.join(dest, "model.tflite"))
    info = inspect_model.inspect(os.path.join(dest, "model.tflite"))
    assert not info["not_allowed"], info["not_allowed"]
    per_s = 100 / HOP

    clips = [json.loads(l) for l in open(os.path.join(work, "features.jsonl"))]
    counts = collections.Counter((c["role"], c["split"]) for c in clips)
    items = [json.loads(l) for l in open(os.path.join(work, "tts", "items.jsonl"))]
    voices = collections.Counter((it["engine"], it["split"]) for it in items)
    (s_in, z_in), (s_out, z_out) = train["input_quantization"], train["output_quantization"]
    card = {
        "name": model, "version": cfg["version"], "kind": cfg["kind"],
        **({"wake_word": cfg["wake_word"]} if cfg["kind"] == "wakeword" else {}),
        "model": "model.tflite",
        "input": {"window_frames": WINDOW, "hop_frames": HOP, "shape": info["input"][0][0], "dtype": "int8",
                  "scale": s_in, "zero_point": z_in,
                  "quantization": "round(feature / scale + zero_point), clamped to int8"},
        "output": {"shape": [1, 1] if cfg["kind"] == "wakeword" else [1, len(cfg["labels"])], "dtype": "int8",
                   "scale": s_out, "zero_point": z_out,
                   "meaning": "probability of the wake word" if cfg["kind"] == "wakeword" else "one-vs-rest sigmoid score per label (labels in output order)"},
        "detector": {"probability_cutoff": res.get("cutoff", 0.5), "sliding_window_size": res.get("sliding_window_size", 1),
                     "refractory_seconds": 2.0,
                     **({"fast_cutoff": res["fast_cutoff"]} if res.get("fast_cutoff") is not None else {})},
        "labels": cfg.get("labels", []),
        "frontend": {"step_ms": 10, "window_ms": 30, "channels": 40,
                     "scale": "pymicro-features float (uint16 * 0.0390625)",
                     "tool": "earshot-replay features (the edge frontend)"},
        "size_bytes": info["size_bytes"],
        "arena_bytes": info["activation_bytes"],
        "arena_note": "sum of every non-constant tensor (no reuse): an upper bound on the tensor arena",
        "operators": info["operators"],
        "cost": {"macs_per_invocation": info["macs_per_invocation"], "invocations_per_second": per_s,
                 "macs_per_second": int(info["macs_per_invocation"] * per_s),
                 "microwakeword_alexa_macs_per_second": int(MWW_ALEXA_MACS_PER_SECOND),
                 "ratio_to_microwakeword_alexa": round(info["macs_per_invocation"] * per_s / MWW_ALEXA_MACS_PER_SECOND, 3)},
        "architecture": f"Conv2D {train['width'][0]}x(4x40) stride 4 over time, 3 depthwise-separable blocks "
                        f"({', '.join(map(str, train['width'][1:]))} channels), global max, "
                        + (f"dense {train['head']} ReLU, " if train.get("head") else "") + "dense; ReLU; int8 PTQ",
        "training_data": {
            "synthesis": "espeak-ng (7 English voices x 59 variants), flite (kal, kal16, awb, rms, slt), festival "
                         "(kal_diphone, ked_diphone, cmu_us_slt_arctic_hts); random rate/pitch; sox tempo, pitch, reverb"
                         + (f"; whispered copies of {cfg['whisper_share']:.0%} of the training speech, keyword and "
                            "non-keyword (augment.whispered: each frame's spectral envelope over noise)"
                            if cfg.get("whisper_share") else "")
                         + (f"; {cfg['stream_hours']:g} h of minute-long sentence streams in the training voices "
                            "(evaluate.sentence_streams) as negatives" if cfg.get("stream_hours") else ""),
            "validation_voices": {"espeak_variants": sorted(M.VAL_ESPEAK_VARIANTS), "espeak_bases": sorted(M.VAL_ESPEAK_BASES),
                                  "flite": sorted(M.VAL_FLITE), "festival": sorted(M.VAL_FESTIVAL)},
            "tts_clips": {f"{e}/{s}": n for (e, s), n in sorted(voices.items())},
            "augmented_clips": {f"{r}/{s}": n for (r, s), n in sorted(counts.items())},
            "hard_negatives": cfg.get("confusables", cfg.get("unknown_words", [])),
            "real_data": "../shared/data (MycroftAI/Precise-Community-Data, public-domain waivers; Speech Commands "
                         "background noise, CC BY 4.0 Google): real non-keyword speech (athena, amelia, heychatterbox, "
                         "not-wake-words/en) and, for computer, real 'computer' clips, split 50/50 by file (hash of the "
                         "name), plus, for training only, real 'hey computer' clips (heycomputer/en and /es) cut to the "
                         "word by a PocketSphinx forced alignment (clips that do not align are left out); room noise split by time (first 70 % of each file train, rest validation); not-wake-words/es is used "
                         "only as held-out negatives",
            "training": {**{k: train[k] for k in ("train_windows", "epochs", "steps_per_epoch", "batch", "seconds",
                                                  "val_window_accuracy_float", "val_window_accuracy_int8")},
                         # runs from before the option have no entry: they trained without it
                         "speaker_augment": train.get("speaker_augment", False)},
            "reproduce": f"scripts/train.sh {model}",
        },
        "metrics": res,
    }
    card["cost"].update(interpreter_timing(os.path.join(dest, "model.tflite"), per_s))
    # end-to-end examples: held-out synthetic clips the model gets right
    binary = replay_bin()
    examples = []
    for f in glob_examples(dest):
        os.unlink(f)
    json.dump(card, open(os.path.join(dest, "card.json"), "w"), indent=1)
    if cfg["kind"] == "wakeword":
        pos = sorted(os.path.join(ev, "clips", f) for f in os.listdir(os.path.join(ev, "clips")) if f.startswith("synthpos-"))
        neg = sorted(os.path.join(ev, "clips", f) for f in os.listdir(os.path.join(ev, "clips")) if f.startswith("conf-"))
        hits = scan(binary, dest, pos[:40] + neg[:40])
        good_pos = [p for p in pos[:40] if hits[os.path.abspath(p)] == 1][:2]
        good_neg = [p for p in neg[:40] if hits[os.path.abspath(p)] == 0][:1]
        for i, p in enumerate(good_pos):
            examples.append(save_example(p, dest, f"positive-{i + 1}.wav", "detect"))
        for i, p in enumerate(good_neg):
            examples.append(save_example(p, dest, f"negative-{i + 1}.wav", "none"))
    else:
        words = [json.loads(l) for l in open(os.path.join(ev, "words.jsonl"))]
        r = subprocess.run([binary, "classify", dest, *[w["file"] for w in words if w["noise"] == "clean"][:300]],
                           capture_output=True, text=True, check=True)
        got = {os.path.abspath(json.loads(l)["file"]): json.loads(l)["label"] for l in r.stdout.splitlines() if l.startswith("{")}
        chosen = {}
        for w in words:
            if w["noise"] == "clean" and got.get(os.path.abspath(w["file"])) == w["label"] and w["label"] in ("yes", "stop", "left"):
                chosen.setdefault(w["label"], w["file"])
        for label, p in sorted(chosen.items()):
            examples.append(save_example(p, dest, f"{label}.wav", label))
    card["examples"] = examples
    json.dump(card, open(os.path.join(dest, "card.json"), "w"), indent=1)
    print(json.dumps({k: card[k] for k in ("size_bytes", "arena_bytes", "cost", "detector")}, indent=1))


def interpreter_timing(model_path, per_s):
    """ns per invocation under EarshotInference (earshot-bench, best of 300 passes over the
    4000 recorded microWakeWord input steps cut into this model's input size, 120 windows; best
    of 30 passes over all 4000 steps for microWakeWord's alexa model), in the same run."""
    bench = os.path.join(os.path.dirname(replay_bin()), "earshot-bench")
    fixture = os.path.join(M.REPO, "Tests/EarshotInferenceTests/Fixtures/microwakeword-inputs.bin")
    alexa = os.path.join(M.REPO, "reference-models/microwakeword/alexa.tflite")
    if not (os.path.exists(bench) and os.path.exists(alexa)):
        return {}

    def ns(m, repeats):
        out = subprocess.run([bench, "interpreter", m, fixture, "--repeats", str(repeats)], capture_output=True,
                             text=True, check=True).stdout
        return float(out.split()[0])

    ours, theirs = ns(model_path, 300), ns(alexa, 30)
    return {"interpreter_ns_per_invocation": round(ours), "interpreter_ns_per_second_of_audio": round(ours * per_s),
            "microwakeword_alexa_interpreter_ns_per_second": round(theirs * 100 / 3),
            "interpreter_ratio_to_microwakeword_alexa": round(ours * per_s / (theirs * 100 / 3), 3),
            "timing_note": "earshot-bench interpreter, same machine and run, best of 300 (ours) and 30 (microWakeWord) passes"}


def glob_examples(dest):
    d = os.path.join(dest, "examples")
    return [os.path.join(d, f) for f in os.listdir(d) if f.endswith(".wav")]


def save_example(src, dest, name, expect):
    shutil.copy(src, os.path.join(dest, "examples", name))
    return {"file": f"examples/{name}", "expect": expect}


if __name__ == "__main__":
    main()
