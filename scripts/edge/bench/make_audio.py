"""Builds the benchmark's hour of audio: real speech over real noise, wake phrases at known times.

usage: make_audio.py --data DIR --wake-clips DIR --out HOUR.wav --truth TRUTH.json
                     [--seconds 3600] [--phrases 30] [--seed 20261121]

* Background: the noise recordings of shared/data (noise/speech_commands_bg, noise/precise_bg_noise,
  mycroft-precise/not-wake-words/noises) in 20-70 s stretches, each at an RMS level drawn from
  -58 to -40 dBFS, faded in and out over 50 ms.
* Speech: every recording of mycroft-precise (other wake words, "computer", ordinary sentences,
  English and Spanish) and pocketsphinx_test in a seeded random order, each scaled to a peak of
  -12 to -3 dBFS, with pauses of 0.3-4 s between them (now and then 5-20 s), cycling through
  the pool again if the hour is not full.
* Wake phrases: the synthesized alexa_*.wav fixtures, evenly spread from 60 s to 60 s before the end
  (jittered by up to +-10 s; one every ~2 minutes in an hour),
  the four voices in rotation, each at a peak of -20 to -3 dBFS and followed 0.5 s after its
  speech ends by a command (an English sentence of not-wake-words/en). No other speech lies
  within 1.5 s before a phrase or before its command ends.

TRUTH.json records, for each phrase, where the clip was put (`clip_start_s`), where its speech
starts and ends (`speech_start_s`, `speech_end_s`: the first and last 10 ms frame within 35 dB
of the clip's loudest frame, found on the clean clip), its peak level and the command that
follows. Only the standard library and NumPy are used; the run is deterministic for a seed.
"""

import argparse
import json
import random
import sys
import wave
from pathlib import Path

import numpy as np

RATE = 16_000


