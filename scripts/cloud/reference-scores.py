#!/usr/bin/env python3
"""Scores a card's test set with the reference implementation, pymicro-wakeword 2.5.0
(LiteRT's libtensorflowlite_c and pymicro-features), the way WakeWordVerifier scores a segment:
a fresh model per recording, the highest sliding-window mean. Prints JSON {file: score}.

  scripts/cloud/reference-scores.sh cloud-models/alexa/1   (sets up .venv-reference)
"""
import json, pathlib, sys, wave
from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures

folder = pathlib.Path(sys.argv[1])
data = pathlib.Path(sys.argv[2])
reference_json = pathlib.Path(sys.argv[3])  # the model's microWakeWord manifest
card = json.loads((folder / "card.json").read_text())
scores = {}
for case in card["test_set"]:
    name = case["file"]
    path = data / name[5:] if name.startswith("data:") else folder / name
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2), path
        audio = w.readframes(w.getnframes())
    model = MicroWakeWord.from_config(reference_json)
    features = MicroWakeWordFeatures()
    best = 0.0
    for feature in features.process_streaming(audio):
        probability = model.process_streaming_prob(feature)
        if probability is not None:
            best = max(best, probability)
    scores[name] = best
print(json.dumps(scores, indent=1))
