#!/usr/bin/env python3
"""Generates EarshotInference's reference fixtures with the official TFLite runtime.

Runs ai-edge-litert (reference kernels, OpResolverType.BUILTIN_REF) on the reference models
fetched by scripts/fetch-reference-models.sh and writes compact little-endian fixtures
into Tests/EarshotInferenceTests/Fixtures/ (layout: Fixtures/README.md).

  * microWakeWord streaming models: real speech from ../shared/data, through
    pymicro-features' MicroFrontend exactly as pymicro-wakeword feeds it (3 feature frames
    per invocation, quantized with the model's input scale/zero point). One shared input
    tensor stream (all four models share their input quantization; checked), and one
    output stream per model.
  * For the record: the same inputs through pymicro-wakeword's own libtensorflowlite_c.so
    (optimized kernels); it differs from the reference kernels on a few steps (printed).
  * openWakeWord float models: melspectrogram on real audio at two input lengths
    (exercises input resizing), embedding_model on real mel windows, the five keyword
    classifiers on real embedding windows.
  * End to end: pymicro-wakeword's firing steps on each recording listed.

Usage:  python3 -m venv .venv-inference
        .venv-inference/bin/pip install -r scripts/inference/requirements.txt
        scripts/fetch-reference-models.sh
        .venv-inference/bin/python scripts/inference/generate_reference.py
"""
from __future__ import annotations

import ctypes
import glob
import os
import struct
import sys
import wave
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
from pymicro_wakeword.microwakeword import MicroWakeWord, MicroWakeWordFeatures

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "reference-models"
DATA = Path(os.environ.get("EARSHOT_DATA", REPO.parent / "shared" / "data"))
FIXTURES = REPO / "Tests" / "EarshotInferenceTests" / "Fixtures"
MICRO = ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"]
CLASSIFIERS = ["alexa_v0.1", "hey_jarvis_v0.1", "hey_mycroft_v0.1", "hey_rhasspy_v0.1", "ok_nabu_v0.1"]
STREAM_STEPS = 4000  # invocations per streaming model (3 feature frames = 30 ms each)

DTYPE_CODE = {np.dtype(np.float32): 0, np.dtype(np.int32): 2, np.dtype(np.uint8): 3, np.dtype(np.int8): 9}


def write_records(path: Path, tensors: list[np.ndarray]) -> None:
    """Fixture container: b"ERF1", u32 count, then per tensor: u8 dtype (TFLite TensorType),
    u8 rank, u16 zero, rank x u32 dims, raw little-endian data."""
    with open(path, "wb") as f:
        f.write(b"ERF1")
        f.write(struct.pack("<I", len(tensors)))
        for t in tensors:
            t = np.ascontiguousarray(t)
            f.write(struct.pack("<BBH", DTYPE_CODE[t.dtype], t.ndim, 0))
            f.write(struct.pack(f"<{t.ndim}I", *t.shape))
            f.write(t.astype(t.dtype.newbyteorder("<")).tobytes())
    print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size} bytes)")


def read_wav(path: Path) -> bytes:
    with wave.open(str(path), "rb") as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        return w.readframes(w.getnframes())


def speech_files() -> list[Path]:
    order = ["mycroft-precise/not-wake-words/en", "mycroft-precise/computer/en", "mycroft-precise/heycomputer/en",
             "mycroft-precise/amelia/en"]
    files: list[Path] = []
    for d in order:
        files += sorted(Path(p) for p in glob.glob(str(DATA / d / "*.wav")))
    return files


def feature_windows(audio: bytes) -> list[np.ndarray]:
    frontend = MicroWakeWordFeatures()
    return list(frontend.process_streaming(audio))


