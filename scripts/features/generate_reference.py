#!/usr/bin/env python3
"""Generates the golden fixtures of EarshotFeatures' tests with pymicro-features.

Usage: python3 scripts/features/generate_reference.py [--data DIR] [--out DIR]

Runs itself in <repo>/.venv-features (created from requirements.txt on first use).
Reads real speech from the shared data folder (default <repo>/../shared/data), makes the
synthetic inputs, feeds everything through pymicro_features.MicroFrontend exactly as
microWakeWord does (160-sample chunks, one frontend per input) and writes the expected
frames to Tests/EarshotFeaturesTests/Fixtures. Fixtures/README.md describes the format.
"""

import argparse
import json
import math
import struct
import sys
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _venv import REPO_ROOT, ensure_venv  # noqa: E402

ensure_venv()

from pymicro_features import MicroFrontend  # noqa: E402

CHUNK = 160  # samples pymicro-features consumes per call (10 ms at 16 kHz)
CHANNELS = 40
FEATURE_SCALE = 0.0390625
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1

SPEECH_CLIPS = [
    "mycroft-precise/not-wake-words/en/notwakeword-en-04b426bb-5a19-4708-acbe-35445bd213d4.wav",
    "mycroft-precise/not-wake-words/en/notwakeword-en-1c54f75b-0415-4813-954e-5b834c1254d9.wav",
    "mycroft-precise/computer/en/computer-en-099d6097-ce0f-403a-b30d-0ced99f1e44e.wav",
    "mycroft-precise/computer/en/computer-en-0c10e10f-ffed-4c14-994b-41c71d452e85.wav",
    "pocketsphinx_test/goforward.wav",
    "pocketsphinx_test/sense_and_sensibility_01_austen_64kb-0880.wav",
]
# Cases whose float features are stored too (to check the scaling against pymicro's floats).
FLOAT_CASES = {"speech_goforward", "square_250hz_full_scale"}
LONG_RUN_FOLDERS = [
    "mycroft-precise/not-wake-words/en",
    "mycroft-precise/computer/en",
    "pocketsphinx_test",
]
TAIL_FRAMES = 200


def fnv1a64(data: bytes) -> int:
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & MASK64
    return h


def read_wav(path: Path) -> list:
    with wave.open(str(path), "rb") as wav:
        assert wav.getframerate() == 16000, path
        assert wav.getsampwidth() == 2, path
        assert wav.getnchannels() == 1, path
        raw = wav.readframes(wav.getnframes())
    return list(struct.unpack(f"<{len(raw) // 2}h", raw))


def splitmix64(seed: int, count: int, shift: int) -> list:
    """Int16 noise: the top 16 bits of each SplitMix64 output, arithmetic-shifted right."""
    state = seed & MASK64
    out = []
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z ^= z >> 31
        top = z >> 48
        value = top - 65536 if top >= 32768 else top
        out.append(value >> shift)
    return out


