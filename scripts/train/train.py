"""Stage 4: train the windowed model on frontend features, quantize to int8, export .tflite.

Input: WORK/features.npz + features.jsonl. Output: WORK/model/model.tflite, keras weights,
and WORK/model/train.json (training summary: windows, epochs, window-level validation).

Windows are WINDOW frames (1 s) ending at the current frame, as the edge pipeline feeds the
model (windowed contract: invoked every HOP frames once WINDOW frames have arrived).
Wake word labels: a window holding the whole keyword is positive; one holding less than half
of it is negative; the rest is left out. Classifier: a window holding the whole word is that
word (or "unknown"), a window with none of it is "silence", the rest left out.
"""
import argparse
import json
import os
import random
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

sys.path.insert(0, os.path.dirname(__file__))
import augment as A  # noqa: E402
import models as M  # noqa: E402

WINDOW = 100
HOP = 20


def windows(clips, offsets, kind, labels, head_cut=0.2):
    """Returns per split: (start indices into frames, labels) arrays."""
    out = {"train": ([], []), "val": ([], [])}
    lab_index = {l: i for i, l in enumerate(labels)}
    for i, c in enumerate(clips):
        o, n = int(offsets[i]), int(offsets[i + 1] - offsets[i])
        if n < WINDOW:
            continue
        starts, ys = out[c["split"]]
        ends = np.arange(WINDOW, n + 1, 2)
        if "word_start" in c:
            ws, we = c["word_start"], max(c["word_end"], c["word_start"] + 1)
            lo, hi = ends - WINDOW, ends
            length = we - ws
            cover = (np.minimum(hi, we) - np.maximum(lo, ws)).clip(0) / length
            # whole word, or all but its first fifth: the end of the word is what tells it apart
            full = (lo <= ws + head_cut * length) & (hi >= we - 1)
            if kind == "wakeword":
                early_or_late = (hi <= ws + 0.6 * length) | (lo >= ws + 0.5 * length)
                y = np.where(full, 1, np.where(early_or_late, 0, -1))
            else:
                word = lab_index[c["label"]]
                y = np.where(full, word, np.where(cover <= 0.0, lab_index["silence"], -1))
        else:
            if kind == "wakeword":
                y = np.zeros(len(ends), dtype=np.int64)
            else:
                y = np.full(len(ends), lab_index["silence"])
        keep = y >= 0
        starts.append(o + ends[keep] - WINDOW)
        ys.append(y[keep])
    return {k: (np.concatenate(s), np.concatenate(y)) for k, (s, y) in out.items()}


class ToChannels(tf.keras.layers.Layer):
    def call(self, x):
        return tf.reshape(x, [-1, WINDOW, 1, 40])

    def compute_output_shape(self, shape):
        return (shape[0], WINDOW, 1, 40)


class Flat(tf.keras.layers.Layer):
    def call(self, x):
        return tf.reshape(x, [-1, x.shape[-1]])

    def compute_output_shape(self, shape):
        return (shape[0], shape[-1])


def build_model(kind, n_out, batch=None, width=(12, 24, 32, 48), head=0):
    """A strided first convolution over time (4 frames, stride 4: every input value is read
    once), then three depthwise-separable blocks, max over time, an optional hidden dense layer
    of `head` units, one dense output layer."""
    L = tf.keras.layers
    inp = L.Input((WINDOW, 40), batch_size=batch, name="features")
    # [1, T, 40] -> [1, T, 1, 40]: the 40 channels as depth, which our interpreter's kernels run
    # fastest (a constant-shape RESHAPE; Keras' Reshape layer would add SHAPE and PACK ops)
    x = ToChannels()(inp)
    x = L.Conv2D(width[0], (4, 1), strides=(4, 1), use_bias=False)(x)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    for w, s, k in ((width[1], 1, 5), (width[2], 2, 5), (width[3], 2, 5)):
        x = L.DepthwiseConv2D((k, 1), strides=(s, 1), padding="same", use_bias=False)(x)
        x = L.BatchNormalization()(x)
        x = L.ReLU()(x)
        x = L.Conv2D(w, 1, use_bias=False)(x)
        x = L.BatchNormalization()(x)
        x = L.ReLU()(x)
    x = L.MaxPooling2D((x.shape[1], 1))(x)
    x = Flat()(x)
    if head:
        x = L.Dense(head, activation="relu")(x)
    if kind == "wakeword":
        out = L.Dense(1, activation="sigmoid")(x)
    else:
        # one-vs-rest sigmoid scores: our interpreter runs LOGISTIC in int8, SOFTMAX only in float
        out = L.Dense(n_out, activation="sigmoid")(x)
    return tf.keras.Model(inp, out)


