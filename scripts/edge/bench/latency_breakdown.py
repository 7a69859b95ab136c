"""Splits the trigger latency of a microWakeWord model into the model's reaction and the window.

usage: latency_breakdown.py --wav HOUR.wav --truth TRUTH.json --manifest alexa.json

For each inserted phrase, runs pymicro-wakeword 2.5.0 (the reference runtime; untimed) over the
audio from 10 s before the phrase's speech to 1.5 s after its end and reports, relative to the end
of the speech:
* `raw_ms`: when one invocation's probability first exceeds the manifest's cutoff (the model's
  own reaction; read from the detector's list of recent probabilities, a private attribute);
* `mean_ms`: when the mean of the last `sliding_window_size` probabilities first exceeds it
  (microWakeWord's detection rule, which earshot's WakeWordDetector follows exactly).
Prints one JSON line with both lists and their medians.
"""

import argparse
import json
import statistics
import wave
from pathlib import Path

from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wav", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, required=True)
    args = parser.parse_args()

    truth = json.loads(args.truth.read_text())
    raw_latencies, mean_latencies = [], []
    with wave.open(str(args.wav)) as recording:
        for phrase in truth["phrases"]:
            first = max(0, int((phrase["speech_start_s"] - 10.0) * 16_000))
            last = int((phrase["speech_end_s"] + 1.5) * 16_000)
            recording.setpos(first)
            pcm = recording.readframes(last - first)
            detector = MicroWakeWord.from_config(args.manifest)
            cutoff = detector.probability_cutoff
            features = MicroWakeWordFeatures()
            raw_at = mean_at = None
            frame = 0
            for offset in range(0, len(pcm) - 319, 320):
                for feature in features.process_streaming(pcm[offset : offset + 320]):
                    mean = detector.process_streaming_prob(feature)
                    at = first / 16_000 + (frame * 160 + 480) / 16_000
                    frame += 1
                    if at < phrase["speech_start_s"] or len(detector._features) != 0:
                        continue  # before the phrase, or no invocation on this frame
                    if raw_at is None and detector._probabilities and detector._probabilities[-1] > cutoff:
                        raw_at = at
                    if mean_at is None and mean is not None and mean > cutoff:
                        mean_at = at
            if raw_at is not None:
                raw_latencies.append(round((raw_at - phrase["speech_end_s"]) * 1000))
            if mean_at is not None:
                mean_latencies.append(round((mean_at - phrase["speech_end_s"]) * 1000))
    print(
        json.dumps(
            {
                "raw_ms": raw_latencies,
                "mean_ms": mean_latencies,
                "raw_median_ms": statistics.median(raw_latencies) if raw_latencies else None,
                "mean_median_ms": statistics.median(mean_latencies) if mean_latencies else None,
            }
        )
    )


if __name__ == "__main__":
    main()
