"""Stage 2: augmented training and validation clips.

Each source clip (synthetic keyword, confusable, sentence; real keyword and real non-keyword
speech from ../shared/data) is varied with sox (tempo, pitch, reverberation), placed in a
background (real room noise at several SNRs, real non-keyword speech, near silence) and
given a random level. Writes WORK/aug/*.wav and WORK/aug/clips.jsonl with, for keyword clips,
the keyword's first and last 10 ms frame. Deterministic given --seed.

Splits: synthetic clips by voice (synth.py); real recordings by file (a stable hash of the
file name); real noise by time (the first 70 % of every noise file for training, the rest
for validation).
"""
import argparse
import glob
import hashlib
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.dirname(__file__))
import models as M  # noqa: E402
from progress import Progress  # noqa: E402

SR = 16000
NOISE_GLOBS = ["noise/speech_commands_bg/*.wav", "noise/precise_bg_noise/*.wav"]
REAL_NEG_DIRS = ["athena/en", "amelia/en", "heychatterbox/en-us", "not-wake-words/en"]


def file_split(path, val_fraction=0.5):
    h = int(hashlib.sha1(os.path.basename(path).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "val" if h < val_fraction else "train"


def real_files(model):
    """Real recordings: (path, role, label, split)."""
    out = []
    for d in REAL_NEG_DIRS:
        for p in sorted(glob.glob(os.path.join(M.PRECISE, d, "*.wav"))):
            out.append((p, "real-negative", "", file_split(p)))
    if model == "computer":
        for p in sorted(glob.glob(os.path.join(M.PRECISE, "computer/en/*.wav"))):
            out.append((p, "real-positive", "computer", file_split(p)))
    return out


CARRIER_DIRS = {"computer": ("hey computer", ["heycomputer/en", "heycomputer/es"])}


def carrier_cuts(model):
    """Real speakers saying the wake word inside a carrier phrase ("hey computer", English and
    Spanish speakers), cut to the wake word alone: training positives only, never validation
    (the validation set is the real wake-word clips of real_files). The wake word's start comes
    from a PocketSphinx forced alignment of the carrier text; a clip that does not align is left
    out. Returns the cut files (WORK/real-cut/*.wav, cached)."""
    if model not in CARRIER_DIRS:
        return []
    text, dirs = CARRIER_DIRS[model]
    word = text.split()[-1]
    out_dir = os.path.join(M.work_dir(model), "real-cut")
    os.makedirs(out_dir, exist_ok=True)
    sources = [p for d in dirs for p in sorted(glob.glob(os.path.join(M.PRECISE, d, "*.wav")))]
    decoder = None
    cuts, skipped = [], []
    for p in sources:
        dst = os.path.join(out_dir, os.path.basename(p))
        if not os.path.exists(dst):
            if decoder is None:
                from pocketsphinx import Decoder
                decoder = Decoder(samprate=SR, loglevel="FATAL")
            x = (load(p) * 32767).astype(np.int16)
            decoder.set_align_text(text)
            decoder.start_utt()
            decoder.process_raw(x.tobytes(), full_utt=True)
            decoder.end_utt()
            starts = [s.start_frame for s in (decoder.seg() or []) if s.word == word]
            if not starts:
                skipped.append(p)
                continue
            # 30 ms before the aligned start: the word's first closure, not the carrier's tail
            cut = x[max(starts[0] * 160 - 480, 0):]
            sf.write(dst + ".part.wav", cut, SR, subtype="PCM_16")
            os.replace(dst + ".part.wav", dst)
        cuts.append(dst)
    if skipped:
        print(f"carrier cuts: {len(skipped)} of {len(sources)} did not align to '{text}', left out")
    return cuts


def load(path):
    x, sr = sf.read(path, dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    assert sr == SR, f"{path}: {sr} Hz"
    return x


_noise_cache = {}


def noises(split):
    if split not in _noise_cache:
        segs = []
        for g in NOISE_GLOBS:
            for p in sorted(glob.glob(os.path.join(M.DATA, g))):
                x = load(p)
                cut = int(len(x) * 0.7)
                segs.append(x[:cut] if split == "train" else x[cut:])
        _noise_cache[split] = segs
    return _noise_cache[split]


def noise_segment(rng, split, n):
    segs = noises(split)
    s = segs[rng.randrange(len(segs))]
    if len(s) <= n:
        s = np.tile(s, n // len(s) + 1)
    o = rng.randrange(len(s) - n)
    return s[o:o + n].copy()


def rms(x):
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2)) + 1e-9)


def active_bounds(x):
    """First and last sample of the loud part (10 ms frames above 5 % of the peak frame RMS)."""
    n = len(x) // 160
    if n == 0:
        return 0, len(x)
    fr = np.sqrt((x[: n * 160].reshape(n, 160) ** 2).mean(axis=1) + 1e-12)
    floor = np.percentile(fr, 10)
    thr = max(fr.max() * 0.05, floor * 3)
    idx = np.nonzero(fr > thr)[0]
    if len(idx) == 0:
        return 0, len(x)
    return int(idx[0] * 160), int((idx[-1] + 1) * 160)


def channel_warp(x, rng, warp):
    """Feature windows [n, frames, 40], each with its channels resampled by a factor in
    1 +- warp (numpy Generator rng): a change of vocal-tract length moves formants along the
    mel-like channel axis, as VTLN models it."""
    n, _, c = x.shape
    pos = np.clip(np.arange(c)[None, :] * rng.uniform(1 - warp, 1 + warp, n)[:, None], 0, c - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, c - 1)
    frac = (pos - lo).astype(np.float32)[:, None, :]
    rows = np.arange(n)[:, None]
    return x[rows, :, lo].transpose(0, 2, 1) * (1 - frac) + x[rows, :, hi].transpose(0, 2, 1) * frac


def whispered(x, rng, n_fft=512, hop=128, lifter=30):
    """The same words whispered: each frame keeps its spectral envelope (the real cepstrum's
    first `lifter` coefficients, below any pitch period) over a noise excitation instead of the
    voice's harmonics, with the weak low end of a whisper (no voicing below ~500 Hz). x: float
    samples at 16 kHz; rng: numpy Generator."""
    win = np.hanning(n_fft + 1)[:-1].astype(np.float32)
    pad = np.concatenate([np.zeros(n_fft), x, np.zeros(n_fft)]).astype(np.float32)
    starts = np.arange(0, len(pad) - n_fft + 1, hop)
    spec = np.fft.rfft(pad[starts[:, None] + np.arange(n_fft)] * win, axis=1)
    cep = np.fft.irfft(np.log(np.abs(spec) + 1e-7), axis=1)
    cep[:, lifter:n_fft - lifter + 1] = 0
    envelope = np.exp(np.fft.rfft(cep, axis=1).real)
    freqs = np.fft.rfftfreq(n_fft, 1 / SR)
    envelope *= np.clip(freqs / 800, 0.15, 1.0) ** 0.5
    noise = rng.standard_normal(spec.shape) + 1j * rng.standard_normal(spec.shape)
    frames = np.fft.irfft(envelope * noise / np.sqrt(2), n_fft, axis=1) * win
    out = np.zeros(len(pad), dtype=np.float64)
    norm = np.zeros(len(pad), dtype=np.float64)
    for i, s0 in enumerate(starts):
        out[s0:s0 + n_fft] += frames[i]
        norm[s0:s0 + n_fft] += win ** 2
    out = (out / np.maximum(norm, 1e-3))[n_fft:n_fft + len(x)]
    return (out / (rms(out) + 1e-12) * rms(x)).astype(np.float32)


def sox_vary(src, dst, rng, reverb_p=0.4, strong=True):
    tempo = rng.uniform(0.85, 1.15) if strong else rng.uniform(0.93, 1.07)
    pitch = rng.randint(-250, 250) if strong else rng.randint(-100, 100)
    fx = f"tempo -s {tempo:.3f} pitch {pitch}"
    if rng.random() < reverb_p:
        fx += f" reverb {rng.randint(10, 70)} 50 {rng.randint(20, 100)} 100 0 0"
    subprocess.run(f"sox -q '{src}' -r 16000 -c 1 -b 16 '{dst}' {fx} channels 1 rate 16000", shell=True,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def build(job, out_dir, speech_pool):
    """job: dict(id, src, role, label, split, seed, kind). Returns a clips.jsonl record."""
    rng = random.Random(job["seed"])
    dst = os.path.join(out_dir, job["id"] + ".wav")
    rec = {k: job[k] for k in ("id", "role", "label", "split", "src")}
    rec["wav"] = dst
    meta = dst + ".json"
    if os.path.exists(dst) and os.path.exists(meta):
        # reused only when made by the same job (source, seed, role): a changed plan gives other
        # jobs the same ids
        with open(meta) as f:
            kept = json.load(f)
        if kept.get("job") == job:
            # the clip's own path, not the one it was made under (a work folder may move)
            return {**kept["clip"], "wav": dst}
    split = job["split"]
    if job["role"] == "noise":
        n = int(SR * rng.uniform(2.0, 4.0))
        x = noise_segment(rng, split, n)
        x = x / rms(x) * 10 ** (rng.uniform(-50, -18) / 20)
        out = x
    else:
        tmp = dst + ".v.wav"
        if job.get("vary", True):
            sox_vary(job["src"], tmp, rng, strong=job["role"] != "real-positive")
            src = load(tmp)
            os.unlink(tmp)
        else:
            src = load(job["src"])
        if job.get("whisper"):
            src = whispered(src, np.random.default_rng(job["seed"]))
        a, b = active_bounds(src)
        keyword = job["role"] in ("positive", "real-positive", "word")
        if keyword:
            pad = 800
            src = src[max(a - pad, 0): min(b + pad, len(src))]
            a, b = active_bounds(src)
        total = max(int(SR * 3.0), len(src) + int(SR * 0.6))
        if keyword:
            # the keyword ends 0.1 .. 1.5 s before the end of the clip
            lo = max(total - int(SR * 1.5) - len(src), int(SR * 0.3))
            hi = max(total - int(SR * 0.1) - len(src), lo + 1)
            off = rng.randrange(lo, hi)
        else:
            off = rng.randrange(0, total - len(src) + 1)
        level = 10 ** (rng.uniform(-32, -12) / 20)
        sig = src / rms(src[a:b] if b > a else src) * level
        out = np.zeros(total, dtype=np.float32)
        out[off:off + len(sig)] += sig
        mode = rng.random()
        if mode < 0.45:
            snr = rng.choice([0, 5, 5, 10, 10, 15, 20])
        elif mode < 0.7:
            snr = rng.uniform(25, 45)
        else:
            snr = rng.uniform(15, 35)
            # real non-keyword speech nearby (before or after the keyword)
            if speech_pool:
                sp = load(rng.choice(speech_pool))
                sp = sp / rms(sp) * level * 10 ** (rng.uniform(-12, 0) / 20)
                if rng.random() < 0.5 and off > 0:
                    seg = sp[-off:] if len(sp) >= off else sp
                    out[off - len(seg): off] += seg[: off]
                else:
                    end = off + len(sig)
                    seg = sp[: total - end]
                    out[end: end + len(seg)] += seg
        nz = noise_segment(rng, split, total)
        out += nz / rms(nz) * level / (10 ** (snr / 20))
        if keyword:
            rec["word_start"] = (off + a) // 160
            rec["word_end"] = (off + b) // 160
    peak = float(np.abs(out).max()) + 1e-9
    if peak > 0.99:
        out = out / peak * 0.99
    # written beside and renamed over: a copy of a work folder made with hard links (cp -al) keeps
    # its own clips when its jobs change
    sf.write(dst + ".part.wav", (out * 32767).astype(np.int16), SR, subtype="PCM_16")
    os.replace(dst + ".part.wav", dst)
    with open(meta + ".part", "w") as f:
        json.dump({"job": job, "clip": rec}, f)
    os.replace(meta + ".part", meta)
    return rec


def jobs_for(model, seed):
    rng = random.Random(seed)
    tts = os.path.join(M.work_dir(model), "tts", "items.jsonl")
    items = [json.loads(l) for l in open(tts)]
    kind = M.MODELS[model]["kind"]
    jobs = []

    def add(src, role, label, split, reps, vary=True, draws=rng, **extra):
        for _ in range(reps):
            jobs.append({"src": src, "role": role, "label": label, "split": split, "seed": draws.getrandbits(32),
                         "vary": vary, **extra})

    for it in items:
        if it["role"] == "stream":
            continue
        if kind == "wakeword":
            reps = {"positive": 3, "confusable": 2, "sentence": 1}[it["role"]]
            if it["split"] == "val":
                reps = 1
            add(it["wav"], it["role"], it["label"], it["split"], reps)
        else:
            reps = int(os.environ.get("EARSHOT_WORD_REPS", M.MODELS[model].get("word_reps", 1))) if it["split"] == "train" else 1
            add(it["wav"], "word", it["label"], it["split"], reps)
    for path, role, label, split in real_files(model):
        if role == "real-positive" and split == "train":
            add(path, role, label, split, 20)
        elif role == "real-negative" and split == "train" and kind == "wakeword":
            add(path, role, label, split, 2)
    default_noise = M.MODELS[model].get("noise_clips", 400 if kind == "wakeword" else 600)
    n_noise = int(os.environ.get("EARSHOT_NOISE_CLIPS", default_noise))
    for i in range(n_noise):
        add("", "noise", "silence" if kind == "classifier" else "", "train" if i % 5 else "val", 1)
    for path in carrier_cuts(model):
        add(path, "real-positive", M.MODELS[model].get("wake_word", ""), "train", 12)
    # whispered copies of a share of the training speech, keyword and non-keyword alike (only
    # the words may tell them apart), from every voice: espeak-ng has one whisper voice of its own
    # for training, and its held-out whispered voice was a third of alexa's held-out misses. Last,
    # with their own random draws, so that the jobs above keep their ids and seeds.
    share = float(os.environ.get("EARSHOT_WHISPER_SHARE", M.MODELS[model].get("whisper_share", 0)))
    wrng = random.Random(seed + 1)
    if share > 0:
        for it in items:
            if it["split"] == "train" and it["role"] in ("positive", "confusable", "sentence", "word") and wrng.random() < share:
                add(it["wav"], it["role"], it["label"], "train", 1, draws=wrng, whisper=True)
    # minute-long streams of sentences in the training voices (hours of ordinary speech for the
    # model to stay quiet on), last, with their own random draws
    hours = float(os.environ.get("EARSHOT_STREAM_HOURS", M.MODELS[model].get("stream_hours", 0)))
    if hours > 0 and kind == "wakeword":
        import evaluate as E  # here: evaluate imports this module
        srng = random.Random(seed + 2)
        for r in E.sentence_streams(model, os.path.join(M.work_dir(model), "streams"), hours, "train", seed=31):
            add(r["file"], "sentence", "", "train", 1, draws=srng)
    for i, j in enumerate(jobs):
        j["id"] = f"{j['role']}-{j['split']}-{i:06d}"
    return jobs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    out_dir = os.path.join(M.work_dir(args.model), "aug")
    os.makedirs(out_dir, exist_ok=True)
    jobs = jobs_for(args.model, args.seed)
    speech_pool = [p for p, role, _, split in real_files(args.model) if role == "real-negative" and split == "train"]
    prog = Progress(len(jobs), "augment")

    def run(job):
        r = build(job, out_dir, speech_pool)
        prog.step()
        return r

    noises("train"), noises("val")
    with ThreadPoolExecutor(args.jobs) as ex:
        recs = list(ex.map(run, jobs))
    with open(os.path.join(out_dir, "clips.jsonl"), "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    print(f"augment: {len(recs)} clips in {out_dir}")


if __name__ == "__main__":
    main()
