"""Benchmark-only shim: openWakeWord imports `tflite_runtime`, whose Linux wheels need NumPy < 2.

It resolves to Google's `ai-edge-litert` (the renamed TensorFlow Lite runtime). Installed into
.venv-edge-bench only (by scripts/edge/bench/setup_venv.sh); nothing in the project imports it.
"""