def read_wav(path: Path) -> np.ndarray:
    """Returns a 16 kHz mono 16-bit WAV's samples as float32 in [-1, 1)."""
    with wave.open(str(path)) as recording:
        if (recording.getframerate(), recording.getnchannels(), recording.getsampwidth()) != (RATE, 1, 2):
            raise SystemExit(f"{path}: not 16 kHz mono 16-bit")
        data = recording.readframes(recording.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0


def frame_levels(samples: np.ndarray) -> np.ndarray:
    """Energy of each 10 ms frame, dBFS."""
    frames = len(samples) // 160
    blocks = samples[: frames * 160].astype(np.float64).reshape(frames, 160)
    return 10 * np.log10((blocks**2).mean(axis=1) + 1e-12)


def speech_bounds(samples: np.ndarray, range_db: float = 35.0) -> tuple[float, float]:
    """Start and end (s) of the frames within `range_db` of the loudest frame."""
    levels = frame_levels(samples)
    loud = np.nonzero(levels >= levels.max() - range_db)[0]
    return loud[0] * 0.01, (loud[-1] + 1) * 0.01


def scale_to_peak(samples: np.ndarray, peak_dbfs: float) -> np.ndarray:
    peak = float(np.abs(samples).max())
    return samples if peak == 0 else samples * (10 ** (peak_dbfs / 20) / peak)


def fade(samples: np.ndarray, seconds: float = 0.05) -> np.ndarray:
    count = min(int(seconds * RATE), len(samples) // 2)
    if count > 0:
        ramp = np.linspace(0, 1, count, dtype=np.float32)
        samples = samples.copy()
        samples[:count] *= ramp
        samples[-count:] *= ramp[::-1]
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--wake-clips", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=3600)
    parser.add_argument("--phrases", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    total = int(args.seconds * RATE)
    mix = np.zeros(total, dtype=np.float32)

    noise_files = sorted((args.data / "noise").rglob("*.wav")) + sorted(
        (args.data / "mycroft-precise/not-wake-words/noises").glob("*.wav"))
    speech_files = sorted(
        p for p in (args.data / "mycroft-precise").rglob("*.wav") if "/noises/" not in str(p)
    ) + sorted((args.data / "pocketsphinx_test").glob("*.wav"))
    command_files = sorted((args.data / "mycroft-precise/not-wake-words/en").glob("*.wav"))
    wake_files = sorted(args.wake_clips.glob("alexa_*.wav"))
    if not noise_files or not speech_files or not command_files or not wake_files:
        raise SystemExit("missing input: need noise, speech, not-wake-words/en and alexa_*.wav clips")

    # 1. Noise bed.
    noises = {path: read_wav(path) for path in noise_files}
    position = 0
    while position < total:
        path = rng.choice(noise_files)
        source = noises[path]
        length = min(int(rng.uniform(20, 70) * RATE), total - position)
        start = rng.randrange(0, max(1, len(source) - 1))
        piece = np.resize(np.roll(source, -start), length)  # loops a short recording
        rms = float(np.sqrt(np.mean(piece.astype(np.float64) ** 2))) or 1.0
        level = rng.uniform(-58, -40)
        mix[position : position + length] += fade(piece * (10 ** (level / 20) / rms))
        position += length

    # 2. Wake phrases (and the command after each), at known times.
    phrases = []
    reserved = []  # (start, end) seconds free of other speech
    spacing = (args.seconds - 120) / args.phrases
    voices = wake_files[:]
    rng.shuffle(voices)
    commands = command_files[:]
    rng.shuffle(commands)
    for index in range(args.phrases):
        clip_path = voices[index % len(voices)]
        clip = read_wav(clip_path)
        peak = rng.uniform(-20, -3)
        clip = scale_to_peak(clip, peak)
        jitter = min(10.0, spacing / 4)
        at = 60 + index * spacing + rng.uniform(-jitter, jitter)
        begin = int(at * RATE)
        mix[begin : begin + len(clip)] += clip
        speech_start, speech_end = speech_bounds(clip)
        command_path = commands[index % len(commands)]
        command = scale_to_peak(read_wav(command_path), peak + rng.uniform(-3, 3))
        command_at = at + speech_end + 0.5
        command_begin = int(command_at * RATE)
        mix[command_begin : command_begin + len(command)] += command
        reserved.append((at - 1.5, command_at + len(command) / RATE + 1.0))
        phrases.append(
            {
                "index": index,
                "clip": clip_path.name,
                "clip_start_s": round(at, 4),
                "speech_start_s": round(at + speech_start, 4),
                "speech_end_s": round(at + speech_end, 4),
                "clip_end_s": round(at + len(clip) / RATE, 4),
                "peak_dbfs": round(peak, 1),
                "command": str(command_path.relative_to(args.data)),
                "command_start_s": round(command_at, 4),
                "command_end_s": round(command_at + len(command) / RATE, 4),
            }
        )

    # 3. Other speech, around the reserved stretches.
    order = speech_files[:]
    rng.shuffle(order)
    cursor, placed, next_file = 1.0, 0, 0
    while True:
        path = order[next_file % len(order)]
        next_file += 1
        samples = scale_to_peak(read_wav(path), rng.uniform(-12, -3))
        length = len(samples) / RATE
        for start, end in reserved:  # skip past any reserved stretch it would overlap
            if cursor < end and cursor + length > start:
                cursor = end
        if cursor + length > args.seconds - 1:
            break
        begin = int(cursor * RATE)
        mix[begin : begin + len(samples)] += samples
        placed += 1
        cursor += length + (rng.uniform(5, 20) if rng.random() < 0.1 else rng.uniform(0.3, 4))

    pcm = np.clip(np.round(mix * 32768.0), -32768, 32767).astype("<i2")
    with wave.open(str(args.out), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    args.truth.write_text(
        json.dumps(
            {
                "seconds": args.seconds,
                "seed": args.seed,
                "speech_recordings_placed": placed,
                "speech_pool": len(speech_files),
                "noise_recordings": len(noise_files),
                "phrases": phrases,
                "reserved": [[round(a, 3), round(b, 3)] for a, b in reserved],
            },
            indent=1,
        )
    )
    print(
        f"wrote {args.out} ({args.seconds:.0f} s): {len(phrases)} wake phrases, {placed} speech recordings "
        f"(pool {len(speech_files)}), noise from {len(noise_files)} recordings",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
