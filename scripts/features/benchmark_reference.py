#!/usr/bin/env python3
"""Reference side of scripts/features/benchmark.sh: pymicro-features on the same audio.

Writes the benchmark audio (every WAV of the given folders under --data, sorted by name,
concatenated and looped to --seconds) as raw little-endian int16 to --audio-out, then times
1. pymicro-features' C++ core: reference_core_bench.c, compiled here, loads the installed
   extension module and calls its FrontendProcessSamples in a C loop (160 samples a call);
2. pymicro-features through Python: MicroFrontend.process_samples, 160 samples a call
   (the API takes no more per call), for the Python-visible cost.
Each prints a `RESULT impl=... us_per_audio_second=... output_fnv1a=...` line.
"""

import argparse
import subprocess
import sys
import sysconfig
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _venv import REPO_ROOT, SCRIPT_DIR, ensure_venv  # noqa: E402

ensure_venv()

import micro_features_cpp  # noqa: E402
from pymicro_features import MicroFrontend  # noqa: E402

FOLDERS = ["mycroft-precise/not-wake-words/en", "mycroft-precise/computer/en", "pocketsphinx_test"]


def build_audio(data: Path, folders: list, seconds: float) -> bytes:
    source = bytearray()
    for folder in folders:
        for path in sorted((data / folder).glob("*.wav"), key=lambda p: p.name.encode()):
            with wave.open(str(path), "rb") as wav:
                assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (16000, 2, 1), path
                source += wav.readframes(wav.getnframes())
    total = int(seconds * 16000) * 2
    audio = bytearray()
    while len(audio) < total:
        audio += source[: total - len(audio)]
    return bytes(audio)


def time_python_api(audio: bytes, repetitions: int) -> None:
    timings, frames, h = [], 0, 0
    for _ in range(repetitions):
        frontend = MicroFrontend()
        start = time.perf_counter()
        outputs = [frontend.process_samples(audio[o : o + 320]) for o in range(0, len(audio) - 319, 320)]
        timings.append(time.perf_counter() - start)
    h = 0xCBF29CE484222325
    frames = 0
    for output in outputs:
        if output.features:
            frames += 1
            for f in output.features:
                value = round(f / 0.0390625)
                h = ((h ^ (value & 0xFF)) * 0x100000001B3) & ((1 << 64) - 1)
                h = ((h ^ (value >> 8)) * 0x100000001B3) & ((1 << 64) - 1)
    seconds = len(audio) / 32000
    best = min(timings)
    median = sorted(timings)[len(timings) // 2]
    print(
        f"pymicro-features via Python (process_samples, 160 samples/call): {seconds:.1f} s of audio, "
        f"{frames} frames: best {best:.3f} s (median {median:.3f} s) = {best / seconds * 1e6:.1f} us "
        f"per second of audio, {seconds / best:.0f}x real time"
    )
    print(
        f"RESULT impl=pymicro_python audio_seconds={seconds:.3f} frames={frames} best_s={best:.6f} "
        f"median_s={median:.6f} us_per_audio_second={best / seconds * 1e6:.3f} output_fnv1a={h:016x}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--python-repetitions", type=int, default=1)
    parser.add_argument("--audio-out", type=Path, required=True)
    parser.add_argument("--build-dir", type=Path, required=True)
    args = parser.parse_args()

    audio = build_audio(args.data, FOLDERS, args.seconds)
    args.audio_out.write_bytes(audio)

    args.build_dir.mkdir(parents=True, exist_ok=True)
    driver = args.build_dir / "reference_core_bench"
    subprocess.run(
        ["cc", "-O2", "-Wall", "-o", str(driver), str(SCRIPT_DIR / "reference_core_bench.c"), "-ldl"], check=True
    )
    libpython = Path(sysconfig.get_config_var("LIBDIR")) / sysconfig.get_config_var("LDLIBRARY")
    if not libpython.exists() or not str(libpython).endswith(".so"):
        libpython = Path(f"libpython{sys.version_info.major}.{sys.version_info.minor}.so.1.0")
    extension = micro_features_cpp.__file__
    print(f"reference: {extension}", file=sys.stderr)
    subprocess.run(
        [str(driver), str(libpython), extension, str(args.audio_out), str(args.repetitions)], check=True
    )
    if args.python_repetitions > 0:
        time_python_api(audio, args.python_repetitions)


if __name__ == "__main__":
    main()
