"""Stage 5: evaluation on held-out sets through `earshot-replay eval` / `classify`.

Writes WORK/eval/<set>.wav clips and manifests, runs the replay tool on a staged model
directory (WORK/eval/model: the trained model.tflite and a provisional card) and writes
WORK/eval/results.json, which card.py copies into the card.

Wake word sets (all held out from training):
  real-<kw>-clean     real keyword recordings of the validation half (split by file)
  real-<kw>-noisy10   the same mixed with validation-time real noise at 10 dB SNR (speech RMS)
  synth-<kw>-clean    synthetic keyword, validation voices only
  synth-<kw>-noisy10  the same at 10 dB SNR
  negatives           real non-keyword speech (athena, amelia, heychatterbox, not-wake-words/en:
                      validation half; not-wake-words/es: all, never trained on), synthetic sentence streams and confusable words from
                      validation voices
  negatives-long      about 48 h more of sentence streams in validation voices (long_negatives)
The cutoff is the lowest threshold at which the negatives give at most TARGET_FAH false
accepts per hour (so the false-accept figure at the cutoff is tuned on these negatives and is
optimistic; the recall figures are not tuned on anything).
Classifier: validation voices' words, each in the last second of a 3 s clip whose first 2 s are
the same room tone or noise (clean: 40 dB below the word; 10 dB), labelled by the model's last
window; accuracy and confusion matrix.
"""
import argparse
import glob
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys

import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.dirname(__file__))
import augment as A  # noqa: E402
import models as M  # noqa: E402
from features import replay_bin  # noqa: E402
from progress import Progress  # noqa: E402

TARGET_FAH = 0.25
LEAD_S = 2.0  # room tone or noise before a held-out word (the frontend's noise estimate settles)
SR = 16000


def write(path, x):
    """Writes x as 16-bit WAV unless the file already holds exactly those bytes (so a clip that
    a changed plan did not change keeps its time stamp, which run_eval's reuse check reads)."""
    peak = float(np.abs(x).max()) + 1e-9
    if peak > 0.99:
        x = x / peak * 0.99
    buffer = io.BytesIO()
    sf.write(buffer, (x * 32767).astype(np.int16), SR, subtype="PCM_16", format="WAV")
    data = buffer.getvalue()
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return
    with open(path + ".part", "wb") as f:
        f.write(data)
    os.replace(path + ".part", path)


def mix(x, rng, snr_db, split="val"):
    a, b = A.active_bounds(x)
    nz = A.noise_segment(rng, split, len(x))
    s = A.rms(x[a:b] if b > a else x)
    return x + nz / A.rms(nz) * s / (10 ** (snr_db / 20))


def spoken(x, margin_s=0.1):
    """The spoken part of a TTS clip with 100 ms either side. The loud part alone
    (augment.active_bounds: frames above 5 % of the peak) drops weak final fricatives: without
    the margin "off" lost its /f/ and 100 of 149 held-out "off" clips were heard as "up"."""
    a, b = A.active_bounds(x)
    m = int(margin_s * SR)
    return x[max(0, a - m):b + m]


