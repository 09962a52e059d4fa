"""calculate_gain: the factor that keeps a signal's scale through a nonlinearity.

PyTorch's table (``torch.nn.init.calculate_gain``), reproduced exactly. The gain g is the
number that, multiplied into a weight std of 1/sqrt(fan), keeps the forward variance of
the pre-activations steady through the layer's activation:

    =====================================  =========================
    nonlinearity                           gain
    =====================================  =========================
    linear, conv1d/2d/3d,                  1
    conv_transpose1d/2d/3d, sigmoid
    tanh                                   5/3
    relu                                   sqrt(2)          (He et al. 2015)
    leaky_relu (slope a, default 0.01)     sqrt(2 / (1 + a^2))
    selu                                   3/4
    =====================================  =========================

relu's sqrt(2): half of a symmetric pre-activation is zeroed, halving E[a^2], so the
weights need twice the variance (He et al., 2015, "Delving Deep into Rectifiers").
selu's 3/4 is PyTorch's choice to make the SELU self-normalising regime work with
kaiming_normal in fan_in mode (it is not derived from a variance argument).
"""
import math
import numbers

__all__ = ["calculate_gain", "GAIN_NAMES"]

_ONE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
        "conv_transpose3d", "sigmoid")
GAIN_NAMES = _ONE + ("tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity, param=None):
    """PyTorch's recommended gain for ``nonlinearity``; ``param`` is leaky_relu's slope.

    >>> calculate_gain("relu") == math.sqrt(2)
    True
    >>> round(calculate_gain("leaky_relu", 0.2), 6)
    1.38675
    """
    if nonlinearity in _ONE:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: leaky_relu's negative slope must be a number; "
                             f"got {param!r}. Pass e.g. calculate_gain('leaky_relu', 0.2).")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; "
                     f"expected one of {', '.join(GAIN_NAMES)}.")
