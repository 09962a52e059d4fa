"""The activation table: every activation's math and properties, in one place.

Each row of ``ACTIVATIONS`` is an :class:`Activation` that says, for one nonlinearity f:

- ``forward(z, p)`` and ``derivative(z, a, p)``: numpy, elementwise; the derivative is
  given both z and a = f(z) and uses whichever is cheaper (tanh' = 1 - a², relu' = [z > 0]);
- ``scalar_forward(v, p)`` and ``scalar_derivative_from_output(y, p)``: the same math on one
  float, written with ``math`` only, so a numba kernel can compile them (minitorch's
  ``fast_ops`` style: one generic loop, any scalar function). The output form is what a
  fused backward needs when it keeps only a = f(z); it is valid for ``p >= 0``;
- ``gain(p)``: PyTorch's ``calculate_gain`` for it (None where PyTorch has none);
- ``saturation(a)``: the fraction of outputs on the flat tails, or None if f never saturates;
- ``can_die``: whether units can be dead (output constant 0, no gradient) on a whole batch;
- ``recommended`` and ``reason``: the initializer to use with it, and why.

``p`` is the activation's one parameter (leaky_relu's negative slope, 0.01 by default as
in PyTorch; unused by the others). The Dense layer, the fused kernels, the diagnostics and
the lab all read this table, so they cannot disagree about an activation.

The engine's op is one :class:`Activate` Function for every row: its backward is
``g · f'(z)``, so "where is relu's backward?" has one answer, the ``relu`` row.

>>> sorted(ACTIVATIONS)
['leaky_relu', 'linear', 'relu', 'sigmoid', 'softsign', 'tanh']
>>> spec = ACTIVATIONS["tanh"]
>>> float(spec.forward(np.array(0.5), 0.0)), spec.scalar_forward(0.5, 0.0) == math.tanh(0.5)
(0.46211715726000974, True)
>>> round(spec.gain(0.0), 4), spec.recommended
(1.6667, 'glorot_uniform')
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .autograd import Function

#: |a| above this counts as saturated for tanh and softsign; for sigmoid, a < 1 - SAT or a > SAT.
#: (tanh'(z) = 1 - tanh(z)² < 0.06 once |tanh z| > 0.97.)
SATURATION_LEVEL = 0.97


@dataclass(frozen=True)
class Activation:
    """One row of the activation table (see the module docstring)."""

    name: str
    code: int
    param: float
    forward: Callable
    derivative: Callable
    scalar_forward: Callable
    scalar_derivative_from_output: Callable
    gain: Callable
    saturation: Callable
    can_die: bool
    recommended: str
    reason: str
    title: str = ""         # how the graph names the op, e.g. "ReLU" in grad_fn=ReLU

    def derivative_from_output(self, a, p=None):
        """f'(z) from a = f(z) alone, numpy (valid for p >= 0; what a fused backward uses)."""
        return self.derivative(None, a, self.param if p is None else p)


ACTIVATIONS: dict = {}


def _register(spec):
    ACTIVATIONS[spec.name] = spec
    return spec


def _output_rule(scalar_derivative):
    """The numpy derivative for an f' written with arithmetic on a = f(z) only: the scalar
    formula itself, applied to the whole array (so the two forms cannot disagree)."""
    def derivative(z, a, p):
        return scalar_derivative(a, p)

    derivative.__name__ = scalar_derivative.__name__ + "_array"
    return derivative


def _never_saturates(a):
    return None


def _symmetric_tails(a):
    return float(np.mean(np.abs(np.asarray(a)) > SATURATION_LEVEL))


# ------------------------------------------------------------------------ linear: f(z) = z
def _linear(z, p):
    return z


def _linear_d(z, a, p):
    return np.ones_like(a)


def _linear_s(v, p):
    return v


def _linear_sd(y, p):
    return 1.0


_register(Activation(
    "linear", 0, 0.0, _linear, _linear_d, _linear_s, _linear_sd, lambda p: 1.0, _never_saturates, False,
    "glorot_uniform",
    "a linear layer preserves variance with Var(W) = 1/fan_in (LeCun) or 2/(fan_in+fan_out) "
    "(Glorot), which also balances the backward pass.", title='Linear'))


# -------------------------------------------- relu: f = max(z, 0), f' = [z > 0] (0 at z = 0)
def _relu(z, p):
    return np.maximum(z, 0)


def _relu_d(z, a, p):
    return (a > 0).astype(a.dtype)


def _relu_s(v, p):
    return v if not v <= 0.0 else 0.0      # +0.0 for negatives; nan passes through


def _relu_sd(y, p):
    return 1.0 if y > 0.0 else 0.0