def word_in_last_second(x, rng):
    """A classifier's held-out word: its spoken part, levelled at -28 to -16 dB, centred in the
    last second after LEAD_S of silence (the noise is mixed in after). The agent's frontend runs
    all the time, so its noise estimate has settled when a word comes; the word is classified by
    the last window (`classify --last-window`)."""
    x = spoken(x)
    a, b = A.active_bounds(x)
    x = x / A.rms(x[a:b]) * 10 ** (rng.uniform(-28, -16) / 20)
    if len(x) > SR:
        x = x[(len(x) - SR) // 2:][:SR]
    one = np.zeros(int(SR * (LEAD_S + 1)), dtype=np.float32)
    o = int(SR * LEAD_S) + (SR - len(x)) // 2
    one[o:o + len(x)] = x
    return one


def classify(binary, model_dir, manifest):
    """`earshot-replay classify --last-window` over a manifest: {absolute file path: label}."""
    r = subprocess.run([binary, "classify", model_dir, manifest, "--last-window"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"earshot-replay classify failed:\n{r.stderr[-2000:]}")
    return {os.path.abspath(o["file"]): o["label"]
            for o in (json.loads(line) for line in r.stdout.splitlines() if line.startswith("{"))}


def padded(x, rng, before=LEAD_S, after=0.5, split="val"):
    """A TTS clip in a little quiet room tone (`split` noise at 40 dB below the speech), after
    `before` seconds of it: the agent's frontend runs all the time, so its noise estimate has
    settled when a word comes (it was 0.6 s before session 5)."""
    a, b = A.active_bounds(x)
    x = x[a:b]
    x = x / A.rms(x) * 10 ** (rng.uniform(-28, -16) / 20)
    out = np.concatenate([np.zeros(int(SR * before)), x, np.zeros(int(SR * after))]).astype(np.float32)
    return mix(out, rng, 40, split)


def long_negatives(model, ev):
    """Hours of ordinary sentences in validation voices only (never heard in training): 3 h of
    negatives hold a few false accepts at most, too few to place a cutoff at a fraction of one
    per hour or to measure a verifier's false-accept ratio. EARSHOT_EVAL_LONG_HOURS (48; 0: none)."""
    hours = float(os.environ.get("EARSHOT_EVAL_LONG_HOURS", 48))
    return sentence_streams(model, os.path.join(ev, "long"), hours, "val", seed=23) if hours > 0 else []


def sentence_streams(model, out, hours, split, seed):
    """`hours` of streams of 25 sentences in the `split` voices ("val": held out; "train": the
    training voices), each in a little room tone of the same split (as `padded` makes the other
    clips), the model's keyword excluded from the texts. A list of {"file", "kind": "stream"}."""
    from concurrent.futures import ThreadPoolExecutor
    import synth as S
    tts = os.path.join(out, "tts")
    os.makedirs(tts, exist_ok=True)
    rng = random.Random(seed)
    voices = [("espeak", f"{b}+{v}") for b in M.ESPEAK_BASES for v in M.ESPEAK_VARIANTS
              if M.voice_split("espeak", f"{b}+{v}") == split]
    others = [(engine, v) for engine, names in (("flite", M.FLITE_VOICES), ("festival", M.FESTIVAL_VOICES))
              for v in sorted(names) if M.voice_split(engine, v) == split]
    texts = M.sentences(rng, 400, M.MODELS[model]["exclude"])
    items = []
    for i in range(int(hours * 3600 / 67) + 1):  # a stream of 25 sentences lasts about 67 s
        engine, voice = rng.choice(voices) if rng.random() < 0.7 else rng.choice(others)
        it = {"id": f"long-{i:05d}", "engine": engine, "voice": voice, "text": " ".join(rng.sample(texts, 25)),
              "role": "stream", "label": "", "split": split, "seed": rng.getrandbits(32)}
        items.append({**it, **S.voice_settings(engine, rng)})
    prog = Progress(len(items), f"{split} sentence streams")

    def run(it):
        S.synth_one(it, tts)
        path = os.path.join(out, it["id"] + ".wav")
        write(path, padded(A.load(it["wav"]), random.Random(it["seed"]), 0.3, 0.3, split))
        prog.step()
        return {"file": path, "kind": "stream"}

    with ThreadPoolExecutor(2) as ex:
        return list(ex.map(run, items))


def build_sets(model, work, ev):
    cfg = M.MODELS[model]
    rng = random.Random(7)
    items = [json.loads(l) for l in open(os.path.join(work, "tts", "items.jsonl"))]
    val = [it for it in items if it["split"] == "val"]
    sets = {}
    os.makedirs(os.path.join(ev, "clips"), exist_ok=True)

    def clip(name, x):
        p = os.path.join(ev, "clips", name + ".wav")
        write(p, x)
        return p

    if cfg["kind"] == "wakeword":
        kw = cfg["wake_word"]
        real = [p for p, role, _, split in A.real_files(model) if role == "real-positive" and split == "val"]
        if real:
            sets[f"real-{kw}-clean"] = [{"file": p, "kind": "positive", "label": kw} for p in real]
            sets[f"real-{kw}-noisy10"] = [{"file": clip("realnoisy-" + os.path.basename(p)[:-4], mix(A.load(p), rng, 10)),
                                           "kind": "positive", "label": kw} for p in real]
        pos = [it for it in val if it["role"] == "positive"]
        sets[f"synth-{kw}-clean"] = [{"file": clip("synthpos-" + it["id"], padded(A.load(it["wav"]), rng)),
                                      "kind": "positive", "label": kw} for it in pos]
        sets[f"synth-{kw}-noisy10"] = [{"file": clip("synthposn-" + it["id"], mix(padded(A.load(it["wav"]), rng), rng, 10)),
                                        "kind": "positive", "label": kw} for it in pos]
        neg = [{"file": p, "kind": "negative"} for p, role, _, split in A.real_files(model)
               if role == "real-negative" and split == "val"]
        # Spanish ordinary sentences: never used in training at all
        neg += [{"file": p, "kind": "negative"}
                for p in sorted(glob.glob(os.path.join(M.PRECISE, "not-wake-words/es/*.wav")))]
        sets["negatives-real"] = neg
        streams = [{"file": clip("stream-" + it["id"], padded(A.load(it["wav"]), rng, 0.3, 0.3)), "kind": "stream"}
                   for it in val if it["role"] == "stream"]
        sents = [{"file": clip("conf-" + it["id"], padded(A.load(it["wav"]), rng)), "kind": "negative"}
                 for it in val if it["role"] == "sentence"]
        sets["negatives-synthetic"] = streams + sents
        long = long_negatives(model, ev)
        if long:
            sets["negatives-long"] = long
        # hard negatives: near-homophones ("compute her", "come pewter", "Alex said" ...), reported
        # apart as false accepts per clip; not part of the per-hour figure
        sets["confusables"] = [{"file": clip("conf-" + it["id"], padded(A.load(it["wav"]), rng)), "kind": "negative"}
                               for it in val if it["role"] == "confusable"]
    else:
        words = [it for it in val if it["role"] == "word"]
        out = []
        for it in words:
            one = word_in_last_second(A.load(it["wav"]), rng)
            voice = {"engine": it["engine"], "voice": it["voice"]}
            out.append({"file": clip("word-lead-" + it["id"], mix(one, rng, 40)), "label": it["label"], "noise": "clean",
                        "text": it["text"], **voice})
            out.append({"file": clip("wordn-lead-" + it["id"], mix(one, rng, 10)), "label": it["label"], "noise": "10dB",
                        "text": it["text"], **voice})
        for i in range(120):
            nz = A.noise_segment(rng, "val", int(SR * (LEAD_S + 1)))
            out.append({"file": clip(f"silence-lead-{i}", nz / A.rms(nz) * 10 ** (rng.uniform(-55, -25) / 20)),
                        "label": "silence", "noise": "clean"})
        sets["words"] = out
    for name, recs in sets.items():
        with open(os.path.join(ev, name + ".jsonl"), "w") as f:
            for r in recs:
                f.write(json.dumps(r) + "\n")
    return sets


def fast_cutoff(model):
    """The detector's one-invocation rule beside the window (card `detector.fast_cutoff`): the
    model's entry in models.py, or EARSHOT_FAST_CUTOFF (a number, or "none") to try others."""
    value = os.environ.get("EARSHOT_FAST_CUTOFF", M.MODELS[model].get("fast_cutoff"))
    return None if value in (None, "none") else float(value)


def stage_model(model, work, ev, cutoff=0.5, window=2):
    cfg = M.MODELS[model]
    d = os.path.join(ev, "model")
    os.makedirs(d, exist_ok=True)
    shutil.copy2(os.path.join(work, "model", "model.tflite"), os.path.join(d, "model.tflite"))
    card = {"name": model, "version": "eval", "kind": cfg["kind"], "model": "model.tflite",
            "input": {"window_frames": 100, "hop_frames": 20},
            "detector": {"probability_cutoff": cutoff, "sliding_window_size": window, "refractory_seconds": 2.0},
            "labels": cfg.get("labels", []), "frontend": {"step_ms": 10, "channels": 40}}
    fast = fast_cutoff(model)
    if fast is not None:
        card["detector"]["fast_cutoff"] = fast
    if cfg["kind"] == "wakeword":
        card["wake_word"] = cfg["wake_word"]
    json.dump(card, open(os.path.join(d, "card.json"), "w"), indent=1)
    return d


def run_eval(binary, manifest, model_dir, out_json, reuse=False):
    # a result is reused only for the same recordings (names and contents), model file and
    # detector card; the model enters by its bytes, not only its time stamp: a work folder copied
    # with hard links (`cp -al`, for a trial run) shares this result file, which the trial then
    # rewrites in place with its own model's figures, newer than the original model
    with open(os.path.join(model_dir, "model.tflite"), "rb") as f:
        model_digest = hashlib.sha256(f.read()).hexdigest()
    listing = open(manifest).read() + open(os.path.join(model_dir, "card.json")).read() + model_digest
    inputs = [os.path.join(model_dir, "model.tflite")] + [json.loads(l)["file"] for l in open(manifest) if l.strip()]
    if reuse and os.path.exists(out_json) and os.path.getmtime(out_json) > max(map(os.path.getmtime, inputs)) \
            and os.path.exists(out_json + ".manifest") and open(out_json + ".manifest").read() == listing:
        return json.load(open(out_json))[0], "(reused)"
    r = subprocess.run([binary, "eval", manifest, "--model", model_dir, "--json", out_json,
                        "--svg", out_json[:-5] + ".svg"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"earshot-replay eval {manifest} failed:\n{r.stderr[-2000:]}")
    with open(out_json + ".manifest", "w") as f:
        f.write(listing)
    return json.load(open(out_json))[0], r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    args = ap.parse_args()
    work = M.work_dir(args.model)
    ev = os.path.join(work, "eval")
    os.makedirs(ev, exist_ok=True)
    binary = replay_bin()
    sets = build_sets(args.model, work, ev)
    cfg = M.MODELS[args.model]
    results = {"sets": {}}
    if cfg["kind"] == "wakeword":
        window = 2
        d = stage_model(args.model, work, ev, 0.5, window)
        negcurves = {name: run_eval(binary, os.path.join(ev, name + ".jsonl"), d, os.path.join(ev, result), reuse=True)[0]
                     for name, result in (("negatives-real", "neg-real.json"), ("negatives-synthetic", "neg-synth.json"),
                                          ("negatives-long", "neg-long.json"))
                     if name in sets}
        # combined false accepts per threshold
        hours = sum(c["negativeHours"] for c in negcurves.values())
        fa = {}
        for c in negcurves.values():
            for p in c["curve"]:
                fa[round(p["threshold"], 4)] = fa.get(round(p["threshold"], 4), 0) + p["falseAccepts"]
        ok = sorted(t for t, n in fa.items() if n / hours <= TARGET_FAH)
        cutoff = max(ok[0], 0.5) if ok else 0.99
        d = stage_model(args.model, work, ev, cutoff, window)
        results.update({"cutoff": cutoff, "sliding_window_size": window, "fast_cutoff": fast_cutoff(args.model),
                        "target_fa_per_hour": TARGET_FAH})
        conf, _ = run_eval(binary, os.path.join(ev, "confusables.jsonl"), d, os.path.join(ev, "confusables.json"))
        poscurves = {}
        for name in sets:
            if name == "confusables":
                results["sets"][name] = {"files": len(sets[name]), "false_accepts": conf["atCutoff"]["falseAccepts"],
                                         "false_accepts_per_clip": round(conf["atCutoff"]["falseAccepts"] / len(sets[name]), 4),
                                         "texts": M.MODELS[args.model]["confusables"]}
                continue
            if name in negcurves:
                r = negcurves[name]
                pt = next(p for p in r["curve"] if round(p["threshold"], 4) == round(cutoff, 4)) \
                    if any(round(p["threshold"], 4) == round(cutoff, 4) for p in r["curve"]) else None
                fa_n = pt["falseAccepts"] if pt else None
                results["sets"][name] = {"files": len(sets[name]), "hours": round(r["negativeHours"], 3),
                                         "false_accepts": fa_n,
                                         "false_accepts_per_hour": round(fa_n / r["negativeHours"], 3) if pt else None}
                continue
            r, text = run_eval(binary, os.path.join(ev, name + ".jsonl"), d, os.path.join(ev, name + ".json"))
            print(f"--- {name}\n{text}")
            poscurves[name] = r
            results["sets"][name] = {"files": r["positives"], "detected": r["detected"],
                                     "recall": round(r["detected"] / max(r["positives"], 1), 4),
                                     "latency_median_s": r.get("latencyMedian")}
        # DET table: miss rate of each positive set at fixed false-accept rates of all negatives
        results["det"] = {"negative_hours": round(hours, 3),
                          "false_accepts_per_hour_at_cutoff": round(fa.get(round(cutoff, 4), 0) / hours, 3)}
        for name, r in poscurves.items():
            miss = {round(p["threshold"], 4): p["missRate"] for p in r["curve"]}
            row = {}
            for rate in (0.1, 0.25, 0.5, 1.0):
                ts = [t for t in fa if fa[t] / hours <= rate and t in miss]
                row[str(rate)] = round(min(miss[t] for t in ts), 4) if ts else None
            results["det"][f"{name}_miss_rate_at_fa_per_hour"] = row
    else:
        d = stage_model(args.model, work, ev, 0.5, 1)
        recs = sets["words"]
        labels = cfg["labels"]
        got = classify(binary, d, os.path.join(ev, "words.jsonl"))
        # by kind of clip; "classic" is the classic task's vocabulary: the unknown class made of
        # Speech Commands' other words only, this project's near words left out
        groups = {"keywords": lambda r: r["label"] not in ("unknown", "silence"),
                  "silence": lambda r: r["label"] == "silence",
                  "unknown_other_words": lambda r: r["label"] == "unknown" and r.get("text") not in cfg["near_words"],
                  "unknown_near_words": lambda r: r["label"] == "unknown" and r.get("text") in cfg["near_words"],
                  "classic_vocabulary": lambda r: r["label"] != "unknown" or r.get("text") in cfg["classic_unknown_words"]}
        for noise in ("clean", "10dB"):
            cm = np.zeros((len(labels), len(labels)), dtype=int)
            for rec in recs:
                if rec["noise"] != noise:
                    continue
                cm[labels.index(rec["label"]), labels.index(got[os.path.abspath(rec["file"])])] += 1
            acc = float(np.trace(cm) / cm.sum())
            by_group = {}
            for group, member in groups.items():
                sel = [r for r in recs if r["noise"] == noise and member(r)]
                if sel:
                    right = sum(got[os.path.abspath(r["file"])] == r["label"] for r in sel)
                    by_group[group] = {"files": len(sel), "correct": right, "accuracy": round(right / len(sel), 4)}
            # weighted as the classic task's test set is: every label one equal part (its unknown
            # class made of the other Speech Commands words only)
            per_label = []
            for label in labels:
                sel = [r for r in recs if r["noise"] == noise and r["label"] == label and groups["classic_vocabulary"](r)]
                if sel:
                    per_label.append(sum(got[os.path.abspath(r["file"])] == label for r in sel) / len(sel))
            by_group["classic_vocabulary"]["balanced_accuracy"] = round(float(np.mean(per_label)), 4)
            # the classic vocabulary by held-out voice: espeak-ng's formant variants together, and
            # each voice made from recordings of a person (flite, festival) on its own
            by_voice = {}
            for r in recs:
                if r["noise"] == noise and r["label"] != "silence" and groups["classic_vocabulary"](r) and "engine" in r:
                    key = "espeak-ng variants" if r["engine"] == "espeak" else f"{r['engine']} {r['voice']}"
                    right_files = by_voice.setdefault(key, [0, 0])
                    right_files[0] += got[os.path.abspath(r["file"])] == r["label"]
                    right_files[1] += 1
            by_voice = {k: {"files": n, "correct": right, "accuracy": round(right / n, 4)}
                        for k, (right, n) in sorted(by_voice.items())}
            results["sets"][f"synth-words-{noise}"] = {"files": int(cm.sum()), "accuracy": round(acc, 4), "by_group": by_group,
                                                       "classic_words_by_voice": by_voice,
                                                       "confusion_matrix": {"rows_true_cols_predicted": labels,
                                                                            "counts": cm.tolist()}}
            print(f"--- {noise}: accuracy {acc:.4f} on {cm.sum()} clips; "
                  + ", ".join(f"{g} {v['accuracy']:.4f} ({v['files']})" for g, v in by_group.items())
                  + f"; classic balanced {by_group['classic_vocabulary']['balanced_accuracy']:.4f}; by voice: "
                  + ", ".join(f"{k} {v['accuracy']:.4f} ({v['files']})" for k, v in by_voice.items()))
            print("true\\pred " + " ".join(f"{l[:5]:>5}" for l in labels))
            for i, l in enumerate(labels):
                print(f"{l:>9} " + " ".join(f"{v:5d}" for v in cm[i]))
    json.dump(results, open(os.path.join(ev, "results.json"), "w"), indent=1)
    print(json.dumps(results["sets"], indent=1)[:3000])


if __name__ == "__main__":
    main()