def reference_interpreter(path: Path) -> Interpreter:
    it = Interpreter(model_path=str(path), experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    return it


def streaming_fixtures() -> None:
    files = speech_files()
    needed_frames = STREAM_STEPS * 3
    audio = b""
    used = []
    for f in files:
        audio += read_wav(f)
        used.append(f)
        if len(audio) // 320 > needed_frames + 10:
            break
    frames = feature_windows(audio)
    assert len(frames) >= needed_frames, (len(frames), needed_frames)
    frames = frames[:needed_frames]

    quant = None
    outputs = {}
    for name in MICRO:
        it = reference_interpreter(MODELS / "microwakeword" / f"{name}.tflite")
        inp, out = it.get_input_details()[0], it.get_output_details()[0]
        scale, zero = inp["quantization"]
        stride = int(inp["shape"][1])
        assert stride == 3
        q = []
        for s in range(STREAM_STEPS):
            window = np.concatenate(frames[s * 3:(s + 1) * 3], axis=1)
            q.append(np.round(window / scale + zero).astype(np.int8))
        q = np.stack(q).reshape(STREAM_STEPS, 1, 3, 40)
        if quant is None:
            quant = q
        assert np.array_equal(quant, q), "models differ in input quantization"
        res = np.empty((STREAM_STEPS, 1, 1), dtype=out["dtype"])
        for s in range(STREAM_STEPS):
            it.set_tensor(inp["index"], q[s])
            it.invoke()
            res[s] = it.get_tensor(out["index"])
        outputs[name] = res
        cross_check_tflite_c(name, q, res)
    write_records(FIXTURES / "microwakeword-inputs.bin", [quant])
    for name in MICRO:
        write_records(FIXTURES / f"microwakeword-{name}-outputs.bin", [outputs[name]])
    with open(FIXTURES / "microwakeword-inputs.txt", "w") as f:
        f.write("# recordings (relative to shared/data), concatenated in this order, first "
                f"{STREAM_STEPS * 3} feature frames used\n")
        for p in used:
            f.write(str(p.relative_to(DATA)) + "\n")


def cross_check_tflite_c(name: str, inputs: np.ndarray, expected: np.ndarray) -> None:
    """The runtime pymicro-wakeword ships must agree with the reference kernels."""
    mww = MicroWakeWord.from_config(MODELS / "microwakeword" / f"{name}.json",
                                    libtensorflowlite_c_path=MODELS / "lib" / "libtensorflowlite_c.so")
    lib = mww.lib
    out = np.empty(1, dtype=np.uint8)
    mismatches = 0
    for s in range(inputs.shape[0]):
        buf = np.ascontiguousarray(inputs[s])
        lib.TfLiteTensorCopyFromBuffer(mww.input_tensor, buf.ctypes.data_as(ctypes.c_void_p), buf.nbytes)
        lib.TfLiteInterpreterInvoke(mww.interpreter)
        lib.TfLiteTensorCopyToBuffer(mww.output_tensor, out.ctypes.data_as(ctypes.c_void_p), 1)
        if out[0] != expected[s].item():
            mismatches += 1
    # TFLite's optimized kernels round differently from its reference kernels in a few
    # places, and the streaming state carries such a difference forward for a while. The
    # fixtures follow the reference kernels (the arithmetic EarshotInference implements);
    # this count is printed for the record only.
    print(f"{name}: libtensorflowlite_c (optimized kernels) differs from the reference kernels "
          f"on {mismatches} of {inputs.shape[0]} steps")


def read_records(path: Path) -> list[np.ndarray]:
    """The inverse of write_records."""
    b = path.read_bytes()
    assert b[:4] == b"ERF1", path
    (count,) = struct.unpack_from("<I", b, 4)
    off, out = 8, []
    for _ in range(count):
        dtype, rank = b[off], b[off + 1]
        off += 4
        dims = struct.unpack_from(f"<{rank}I", b, off)
        off += 4 * rank
        np_type = {0: np.float32, 2: np.int32, 3: np.uint8, 9: np.int8}[dtype]
        n = int(np.prod(dims))
        out.append(np.frombuffer(b, np_type, n, off).reshape(dims))
        off += n * out[-1].itemsize
    return out


def optimized_fixtures() -> None:
    """Outputs of the runtime pymicro-wakeword ships (optimized kernels, no delegate) on the
    committed streaming inputs, cross-checked against ai-edge-litert's
    BUILTIN_WITHOUT_DEFAULT_DELEGATES resolver, which must agree step for step."""
    inputs = read_records(FIXTURES / "microwakeword-inputs.bin")[0]
    for name in MICRO:
        mww = MicroWakeWord.from_config(MODELS / "microwakeword" / f"{name}.json",
                                        libtensorflowlite_c_path=MODELS / "lib" / "libtensorflowlite_c.so")
        lib = mww.lib
        out = np.empty(1, dtype=np.uint8)
        res = np.empty((inputs.shape[0], 1, 1), dtype=np.uint8)
        for s in range(inputs.shape[0]):
            buf = np.ascontiguousarray(inputs[s])
            lib.TfLiteTensorCopyFromBuffer(mww.input_tensor, buf.ctypes.data_as(ctypes.c_void_p), buf.nbytes)
            lib.TfLiteInterpreterInvoke(mww.interpreter)
            lib.TfLiteTensorCopyToBuffer(mww.output_tensor, out.ctypes.data_as(ctypes.c_void_p), 1)
            res[s] = out[0]
        it = Interpreter(model_path=str(MODELS / "microwakeword" / f"{name}.tflite"),
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        it.allocate_tensors()
        inp, o = it.get_input_details()[0], it.get_output_details()[0]
        for s in range(inputs.shape[0]):
            it.set_tensor(inp["index"], inputs[s])
            it.invoke()
            assert it.get_tensor(o["index"]).reshape(-1)[0] == res[s].item(), (name, s)
        reference = read_records(FIXTURES / f"microwakeword-{name}-outputs.bin")[0]
        print(f"{name}: optimized kernels differ from the reference kernels on "
              f"{int((reference.reshape(-1) != res.reshape(-1)).sum())} of {inputs.shape[0]} steps")
        write_records(FIXTURES / f"microwakeword-{name}-optimized-outputs.bin", [res])


def reference_firing_frames(name: str, audio: bytes) -> list[int]:
    """pymicro-wakeword's MicroWakeWord.process_streaming rule, step for step, but with the
    model run by ai-edge-litert's reference kernels instead of libtensorflowlite_c."""
    import json
    import statistics
    from collections import deque

    config = json.loads((MODELS / "microwakeword" / f"{name}.json").read_text())["micro"]
    it = reference_interpreter(MODELS / "microwakeword" / f"{name}.tflite")
    inp, out = it.get_input_details()[0], it.get_output_details()[0]
    scale, zero = inp["quantization"]
    out_scale, out_zero = out["quantization"]
    stride = int(inp["shape"][1])
    features: list[np.ndarray] = []
    probabilities: deque = deque(maxlen=config["sliding_window_size"])
    fired = []
    for i, frame in enumerate(MicroWakeWordFeatures().process_streaming(audio)):
        features.append(frame)
        if len(features) < stride:
            continue
        q = np.round(np.concatenate(features, axis=1) / scale + zero).astype(np.int8)
        features.clear()
        it.set_tensor(inp["index"], q)
        it.invoke()
        result = (it.get_tensor(out["index"]).astype(np.float32) - out_zero) * out_scale
        probabilities.append(result.item())
        if len(probabilities) < config["sliding_window_size"]:
            continue
        if statistics.mean(probabilities) > config["probability_cutoff"]:
            fired.append(i)
    return fired


def pymicro_firing_frames(name: str, audio: bytes) -> list[int]:
    """pymicro-wakeword 2.5.0 itself (its libtensorflowlite_c), a fresh detector."""
    mww = MicroWakeWord.from_config(MODELS / "microwakeword" / f"{name}.json",
                                    libtensorflowlite_c_path=MODELS / "lib" / "libtensorflowlite_c.so")
    fired = [i for i, fr in enumerate(MicroWakeWordFeatures().process_streaming(audio)) if mww.process_streaming(fr)]
    mww.close()
    return fired


def end_to_end_fixture() -> None:
    """Firing frames (0-based feature-frame indices) per model and recording.

    microwakeword-detections.txt: pymicro-wakeword's own detections on real speech from
    shared/data (paths relative to shared/data).
    microwakeword-detections-reference.txt: the same rule with the model on the reference
    kernels (what EarshotInference computes bit for bit), beside pymicro-wakeword's own,
    on real speech (@data/...) and the synthesized wake phrases of EarshotEdgeTests
    (@repo/...), which do fire."""
    speech = sorted(glob.glob(str(DATA / "mycroft-precise/not-wake-words/en/*.wav")))[:20]
    speech += sorted(glob.glob(str(DATA / "mycroft-precise/computer/en/*.wav")))[:10]
    lines = ["# model recording firing-frame-indices (comma separated, '-' for none)"]
    total = 0
    for name in MICRO:
        for r in speech:
            fired = pymicro_firing_frames(name, read_wav(Path(r)))
            total += len(fired)
            lines.append(f"{name} {Path(r).relative_to(DATA)} {','.join(map(str, fired)) if fired else '-'}")
    (FIXTURES / "microwakeword-detections.txt").write_text("\n".join(lines) + "\n")
    print(f"end to end (pymicro-wakeword): {total} firing frames over {len(speech)} recordings x {len(MICRO)} models")

    def fmt(frames: list[int]) -> str:
        return ",".join(map(str, frames)) if frames else "-"

    synthesized = sorted(glob.glob(str(REPO / "Tests/EarshotEdgeTests/Fixtures/wake-words/*.wav")))
    recordings = [("@data/" + str(Path(r).relative_to(DATA)), Path(r)) for r in speech]
    recordings += [("@repo/" + str(Path(r).relative_to(REPO)), Path(r)) for r in synthesized]
    lines = ["# model recording pymicro-wakeword-firing-frames reference-kernel-firing-frames",
             "# (0-based feature-frame indices, comma separated, '-' for none; @data/ = shared/data, @repo/ = repository)"]
    differing = 0
    fired_total = 0
    for name in MICRO:
        for label, path in recordings:
            audio = read_wav(path)
            theirs = pymicro_firing_frames(name, audio)
            ours = reference_firing_frames(name, audio)
            differing += theirs != ours
            fired_total += len(ours)
            lines.append(f"{name} {label} {fmt(theirs)} {fmt(ours)}")
    (FIXTURES / "microwakeword-detections-reference.txt").write_text("\n".join(lines) + "\n")
    print(f"end to end (reference kernels): {fired_total} firing frames over {len(recordings)} recordings x "
          f"{len(MICRO)} models; pymicro-wakeword's runtime differs on {differing} runs")


def float_fixtures() -> None:
    audio = np.concatenate([np.frombuffer(read_wav(Path(p)), dtype=np.int16) for p in
                            sorted(glob.glob(str(DATA / "mycroft-precise/not-wake-words/en/*.wav")))[1:4]])
    # melspectrogram: two input lengths, to exercise resizing.
    mel = Interpreter(model_path=str(MODELS / "openwakeword/melspectrogram.tflite"),
                      experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    records = []
    mel_out = None
    for n in (1760, 16000 + 480):
        x = audio[8000:8000 + n].astype(np.float32).reshape(1, n)
        mel.resize_tensor_input(0, [1, n])
        mel.allocate_tensors()
        mel.set_tensor(mel.get_input_details()[0]["index"], x)
        mel.invoke()
        y = mel.get_tensor(mel.get_output_details()[0]["index"])
        records += [x, y.astype(np.float32)]
        mel_out = y
    write_records(FIXTURES / "openwakeword-melspectrogram.bin", records)

    # embedding model: openWakeWord scales mel as x / 10 + 2 and takes 76-frame windows.
    spec = np.squeeze(mel_out) / 10.0 + 2.0
    emb = reference_interpreter(MODELS / "openwakeword/embedding_model.tflite")
    records = []
    for start in range(0, spec.shape[0] - 76 + 1, 8)[:4]:
        x = spec[start:start + 76].astype(np.float32).reshape(1, 76, 32, 1)
        emb.set_tensor(emb.get_input_details()[0]["index"], x)
        emb.invoke()
        records += [x, emb.get_tensor(emb.get_output_details()[0]["index"]).astype(np.float32)]
    write_records(FIXTURES / "openwakeword-embedding_model.bin", records)

    # keyword classifiers: 16 consecutive embeddings of longer real audio.
    long_audio = np.concatenate([np.frombuffer(read_wav(Path(p)), dtype=np.int16) for p in
                                 sorted(glob.glob(str(DATA / "mycroft-precise/not-wake-words/en/*.wav")))[:6]])
    n = (long_audio.shape[0] // 1280) * 1280
    mel.resize_tensor_input(0, [1, n])
    mel.allocate_tensors()
    mel.set_tensor(mel.get_input_details()[0]["index"], long_audio[:n].astype(np.float32).reshape(1, n))
    mel.invoke()
    spec = np.squeeze(mel.get_tensor(mel.get_output_details()[0]["index"])) / 10.0 + 2.0
    embeddings = []
    for start in range(0, spec.shape[0] - 76 + 1, 8):
        emb.set_tensor(emb.get_input_details()[0]["index"], spec[start:start + 76].astype(np.float32).reshape(1, 76, 32, 1))
        emb.invoke()
        embeddings.append(emb.get_tensor(emb.get_output_details()[0]["index"]).reshape(96))
    embeddings = np.stack(embeddings)
    windows = [embeddings[i:i + 16] for i in range(0, embeddings.shape[0] - 16 + 1, 4)][:6]
    # Extra windows with scaled features, so that classifiers with a data-dependent IF take both branches.
    windows += [w * 0.0 for w in windows[:1]] + [w * 3.0 for w in windows[:1]]
    for name in CLASSIFIERS:
        cls = reference_interpreter(MODELS / f"openwakeword/{name}.tflite")
        records = []
        for w in windows:
            x = w.astype(np.float32).reshape(1, 16, 96)
            cls.set_tensor(cls.get_input_details()[0]["index"], x)
            cls.invoke()
            records += [x, cls.get_tensor(cls.get_output_details()[0]["index"]).astype(np.float32)]
        write_records(FIXTURES / f"openwakeword-{name}.bin", records)


def main() -> None:
    if not (MODELS / "microwakeword" / "alexa.tflite").exists():
        sys.exit("reference models missing: run scripts/fetch-reference-models.sh")
    FIXTURES.mkdir(parents=True, exist_ok=True)
    what = sys.argv[1:] or ["stream", "e2e", "float", "optimized"]
    if "stream" in what:
        streaming_fixtures()
    if "e2e" in what:
        end_to_end_fixture()
    if "float" in what:
        float_fixtures()
    if "optimized" in what:
        optimized_fixtures()


if __name__ == "__main__":
    main()
