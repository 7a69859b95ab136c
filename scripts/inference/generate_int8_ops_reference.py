#!/usr/bin/env python3
"""Expected outputs of int8 operators from TFLite's reference kernels.

Runs ai-edge-litert (OpResolverType.BUILTIN_REF) on the one-operator models that
Tests/EarshotInferenceTests/Int8OperatorReferenceTests.swift builds, and writes
Tests/EarshotInferenceTests/Fixtures/int8-ops.bin: for each model in name order, its int8
input then its int8 output (ERF1 tensor records, Fixtures/README.md).

    EARSHOT_DUMP_INT8_MODELS=/tmp/int8-models swift test --filter Int8OperatorReferenceTests/matchesReferenceKernels
    .venv-int8/bin/python scripts/inference/generate_int8_ops_reference.py /tmp/int8-models
"""
import struct
import sys
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/EarshotInferenceTests/Fixtures/int8-ops.bin"
INT8 = 9


def inputs_for(shape, rng):
    """Random rows plus rows that reach the edges: all equal, one peak over -128, full span."""
    data = rng.integers(-128, 128, size=shape, dtype=np.int64).astype(np.int8)
    rows = data.reshape(-1, shape[-1])
    depth = shape[-1]
    specials = [
        np.full(depth, -128),
        np.full(depth, 127),
        np.where(np.arange(depth) == depth // 2, 127, -128),
        np.linspace(-128, 127, depth).round(),
        np.where(np.arange(depth) % 2 == 0, 5, 4),
    ]
    for i, row in enumerate(specials[: max(len(rows) - 1, 0)]):
        rows[i + 1] = row.astype(np.int8)
    return rows.reshape(shape)


def record(array):
    header = struct.pack("<BBH", INT8, array.ndim, 0) + struct.pack(f"<{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.int8).tobytes()


def main():
    folder = Path(sys.argv[1])
    rng = np.random.default_rng(20261121)
    records = []
    for path in sorted(folder.glob("*.tflite")):
        it = Interpreter(model_path=str(path), experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        detail = it.get_input_details()[0]
        x = inputs_for(tuple(detail["shape"]), rng)
        it.set_tensor(detail["index"], x)
        it.invoke()
        y = it.get_tensor(it.get_output_details()[0]["index"])
        records += [record(x), record(y)]
        print(path.name, detail["shape"].tolist(), "output range", int(y.min()), int(y.max()))
    OUT.write_bytes(b"ERF1" + struct.pack("<I", len(records)) + b"".join(records))
    print("wrote", OUT, len(records), "records")


if __name__ == "__main__":
    main()