def speaker_augment(x, rng, warp=0.1, masks=2, time_width=8, channel_width=4):
    """Variation between speakers and rooms on a batch of feature windows [n, frames, 40]:
    each window's 40 channels are resampled by a factor in 1 +- warp (a change of vocal-tract
    length moves formants along the mel-like channel axis, as VTLN models it), then up to
    `masks` stretches of frames and of channels are set to the window's quietest level
    (SpecAugment's masking: no single stretch may decide)."""
    n, t, c = x.shape
    x = A.channel_warp(x, rng, warp)
    floor = x.min(axis=(1, 2))
    for k in range(n):
        for _ in range(rng.integers(0, masks + 1)):
            w = rng.integers(1, time_width + 1)
            s = rng.integers(0, t - w + 1)
            x[k, s:s + w, :] = floor[k]
        for _ in range(rng.integers(0, masks + 1)):
            w = rng.integers(1, channel_width + 1)
            s = rng.integers(0, c - w + 1)
            x[k, :, s:s + w] = floor[k]
    return x


class Batches(tf.keras.utils.PyDataset):
    def __init__(self, frames, starts, ys, weights, batch, steps, seed, n_out=1, augment=False):
        super().__init__()
        self.n_out = n_out
        self.augment = augment
        self.frames, self.starts, self.ys, self.w = frames, starts, ys, weights / weights.sum()
        self.batch, self.steps, self.rng = batch, steps, np.random.default_rng(seed)
        self.ar = np.arange(WINDOW)

    def __len__(self):
        return self.steps

    def __getitem__(self, i):
        idx = self.rng.choice(len(self.starts), self.batch, p=self.w)
        x = self.frames[self.starts[idx][:, None] + self.ar].astype(np.float32)
        # small random gain in the log domain (features are ~log energy * const)
        x = x + self.rng.normal(0, 0.3, (self.batch, 1, 1)).astype(np.float32)
        if self.augment:
            x = speaker_augment(x, self.rng).astype(np.float32)
        y = self.ys[idx]
        if self.n_out > 1:
            y = np.eye(self.n_out, dtype=np.float32)[y]
        return x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--epochs", type=int, default=None, help="default: the model's entry in models.py")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    tf.keras.utils.set_random_seed(args.seed)
    cfg = M.MODELS[args.model]
    args.epochs = args.epochs or int(os.environ.get("EARSHOT_EPOCHS", cfg["epochs"]))
    kind = cfg["kind"]
    labels = cfg.get("labels", [])
    work = M.work_dir(args.model)
    out_dir = os.path.join(work, "model")
    os.makedirs(out_dir, exist_ok=True)
    z = np.load(os.path.join(work, "features.npz"))
    frames, offsets = z["frames"], z["offsets"]
    clips = [json.loads(l) for l in open(os.path.join(work, "features.jsonl"))]
    head_cut = float(os.environ.get("EARSHOT_HEAD_CUT", cfg.get("head_cut", 0.2)))
    W = windows(clips, offsets, kind, labels, head_cut)
    (s_tr, y_tr), (s_va, y_va) = W["train"], W["val"]
    print(f"windows: train {len(s_tr)} val {len(s_va)}; classes train {np.bincount(y_tr).tolist()}")

    # balance: classes equally likely per batch, hard negatives (confusables, real speech) boosted
    role = np.empty(len(frames), dtype=np.int8)
    for i, c in enumerate(clips):
        role[offsets[i]:offsets[i + 1]] = {"confusable": 2, "real-negative": 2, "sentence": 1}.get(c["role"], 0)
    counts = np.bincount(y_tr, minlength=max(len(labels), 2)).astype(np.float64)
    w = 1.0 / counts[y_tr]
    if kind == "wakeword":
        w = np.where(y_tr == 0, w * (1 + role[s_tr]), w)
        pos_w = float(os.environ.get("EARSHOT_POS_WEIGHT", cfg.get("pos_weight", 0.6)))
        real_boost = float(os.environ.get("EARSHOT_REAL_POS_BOOST", cfg.get("real_pos_boost", 1.0)))
        real_pos = np.zeros(len(frames), dtype=bool)
        for i, c in enumerate(clips):
            if c["role"] == "real-positive":
                real_pos[offsets[i]:offsets[i + 1]] = True
        w = np.where(y_tr == 1, w * pos_w * np.where(real_pos[s_tr], real_boost, 1.0), w)
    n_out = len(labels) if kind == "classifier" else 1
    width = tuple(int(v) for v in os.environ["EARSHOT_WIDTH"].split(",")) if os.environ.get("EARSHOT_WIDTH") \
        else tuple(cfg["width"])
    head = int(os.environ.get("EARSHOT_HEAD", cfg.get("head", 0)))
    model = build_model(kind, n_out, width=width, head=head)
    loss = "binary_crossentropy"
    sched = tf.keras.optimizers.schedules.CosineDecay(3e-3, args.epochs * args.steps, alpha=0.02)
    metric = "binary_accuracy" if kind == "wakeword" else "categorical_accuracy"
    model.compile(tf.keras.optimizers.Adam(sched), loss=loss, metrics=[metric])
    augment = os.environ.get("EARSHOT_SPEAKER_AUGMENT", str(int(cfg.get("speaker_augment", False)))) == "1"
    data = Batches(frames, s_tr, y_tr, w, 128, args.steps, args.seed, n_out, augment)
    rng = np.random.default_rng(0)
    vi = rng.choice(len(s_va), min(len(s_va), 20000), replace=False)
    xv = frames[s_va[vi][:, None] + np.arange(WINDOW)].astype(np.float32)
    yv = y_va[vi]
    t0 = time.time()
    yv_fit = yv if n_out == 1 else np.eye(n_out, dtype=np.float32)[yv]
    model.fit(data, epochs=args.epochs, validation_data=(xv, yv_fit), verbose=2)
    model.save_weights(os.path.join(out_dir, "float.weights.h5"))

    # export: batch 1, int8 in, int8 out
    export = build_model(kind, n_out, batch=1, width=width, head=head)
    export.set_weights(model.get_weights())
    rep_idx = np.random.default_rng(1).choice(len(s_tr), 600, replace=False, p=w / w.sum())

    def rep():
        for i in rep_idx:
            yield [frames[s_tr[i]:s_tr[i] + WINDOW][None].astype(np.float32)]

    # (through a SavedModel: Keras 3's direct conversion trips over batch normalization)
    saved = os.path.join(out_dir, "saved_model")
    export.export(saved)
    conv = tf.lite.TFLiteConverter.from_saved_model(saved)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    tfl = conv.convert()
    with open(os.path.join(out_dir, "model.tflite"), "wb") as f:
        f.write(tfl)

    # window-level validation of the int8 model with LiteRT
    from ai_edge_litert.interpreter import Interpreter
    it = Interpreter(model_content=tfl)
    it.allocate_tensors()
    inp, outp = it.get_input_details()[0], it.get_output_details()[0]
    s_in, z_in = inp["quantization"]
    s_out, z_out = outp["quantization"]
    n = min(len(xv), 4000)
    probs = []
    for k in range(n):
        q = np.clip(np.round(xv[k] / s_in + z_in), -128, 127).astype(np.int8)[None]
        it.set_tensor(inp["index"], q)
        it.invoke()
        probs.append((it.get_tensor(outp["index"]).astype(np.float32) - z_out) * s_out)
    probs = np.concatenate(probs)
    fprobs = model.predict(xv[:n], verbose=0, batch_size=256)
    if kind == "wakeword":
        acc = float(((probs[:, 0] > 0.5) == (yv[:n] == 1)).mean())
        facc = float(((fprobs[:, 0] > 0.5) == (yv[:n] == 1)).mean())
    else:
        acc = float((probs.argmax(1) == yv[:n]).mean())
        facc = float((fprobs.argmax(1) == yv[:n]).mean())
    summary = {"train_windows": int(len(s_tr)), "val_windows": int(len(s_va)), "epochs": args.epochs,
               "steps_per_epoch": args.steps, "batch": 128, "seconds": round(time.time() - t0),
               "val_window_accuracy_float": round(facc, 4), "val_window_accuracy_int8": round(acc, 4),
               "input_quantization": [float(s_in), int(z_in)], "output_quantization": [float(s_out), int(z_out)],
               "width": list(width), "head": head, "head_cut": head_cut, "speaker_augment": augment, "seed": args.seed}
    json.dump(summary, open(os.path.join(out_dir, "train.json"), "w"), indent=1)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