_register(Activation(
    "relu", 1, 0.0, _relu, _relu_d, _relu_s, _relu_sd, lambda p: math.sqrt(2.0), _never_saturates, True,
    "he_normal",
    "ReLU zeroes half of its inputs, halving the variance at every layer, so the weights need "
    "Var(W) = 2/fan_in to keep it constant (He et al. 2015).", title='ReLU'))


# ---------------------------------- leaky_relu: f = z if z > 0 else p·z, f' = 1 or p (p = 0.01)
def _leaky(z, p):
    return np.where(z > 0, z, z * z.dtype.type(p))


def _leaky_d(z, a, p):
    positive = (a > 0) if z is None else (z > 0)
    return np.where(positive, 1.0, p).astype(a.dtype)


def _leaky_s(v, p):
    return v if v > 0.0 else v * p


def _leaky_sd(y, p):
    return 1.0 if y > 0.0 else p


_register(Activation(
    "leaky_relu", 2, 0.01, _leaky, _leaky_d, _leaky_s, _leaky_sd, lambda p: math.sqrt(2.0 / (1 + p * p)),
    _never_saturates, True,
    "he_normal",
    "a leaky ReLU still discards most of the negative half, so it needs He's "
    "Var(W) = 2/((1+a^2) fan_in), about 2/fan_in (He et al. 2015).", title='LeakyReLU'))


# ------------------------------------------------------------ tanh: f' = 1 - tanh(z)² = 1 - a²
def _tanh(z, p):
    return np.tanh(z)


def _tanh_s(v, p):
    return math.tanh(v)


def _tanh_sd(y, p):
    return 1.0 - y * y


_register(Activation(
    "tanh", 3, 0.0, _tanh, _output_rule(_tanh_sd), _tanh_s, _tanh_sd, lambda p: 5.0 / 3, _symmetric_tails, False,
    "glorot_uniform",
    "tanh is linear with slope 1 around 0, so Var(W) = 2/(fan_in+fan_out) keeps both "
    "activations and gradients at constant variance (Glorot & Bengio 2010).", title='Tanh'))


# ------------------------------- sigmoid: f = 1/(1 + e^-z) = (1 + tanh(z/2))/2, f' = a (1 - a)
def _sigmoid(z, p):
    return 0.5 * (1 + np.tanh(0.5 * z))      # never overflows for large |z|


def _sigmoid_s(v, p):
    return 0.5 * (1.0 + math.tanh(0.5 * v))


def _sigmoid_sd(y, p):
    return y * (1.0 - y)


def _sigmoid_tails(a):
    a = np.asarray(a)
    return float(np.mean((a < 1 - SATURATION_LEVEL) | (a > SATURATION_LEVEL)))


_register(Activation(
    "sigmoid", 4, 0.0, _sigmoid, _output_rule(_sigmoid_sd), _sigmoid_s, _sigmoid_sd, lambda p: 1.0, _sigmoid_tails, False,
    "glorot_uniform",
    "sigmoid is not centred and has slope 1/4 at 0; Glorot's Var(W) = 2/(fan_in+fan_out) is the "
    "standard choice, but tanh or ReLU hidden layers train more easily (Glorot & Bengio 2010).", title='Sigmoid'))


# ------------------ softsign: f = z/(1 + |z|), f' = 1/(1 + |z|)² = (1 - |a|)² (Glorot & Bengio 2010)
def _softsign(z, p):
    return z / (1 + np.abs(z))


def _softsign_s(v, p):
    return v / (1.0 + abs(v))


def _softsign_sd(y, p):
    s = 1.0 - abs(y)
    return s * s


_register(Activation(
    "softsign", 5, 0.0, _softsign, _output_rule(_softsign_sd), _softsign_s, _softsign_sd, lambda p: None,
    _symmetric_tails, False,
    "glorot_uniform",
    "softsign behaves like tanh around 0, so Glorot's Var(W) = 2/(fan_in+fan_out) balances "
    "forward and backward variance.", title='Softsign'))


def lookup(name):
    """The table row for ``name`` (case-insensitive; None means linear), or a ValueError."""
    key = "linear" if name is None else (name.lower() if isinstance(name, str) else name)
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)} or None")
    return ACTIVATIONS[key]


class Activate(Function):
    """out = f(a) for the table row ``name`` with parameter ``param``;  da = g · f'(a).

    f and f' are the row's ``forward`` and ``derivative`` (see ``ACTIVATIONS``).
    """

    @staticmethod
    def forward(ctx, a, name="relu", param=0.0):
        spec = ACTIVATIONS[name]
        out = spec.forward(a, param)
        ctx.save(a, out)
        ctx.spec, ctx.param, ctx.label = spec, param, spec.title
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved
        return (g * ctx.spec.derivative(a, out, ctx.param),)
