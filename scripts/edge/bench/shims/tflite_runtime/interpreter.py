"""`tflite_runtime.interpreter` for openWakeWord, backed by `ai_edge_litert.interpreter`."""

from ai_edge_litert.interpreter import Interpreter, load_delegate  # noqa: F401

__all__ = ["Interpreter", "load_delegate"]
