"""Stage 1: text-to-speech clips (espeak-ng variants, flite voices, festival voices).

Writes WORK/tts/*.wav (16 kHz mono 16-bit) and WORK/tts/items.jsonl. Deterministic given
--seed. Voices are split train/val by voice (models.voice_split).
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(__file__))
import models as M  # noqa: E402
from progress import Progress  # noqa: E402


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def q(s):
    return "'" + s.replace("'", "'\\''") + "'"


def voice_settings(engine, rng):
    """A random speaking rate and pitch (espeak-ng), duration stretch and pitch (flite) or
    duration stretch (festival) for one clip."""
    if engine == "espeak":
        return {"rate": rng.randint(110, 210), "pitch": rng.randint(15, 85)}
    if engine == "flite":
        return {"stretch": round(rng.uniform(0.8, 1.4), 2), "f0": rng.randint(80, 200)}
    return {"stretch": round(rng.uniform(0.8, 1.4), 2)}


def plan(model, seed):
    cfg = M.MODELS[model]
    rng = random.Random(seed)
    grid = M.voice_grid(rng, per_engine_espeak=10_000)
    items = []

    def add(engine, voice, text, role, label, reps):
        for _ in range(reps):
            items.append({"engine": engine, "voice": voice, "text": text, "role": role, "label": label,
                          "split": M.voice_split(engine, voice), **voice_settings(engine, rng)})

    sents = M.sentences(rng, 400, cfg["exclude"])
    for engine, voice in grid:
        heavy = 1 if engine == "espeak" else 12  # flite/festival have few voices: more settings each
        if cfg["kind"] == "wakeword":
            add(engine, voice, rng.choice(cfg["positives"]), "positive", cfg["wake_word"], 2 * heavy)
            k = 3 if engine == "espeak" else 3 * heavy
            pool = cfg["confusables"]
            for c in (rng.sample(pool, k) if k <= len(pool) else rng.choices(pool, k=k)):
                add(engine, voice, c, "confusable", "", 1)
            n_sent = 1 if engine == "espeak" else heavy
            for _ in range(n_sent):
                add(engine, voice, " ".join(rng.sample(sents, 2)), "sentence", "", 1)
            if M.voice_split(engine, voice) == "val":
                # long held-out streams of ordinary sentences for false accepts per hour
                for _ in range(1 if engine == "espeak" else 6):
                    add(engine, voice, " ".join(rng.sample(sents, 25)), "stream", "", 1)
        else:
            for word in cfg["labels"][2:]:
                add(engine, voice, word, "word", word, 1 if engine == "espeak" else heavy)
            per_voice = cfg.get("unknown_per_voice", 3)
            k = per_voice if engine == "espeak" else per_voice * heavy
            pool = cfg["unknown_words"]
            for word in (rng.sample(pool, k) if k <= len(pool) else rng.choices(pool, k=k)):
                add(engine, voice, word, "word", "unknown", 1)
    for i, it in enumerate(items):
        it["id"] = f"{it['role'][:3]}-{it['engine'][:2]}-{i:06d}"
    return items


def synth_one(it, out_dir):
    wav = os.path.join(out_dir, it["id"] + ".wav")
    it["wav"] = wav
    # a clip is reused only for the same engine, voice, text and settings: a changed plan (more
    # words, another seed) gives other items the same ids
    spec = {k: v for k, v in it.items() if k not in ("id", "wav")}
    stamp = wav + ".json"
    if os.path.exists(wav) and os.path.exists(stamp) and _read_json(stamp) == spec:
        return
    tmp = wav + ".raw.wav"
    if it["engine"] == "espeak":
        sh(f"espeak-ng -v {q(it['voice'])} -s {it['rate']} -p {it['pitch']} -w {q(tmp)} {q(it['text'])}")
    elif it["engine"] == "flite":
        sh(f"flite -voice {it['voice']} --setf duration_stretch={it['stretch']} --setf int_f0_target_mean={it['f0']} "
           f"-t {q(it['text'])} -o {q(tmp)}")
    else:
        with tempfile.NamedTemporaryFile("w", suffix=".scm", delete=False) as f:
            text = it["text"].replace('"', "")
            f.write(f"(voice_{it['voice']})\n(Parameter.set 'Duration_Stretch {it['stretch']})\n"
                    f"(set! u (Utterance Text \"{text}\"))\n(utt.synth u)\n(utt.save.wave u \"{tmp}\" 'riff)\n")
            scm = f.name
        try:
            sh(f"festival --batch {q(scm)}")
        finally:
            os.unlink(scm)
    sh(f"sox {q(tmp)} -r 16000 -c 1 -b 16 {q(wav + '.part.wav')} && mv {q(wav + '.part.wav')} {q(wav)}")
    os.unlink(tmp)
    with open(stamp, "w") as f:
        json.dump(spec, f)


def _read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    out_dir = os.path.join(M.work_dir(args.model), "tts")
    os.makedirs(out_dir, exist_ok=True)
    items = plan(args.model, args.seed)
    prog = Progress(len(items), "synthesis")
    failed = []

    def run(it):
        try:
            synth_one(it, out_dir)
        except Exception as e:  # a voice that cannot say a text is skipped, not fatal
            failed.append((it["id"], str(e)))
        prog.step()

    with ThreadPoolExecutor(args.jobs) as ex:
        list(ex.map(run, items))
    bad = {f[0] for f in failed}
    with open(os.path.join(out_dir, "items.jsonl"), "w") as f:
        for it in items:
            if it["id"] not in bad:
                f.write(json.dumps(it) + "\n")
    print(f"synthesis: {len(items) - len(bad)} clips ({len(bad)} failed) in {out_dir}")


if __name__ == "__main__":
    main()
