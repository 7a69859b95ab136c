#!/usr/bin/env python3
"""Writes cloud-models/<name>/<version>/card.json for a microWakeWord streaming model.

Expected scores: pass --scores with the JSON that scripts/cloud/reference-scores.sh prints
(pymicro-wakeword with LiteRT, the reference implementation, {file: score}); without it only
the expected verified flags are written. Used once per version; the card is then committed.
"""
import argparse, json, hashlib, pathlib

p = argparse.ArgumentParser()
p.add_argument("name"); p.add_argument("version"); p.add_argument("--wake-word", required=True)
p.add_argument("--cutoff", type=float, required=True); p.add_argument("--window", type=int, default=5)
p.add_argument("--scores", help="JSON of `earshot-cloud models --json` to take expected scores from")
a = p.parse_args()
repo = pathlib.Path(__file__).resolve().parents[2]
folder = repo / "cloud-models" / a.name / a.version
model = folder / "model.tflite"
stem = a.name
cases = [(f"test-set/{stem}-en-us.wav", True), (f"test-set/{stem}-en-gb.wav", True),
         (f"test-set/{stem}-en-us-slow.wav", True), (f"test-set/{stem}-en-gb-rp.wav", True),
         (f"test-set/{stem}-sentence.wav", False),
         ("data:mycroft-precise/computer/en/computer-en-099d6097-ce0f-403a-b30d-0ced99f1e44e.wav", False),
         ("data:mycroft-precise/not-wake-words/en/notwakeword-en-04b426bb-5a19-4708-acbe-35445bd213d4.wav", False),
         ("data:noise/precise_bg_noise/bg_noise.wav", False)]
scores = {}
if a.scores:
    scores = {f: {"score": s, "verified": s > a.cutoff} for f, s in json.load(open(a.scores)).items()}
test_set = []
for f, verified in cases:
    entry = {"file": f, "expected_verified": verified}
    if f in scores:
        entry["expected_verified"] = scores[f]["verified"]
        entry["expected_score"] = round(scores[f]["score"], 5)
        entry["score_tolerance"] = 0.02
    test_set.append(entry)
card = {
    "name": a.name, "version": a.version, "kind": "microwakeword-streaming", "role": "verifier",
    "wake_word": a.wake_word, "model_file": "model.tflite",
    "model_sha256": hashlib.sha256(model.read_bytes()).hexdigest(),
    "source": f"pymicro-wakeword==2.5.0 wheel, pymicro_wakeword/models/{a.name}.tflite (Apache-2.0); placed by scripts/cloud/fetch-models.sh",
    "inputs": [{"name": "audio", "datatype": "INT16", "shape": [-1], "description": "16 kHz mono 16-bit samples of one segment"}],
    "outputs": [{"name": "score", "datatype": "FP32", "shape": [1], "description": "highest sliding-window mean probability"},
                {"name": "verified", "datatype": "BOOL", "shape": [1], "description": "score > probability_cutoff"}],
    "thresholds": {"probability_cutoff": a.cutoff, "sliding_window_size": a.window, "stride": 3},
    "test_set": test_set,
    "acceptance": {"metric": "accuracy", "min": 0.875, "max": 1.0},
}
if a.scores:
    card["expected_scores_from"] = f"scripts/cloud/reference-scores.sh cloud-models/{a.name}/{a.version} (pymicro-wakeword 2.5.0 with LiteRT, the reference implementation)"
(folder / "card.json").write_text(json.dumps(card, indent=2) + "\n")
print(folder / "card.json")
