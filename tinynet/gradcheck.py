"""Check an analytic gradient against central finite differences.

For every element xᵢ of every input, the numerical derivative is

    g̃ᵢ = (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h,

whose error is O(h²); in float64 with h = 1e-6 it agrees with a correct backward to about
1e-9 relative. A non-scalar ``f`` is reduced to the scalar Σ w ⊙ f(x) with fixed random
weights w, which checks the full vector–Jacobian product.

The report gives the largest absolute error, the relative difference
‖g − g̃‖ / (‖g‖ + ‖g̃‖) over all inputs, and where the worst element is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks

from .autograd import no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """The analytic gradient disagrees with the numerical one past the tolerance."""


@dataclass
class GradcheckReport:
    max_abs_error: float
    relative_difference: float
    worst_input: int
    worst_index: tuple
    analytic: list
    numerical: list
    passed: bool

    def __str__(self):
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"gradcheck {verdict}: max abs error {self.max_abs_error:.3e}, relative difference "
            f"{self.relative_difference:.3e}, worst element: input {self.worst_input} at "
            f"index {self.worst_index}"
        )


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_on_failure=True, seed=0):
    """Compare ``fn``'s backward with central differences on every input element.

    ``inputs`` is a sequence of Tensors or arrays; they are copied to float64 leaves, so
    the caller's tensors are left untouched. An element fails when
    |g − g̃| > atol + rtol·|g̃| (the rule of ``numpy.allclose``). Returns a
    :class:`GradcheckReport`; raises :class:`GradcheckError` on failure unless
    ``raise_on_failure=False``.
    """
    if isinstance(inputs, (Tensor, np.ndarray)):
        inputs = [inputs]
    leaves = [
        Tensor(np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64), requires_grad=True)
        for x in inputs
    ]
    out = fn(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    weights = np.random.default_rng(checks.seed(seed, "gradcheck")).standard_normal(out.shape)

    def scalar(o):
        return float(np.sum(o.data * weights))

    (out * Tensor(weights)).sum().backward()
    analytic = [np.zeros_like(t.data) if t.grad is None else t.grad for t in leaves]

    numerical = []
    with no_grad():
        for t in leaves:
            num = np.zeros_like(t.data)
            flat, nflat = t.data.reshape(-1), num.reshape(-1)
            for i in range(flat.size):
                saved = flat[i]
                flat[i] = saved + eps
                plus = scalar(fn(*leaves))
                flat[i] = saved - eps
                minus = scalar(fn(*leaves))
                flat[i] = saved
                nflat[i] = (plus - minus) / (2 * eps)
            numerical.append(num)

    report = _compare(analytic, numerical, atol, rtol)
    if raise_on_failure and not report.passed:
        raise GradcheckError(str(report))
    return report


def _compare(analytic, numerical, atol, rtol):
    max_err, worst_input, worst_index, failed = 0.0, 0, (), False
    diff_sq = norm_a = norm_n = 0.0
    for k, (a, n) in enumerate(zip(analytic, numerical)):
        err = np.abs(a - n)
        diff_sq += float(np.sum(err**2))
        norm_a += float(np.sum(a**2))
        norm_n += float(np.sum(n**2))
        if np.any(err > atol + rtol * np.abs(n)):
            failed = True
        if err.size and err.max() > max_err:
            max_err = float(err.max())
            worst_input, worst_index = k, tuple(int(i) for i in np.unravel_index(err.argmax(), err.shape))
    denom = np.sqrt(norm_a) + np.sqrt(norm_n)
    rel = float(np.sqrt(diff_sq) / denom) if denom > 0 else 0.0
    return GradcheckReport(max_err, rel, worst_input, worst_index, analytic, numerical, not failed)
