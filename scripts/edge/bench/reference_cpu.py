"""Runs a reference wake-word implementation over a recording and times it with getrusage.

usage: reference_cpu.py pymicro --wav HOUR.wav --manifest alexa.json
       reference_cpu.py openwakeword --wav HOUR.wav --models DIR [--threshold 0.5]

Prints one JSON line: {"impl", "version", "audio_s", "cpu_s", "cpu_user_s", "cpu_sys_s",
"process_cpu_s", "wall_s", "chunk_samples", "firings": [seconds...]}.

* `cpu_s` is user + system time of this process over the processing loop only (the audio is
  read into memory before, the models loaded before): the reference's steady-state cost, which
  is the most favourable figure for it. `process_cpu_s` adds interpreter start-up, imports and
  model loading, as the agent's figure does.
* pymicro-wakeword 2.5.0: `MicroWakeWordFeatures.process_streaming` + `MicroWakeWord.process_streaming`
  fed 10 ms (160-sample) chunks, as a microphone loop feeds it. A firing is an invocation that
  returned True; its time is the end of the feature window that completed the invocation
  ((frame * 160 + 480) / 16000 s), as earshot's DetectionEvent counts it.
* openWakeWord: `openwakeword.Model` with melspectrogram, embedding_model and alexa_v0.1 run by
  ai-edge-litert (through the tflite_runtime shim), fed 80 ms (1280-sample) chunks, its native
  and cheapest chunk size. A firing is a chunk whose score is at or above --threshold (0.5, its
  documented default); its time is the end of that chunk.
"""

import argparse
import json
import resource
import sys
import time
import wave
from importlib import metadata
from pathlib import Path

import numpy as np


def cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def read_pcm(path: Path) -> bytes:
    with wave.open(str(path)) as recording:
        if (recording.getframerate(), recording.getnchannels(), recording.getsampwidth()) != (16_000, 1, 2):
            raise SystemExit(f"{path}: not 16 kHz mono 16-bit")
        return recording.readframes(recording.getnframes())


def run_pymicro(pcm: bytes, manifest: Path) -> tuple:
    from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures

    detector = MicroWakeWord.from_config(manifest)
    features = MicroWakeWordFeatures()
    chunk = 160 * 2
    firings = []
    frame = 0
    start = time.perf_counter(), cpu()
    for offset in range(0, len(pcm) - chunk + 1, chunk):
        for feature in features.process_streaming(pcm[offset : offset + chunk]):
            if detector.process_streaming(feature):
                firings.append((frame * 160 + 480) / 16_000)
            frame += 1
    return firings, 160, start, "pymicro-wakeword " + metadata.version("pymicro-wakeword")


def run_openwakeword(pcm: bytes, models: Path, threshold: float) -> tuple:
    from openwakeword.model import Model

    model = Model(
        wakeword_models=[str(models / "alexa_v0.1.tflite")],
        melspec_model_path=str(models / "melspectrogram.tflite"),
        embedding_model_path=str(models / "embedding_model.tflite"),
        inference_framework="tflite",
    )
    audio = np.frombuffer(pcm, dtype="<i2")
    chunk = 1280
    firings = []
    start = time.perf_counter(), cpu()
    for offset in range(0, len(audio) - chunk + 1, chunk):
        score = model.predict(audio[offset : offset + chunk])["alexa_v0.1"]
        if score >= threshold:
            firings.append((offset + chunk) / 16_000)
    version = "openwakeword {} + ai-edge-litert {}".format(
        metadata.version("openwakeword"), metadata.version("ai-edge-litert"))
    return firings, chunk, start, version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("impl", choices=["pymicro", "openwakeword"])
    parser.add_argument("--wav", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, help="microWakeWord manifest (pymicro)")
    parser.add_argument("--models", type=Path, help="folder with the openWakeWord .tflite models")
    parser.add_argument("--threshold", type=float, default=0.5, help="openWakeWord score threshold")
    args = parser.parse_args()

    pcm = read_pcm(args.wav)
    if args.impl == "pymicro":
        firings, chunk, start, version = run_pymicro(pcm, args.manifest)
    else:
        firings, chunk, start, version = run_openwakeword(pcm, args.models, args.threshold)
    end_wall, (end_user, end_sys) = time.perf_counter(), cpu()
    (start_wall, (start_user, start_sys)) = start
    print(
        json.dumps(
            {
                "impl": args.impl,
                "version": version,
                "audio_s": len(pcm) / 2 / 16_000,
                "cpu_s": round(end_user - start_user + end_sys - start_sys, 3),
                "cpu_user_s": round(end_user - start_user, 3),
                "cpu_sys_s": round(end_sys - start_sys, 3),
                "process_cpu_s": round(end_user + end_sys, 3),
                "wall_s": round(end_wall - start_wall, 3),
                "chunk_samples": chunk,
                "firings": firings,
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
