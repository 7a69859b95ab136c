"""Operators, MACs per invocation, tensor memory and size of a .tflite model (LiteRT).

    python inspect_model.py MODEL.tflite [--per-second N]   (N invocations per second of audio)

MACs are counted for CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and BATCH_MATMUL from the
tensor shapes. 'activation_bytes' is the sum of all non-constant tensors (an upper bound on
the arena a planner that reuses nothing would need); 'peak_pair_bytes' the largest
input+output set of a single operator (a lower bound).
"""
import argparse
import json
import os

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

ALLOWED = set("""CONV_2D DEPTHWISE_CONV_2D FULLY_CONNECTED AVERAGE_POOL_2D MAX_POOL_2D RESHAPE SQUEEZE EXPAND_DIMS
TRANSPOSE CONCATENATION STRIDED_SLICE SPLIT_V PAD ADD SUB MUL MEAN MAXIMUM MINIMUM LEAKY_RELU RSQRT LOG REDUCE_MAX
BATCH_MATMUL LOGISTIC SOFTMAX QUANTIZE DEQUANTIZE GREATER_EQUAL IF VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE
CALL_ONCE""".split())


def inspect(path):
    it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    it.allocate_tensors()
    tensors = {t["index"]: t for t in it.get_tensor_details()}
    ops = it._get_ops_details()
    macs = 0
    names = []
    const = set()
    for op in ops:
        names.append(op["op_name"])
    for op in ops:
        name = op["op_name"]
        ins = [i for i in op["inputs"] if i >= 0]
        outs = op["outputs"]
        if name in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "BATCH_MATMUL"):
            w = tensors[ins[1]]["shape"]
            o = tensors[outs[0]]["shape"]
            if name == "CONV_2D":  # w: [out, kh, kw, in]
                macs += int(np.prod(o[:-1])) * int(np.prod(w))
            elif name == "DEPTHWISE_CONV_2D":  # w: [1, kh, kw, out]
                macs += int(np.prod(o)) * int(w[1] * w[2])
            elif name == "FULLY_CONNECTED":  # w: [out, in]
                macs += int(np.prod(o[:-1])) * int(np.prod(w))
            else:
                macs += int(np.prod(o)) * int(tensors[ins[0]]["shape"][-1])
    # constant tensors: weights/biases have data buffers; find via inputs that are not produced by an op
    produced = {int(o) for op in ops for o in op["outputs"]}
    graph_inputs = {d["index"] for d in it.get_input_details()}
    act = set(produced) | graph_inputs
    nbytes = lambda i: int(np.prod(tensors[i]["shape"])) * np.dtype(tensors[i]["dtype"]).itemsize
    peak = max(sum(nbytes(i) for i in set(list(op["inputs"]) + list(op["outputs"])) if i in act) for op in ops)
    return {
        "operators": sorted(set(names)),
        "not_allowed": sorted(set(names) - ALLOWED),
        "macs_per_invocation": macs,
        "activation_bytes": sum(nbytes(i) for i in act),
        "peak_pair_bytes": peak,
        "size_bytes": os.path.getsize(path),
        "input": [(d["shape"].tolist(), str(np.dtype(d["dtype"])), d["quantization"]) for d in it.get_input_details()],
        "output": [(d["shape"].tolist(), str(np.dtype(d["dtype"])), d["quantization"]) for d in it.get_output_details()],
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--per-second", type=float, default=None)
    a = ap.parse_args()
    r = inspect(a.model)
    if a.per_second:
        r["invocations_per_second"] = a.per_second
        r["macs_per_second"] = int(r["macs_per_invocation"] * a.per_second)
    print(json.dumps(r, indent=1))