def square(count: int, period: int, high: int, low: int) -> list:
    """First half of each period `high`, second half `low`."""
    return [high if (i % period) < period // 2 else low for i in range(count)]


def run_frontend(samples: list) -> tuple:
    """Returns (raw uint16 frames, float frames) as pymicro-features computes them."""
    frontend = MicroFrontend()
    audio = struct.pack(f"<{len(samples)}h", *samples)
    raw_frames, float_frames = [], []
    step = CHUNK * 2
    for offset in range(0, len(audio) - step + 1, step):
        output = frontend.process_samples(audio[offset : offset + step])
        assert output.samples_read == CHUNK
        if not output.features:
            continue
        assert len(output.features) == CHANNELS
        raw = []
        for f in output.features:
            value = round(f / FEATURE_SCALE)
            assert value * FEATURE_SCALE == f and 0 <= value <= 0xFFFF, f
            raw.append(value)
        raw_frames.append(raw)
        float_frames.append(output.features)
    expected = max(0, len(samples) // CHUNK - 2)
    assert len(raw_frames) == expected, (len(raw_frames), expected)
    return raw_frames, float_frames


def pack_u16(frames: list) -> bytes:
    return b"".join(struct.pack(f"<{CHANNELS}H", *frame) for frame in frames)


def pack_f32(frames: list) -> bytes:
    data = b"".join(struct.pack(f"<{CHANNELS}f", *frame) for frame in frames)
    # Every pymicro float is a float32 widened to double: packing loses nothing.
    assert [x for f in frames for x in f] == list(struct.unpack(f"<{len(data) // 4}f", data))
    return data


def samples_hash(samples: list) -> str:
    return f"{fnv1a64(struct.pack(f'<{len(samples)}h', *samples)):016x}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "Tests/EarshotFeaturesTests/Fixtures")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    cases = []

    def add_case(name: str, source: dict, samples: list) -> None:
        raw_frames, float_frames = run_frontend(samples)
        values_file = f"{name}.u16le"
        (out / values_file).write_bytes(pack_u16(raw_frames))
        case = {
            "name": name,
            "source": source,
            "sampleCount": len(samples),
            "sampleHash": samples_hash(samples),
            "frameCount": len(raw_frames),
            "valuesFile": values_file,
        }
        if name in FLOAT_CASES:
            case["featuresFile"] = f"{name}.f32le"
            (out / case["featuresFile"]).write_bytes(pack_f32(float_frames))
        cases.append(case)
        print(f"{name}: {len(samples)} samples, {len(raw_frames)} frames", file=sys.stderr)

    for path in SPEECH_CLIPS:
        stem = Path(path).stem
        short = {
            "notwakeword-en-04b426bb-5a19-4708-acbe-35445bd213d4": "speech_notwakeword_04b4",
            "notwakeword-en-1c54f75b-0415-4813-954e-5b834c1254d9": "speech_notwakeword_1c54",
            "computer-en-099d6097-ce0f-403a-b30d-0ced99f1e44e": "speech_computer_099d",
            "computer-en-0c10e10f-ffed-4c14-994b-41c71d452e85": "speech_computer_0c10",
            "goforward": "speech_goforward",
            "sense_and_sensibility_01_austen_64kb-0880": "speech_austen_0880",
        }[stem]
        add_case(short, {"kind": "wav", "path": path}, read_wav(args.data / path))

    add_case("silence", {"kind": "constant", "value": 0, "count": 32000}, [0] * 32000)
    add_case(
        "dc_negative_full_scale",
        {"kind": "constant", "value": -32768, "count": 16000},
        [-32768] * 16000,
    )
    source = {"kind": "square", "count": 32000, "period": 64, "high": 32767, "low": -32768}
    add_case("square_250hz_full_scale", source, square(32000, 64, 32767, -32768))
    source = {"kind": "square", "count": 16000, "period": 2, "high": 32767, "low": -32768}
    add_case("square_nyquist_full_scale", source, square(16000, 2, 32767, -32768))

    # A 440 Hz sine at 1.5x full scale, clipped: stored as raw samples (libm-independent).
    sine = [
        max(-32768, min(32767, round(1.5 * 32767 * math.sin(2 * math.pi * 440 * n / 16000))))
        for n in range(16000)
    ]
    (out / "clipped_sine_440hz.s16le").write_bytes(struct.pack(f"<{len(sine)}h", *sine))
    add_case("clipped_sine_440hz", {"kind": "raw", "file": "clipped_sine_440hz.s16le"}, sine)

    source = {"kind": "splitmix64", "seed": 0x5EED, "count": 32000, "shift": 0}
    add_case("white_noise_full_scale", source, splitmix64(0x5EED, 32000, 0))
    source = {"kind": "splitmix64", "seed": 0xC0FFEE, "count": 32000, "shift": 9}
    add_case("white_noise_quiet", source, splitmix64(0xC0FFEE, 32000, 9))

    # The long run: every file of a few folders, concatenated, through one frontend.
    long_paths = []
    long_samples = []
    for folder in LONG_RUN_FOLDERS:
        for wav_path in sorted((args.data / folder).glob("*.wav")):
            long_paths.append(f"{folder}/{wav_path.name}")
            long_samples.extend(read_wav(wav_path))
    raw_frames, _ = run_frontend(long_samples)
    assert len(long_samples) >= 180 * 16000, "the long run must be at least 3 minutes"
    hashes = b"".join(
        struct.pack("<Q", fnv1a64(struct.pack(f"<{CHANNELS}H", *frame))) for frame in raw_frames
    )
    (out / "long_run.fnv64le").write_bytes(hashes)
    (out / "long_run_tail.u16le").write_bytes(pack_u16(raw_frames[-TAIL_FRAMES:]))
    long_run = {
        "sources": long_paths,
        "sampleCount": len(long_samples),
        "sampleHash": samples_hash(long_samples),
        "frameCount": len(raw_frames),
        "frameHashesFile": "long_run.fnv64le",
        "tailFrameCount": TAIL_FRAMES,
        "tailValuesFile": "long_run_tail.u16le",
    }
    print(
        f"long run: {len(long_paths)} files, {len(long_samples) / 16000:.1f} s, {len(raw_frames)} frames",
        file=sys.stderr,
    )

    import importlib.metadata

    manifest = {
        "generator": "scripts/features/generate_reference.py",
        "reference": f"pymicro-features=={importlib.metadata.version('pymicro-features')}",
        "channelCount": CHANNELS,
        "featureScale": FEATURE_SCALE,
        "cases": cases,
        "longRun": long_run,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
