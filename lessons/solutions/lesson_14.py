"""Reference solutions for lesson 14 (myths from the web)."""
import math


def classify_bugs():
    """Each snippet of exercises.py and the kind of mistake it makes."""
    return {"A": "symmetry", "B": "fan", "C": "gain", "D": "scale",
            "E": "sign", "F": "arguments", "G": "distribution", "H": "shape"}


def predicted_ratio(snippet, depth, width):
    """std(layer ``depth``) / std(layer 1) in a stack of ReLU layers of ``width`` units
    initialized as snippet C, D or G draws (zero-mean weights, zero biases).

    Each ReLU layer multiplies the variance by width·Var(W)/2 (lesson 8), so the std by
    sqrt(width·Var(W)/2), and there are depth - 1 such steps from layer 1 to layer depth."""
    variances = {"C": 1.0 / width,                 # Glorot with fan_in = fan_out: 2 / (n + n)
                 "D": 0.001 ** 2,                  # a fixed sigma = 0.001
                 "G": (2.0 / width) / 3.0}         # uniform on [-s, s] with s = sqrt(2/n): s²/3
    if snippet not in variances:
        raise ValueError(f"snippet must be 'C', 'D' or 'G', got {snippet!r}")
    return math.sqrt(width * variances[snippet] / 2.0) ** (depth - 1)
