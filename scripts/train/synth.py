"""Stage 1: text-to-speech clips (espeak-ng variants, flite voices, festival voices, and SVOX
Pico's voices for the models that ask for them).

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
import threading
import wave
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(__file__))
import models as M  # noqa: E402
from progress import Progress  # noqa: E402


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def q(s):
    return "'" + s.replace("'", "'\\''") + "'"


def voice_settings(engine, rng):
    """A random speaking rate and pitch (espeak-ng; Pico in percent of its own), duration
    stretch and pitch (flite) or duration stretch (festival) for one clip."""
    if engine == "espeak":
        return {"rate": rng.randint(110, 210), "pitch": rng.randint(15, 85)}
    if engine == "pico":
        return {"rate": rng.randint(75, 130), "pitch": rng.randint(70, 130)}
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
    # Pico's voices last, so that every item above keeps its id and settings
    pico = os.environ.get("EARSHOT_PICO_VOICES", "1" if cfg.get("pico_voices") else "0") == "1"
    if cfg["kind"] == "classifier" and pico:
        for voice in M.PICO_VOICES:
            for word in cfg["labels"][2:]:
                add("pico", voice, word, "word", word, 12)
            k = cfg.get("unknown_per_voice", 3) * 12
            for word in rng.choices(cfg["unknown_words"], k=k):
                add("pico", voice, word, "word", "unknown", 1)
    accent = os.environ.get("EARSHOT_ACCENT_VOICES", "1" if cfg.get("accent_voices") else "0") == "1"
    if cfg["kind"] == "classifier" and accent:
        for voice, lang in M.ACCENT_VOICES.items():
            for word in cfg["labels"][2:]:
                add("accent", voice, word, "word", word, 12)
            pool = [w for w in cfg["unknown_words"] if w in M.ACCENT_SPELLING[lang]]
            for word in rng.choices(pool, k=cfg.get("unknown_per_voice", 3) * 12):
                add("accent", voice, word, "word", "unknown", 1)
    for i, it in enumerate(items):
        it["id"] = f"{it['role'][:3]}-{it['engine'][:2]}-{i:06d}"
    return items


class Rejected(Exception):
    """A clip the recognizer does not hear as what it should be."""


_judges = threading.local()


def heard(wav, keywords, words):
    """What PocketSphinx's US English model hears in `wav`: the best of `keywords` and the best
    of `keywords` + `words` (two grammars; "" for nothing)."""
    if not hasattr(_judges, "decoders"):
        from pocketsphinx import Decoder
        _judges.decoders = []
        for vocab in (keywords, keywords + words):
            with tempfile.NamedTemporaryFile("w", suffix=".gram", delete=False) as f:
                f.write("#JSGF V1.0;\ngrammar words;\npublic <w> = " + " | ".join(vocab) + " ;\n")
            _judges.decoders.append(Decoder(jsgf=f.name, loglevel="FATAL"))
            os.unlink(f.name)
    with wave.open(wav) as w:
        pcm = w.readframes(w.getnframes())
    out = []
    for d in _judges.decoders:
        d.start_utt()
        d.process_raw(pcm, full_utt=True)
        d.end_utt()
        out.append(d.hyp().hypstr if d.hyp() else "")
    return out


def judge_accented(it, wav, cfg):
    """A keyword must be heard as itself among the keywords; an unknown word must not be heard
    as a keyword among all the words."""
    keywords = cfg["labels"][2:]
    among_keywords, among_all = heard(wav, keywords, [w for w in cfg["unknown_words"] if w not in keywords])
    if it["label"] in keywords and among_keywords != it["text"]:
        raise Rejected(f"{it['voice']} {it['text']!r} heard as {among_keywords!r}")
    if it["label"] == "unknown" and among_all in keywords:
        raise Rejected(f"{it['voice']} {it['text']!r} heard as {among_all!r}")


_pico_lock = threading.Lock()


def pico_say(voice, text, rate, pitch, path):
    """SVOX Pico (PyPI ttspico) at `rate` and `pitch` percent: 16 kHz mono 16-bit, as is."""
    import ttspico
    with _pico_lock:
        engine = ttspico.TtsEngine(voice)
        engine.rate = rate
        engine.pitch = pitch
        pcm = engine.speak(text)
    if not pcm:
        raise RuntimeError(f"pico {voice} said nothing for {text!r}")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm)


def synth_one(it, out_dir, model):
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
    elif it["engine"] == "pico":
        pico_say(it["voice"], it["text"], it["rate"], it["pitch"], tmp)
    elif it["engine"] == "flite":
        sh(f"flite -voice {it['voice']} --setf duration_stretch={it['stretch']} --setf int_f0_target_mean={it['f0']} "
           f"-t {q(it['text'])} -o {q(tmp)}")
    else:
        text = it["text"].replace('"', "")
        encoding = "utf-8"
        if it["engine"] == "accent":
            lang = M.ACCENT_VOICES[it["voice"]]
            text, encoding = M.ACCENT_SPELLING[lang][text], M.ACCENT_ENCODING[lang]
        with tempfile.NamedTemporaryFile("w", suffix=".scm", delete=False, encoding=encoding) as f:
            f.write(f"(voice_{it['voice']})\n(Parameter.set 'Duration_Stretch {it['stretch']})\n"
                    f"(set! u (Utterance Text \"{text}\"))\n(utt.synth u)\n(utt.save.wave u \"{tmp}\" 'riff)\n")
            scm = f.name
        try:
            sh(f"festival --batch {q(scm)}")
        finally:
            os.unlink(scm)
    sh(f"sox {q(tmp)} -r 16000 -c 1 -b 16 {q(wav + '.part.wav')}")
    os.unlink(tmp)
    if it["engine"] == "accent":
        try:
            judge_accented(it, wav + ".part.wav", M.MODELS[model])
        except Rejected:
            os.unlink(wav + ".part.wav")
            raise
    os.replace(wav + ".part.wav", wav)
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
    failed, rejected = [], []

    def run(it):
        try:
            synth_one(it, out_dir, args.model)
        except Rejected as e:  # an accented clip not heard as its word: left out
            rejected.append((it["id"], str(e)))
        except Exception as e:  # a voice that cannot say a text is skipped, not fatal
            failed.append((it["id"], str(e)))
        prog.step()

    with ThreadPoolExecutor(args.jobs) as ex:
        list(ex.map(run, items))
    bad = {f[0] for f in failed + rejected}
    with open(os.path.join(out_dir, "items.jsonl"), "w") as f:
        for it in items:
            if it["id"] not in bad:
                f.write(json.dumps(it) + "\n")
    print(f"synthesis: {len(items) - len(bad)} clips ({len(failed)} failed, {len(rejected)} accented clips not "
          f"heard as their word) in {out_dir}")


if __name__ == "__main__":
    main()
