"""Planted bugs for lesson 14: each must fail the grader."""
import math

_RIGHT = {"A": "symmetry", "B": "fan", "C": "gain", "D": "scale",
          "E": "sign", "F": "arguments", "G": "distribution", "H": "shape"}


def classify_local_minima():        # believes snippet A's comment
    return {**_RIGHT, "A": "scale"}


def classify_lecun_as_gain():       # LeCun vs Glorot read as a matter of the activation's factor
    return {**_RIGHT, "B": "gain"}


def classify_uniform_as_scale():    # the uniform's std read as a wrong sigma
    return {**_RIGHT, "G": "scale"}


def classify_missing_snippet():     # forgets one
    right = dict(_RIGHT)
    del right["H"]
    return right


def ratio_per_layer_not_compounded(snippet, depth, width):   # one layer's factor, not depth - 1 of them
    var = {"C": 1.0 / width, "D": 1e-6, "G": 2.0 / width / 3.0}[snippet]
    return math.sqrt(width * var / 2.0)


def ratio_forgets_relu_half(snippet, depth, width):          # linear layers' rule: no 1/2
    var = {"C": 1.0 / width, "D": 1e-6, "G": 2.0 / width / 3.0}[snippet]
    return math.sqrt(width * var) ** (depth - 1)


def ratio_uniform_std_is_limit(snippet, depth, width):       # G taken at its nominal std
    var = {"C": 1.0 / width, "D": 1e-6, "G": 2.0 / width}[snippet]
    return math.sqrt(width * var / 2.0) ** (depth - 1)


def ratio_counts_depth_layers(snippet, depth, width):        # depth factors instead of depth - 1
    var = {"C": 1.0 / width, "D": 1e-6, "G": 2.0 / width / 3.0}[snippet]
    return math.sqrt(width * var / 2.0) ** depth


def ratio_variance_not_std(snippet, depth, width):           # the variance ratio
    var = {"C": 1.0 / width, "D": 1e-6, "G": 2.0 / width / 3.0}[snippet]
    return (width * var / 2.0) ** (depth - 1)


BUGS = {
    "classify_bugs": [classify_local_minima, classify_lecun_as_gain, classify_uniform_as_scale,
                      classify_missing_snippet],
    "predicted_ratio": [ratio_per_layer_not_compounded, ratio_forgets_relu_half, ratio_uniform_std_is_limit,
                        ratio_counts_depth_layers, ratio_variance_not_std],
}
