"""Grader for lesson 13. `tinynet check 13` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import math

import numpy as np
import pytest

from tinynet.lesson_tests import call_exercise, graded_module

LESSON = 13


def check_residual_variance(impl):
    for q0, c, blocks in [(1.0, 0.5, 10), (2.5, 2.0, 7), (0.3, 0.01, 100), (1.0, 0.0, 5)]:
        got = call_exercise(impl.residual_variance, q0, c, blocks)
        got = np.asarray(got, dtype=float)
        label = f"residual_variance({q0}, {c}, {blocks})"
        if got.shape != (blocks + 1,):
            raise AssertionError(f"{label} has shape {got.shape}: give q_0 and then one value after "
                                 f"each of the {blocks} blocks")
        want = q0 * (1 + c) ** np.arange(blocks + 1)
        if np.allclose(got, want, rtol=1e-10):
            continue
        if got[0] != q0:
            raise AssertionError(f"{label}: the first entry must be q_0 itself, the stream before any block")
        if np.allclose(got, q0 + q0 * c * np.arange(blocks + 1)):
            raise AssertionError(f"{label} grows linearly; each block adds c times the variance it "
                                 "receives, which already includes the earlier branches")
        if np.allclose(got, q0 * c ** np.arange(blocks + 1)):
            raise AssertionError(f"{label}: the identity path is missing (x_l itself passes through each block)")
        raise AssertionError(f"{label} is wrong")


def check_branch_ratio(impl):
    for width, v1, v2 in [(64, 1 / 64, 1 / 64), (128, 2 / 128, 2 / 128), (32, 0.01, 0.05), (10, 1.0, 0.0)]:
        got = call_exercise(impl.branch_ratio, width, v1, v2)
        want = width * v1 * 0.5 * width * v2
        label = f"branch_ratio({width}, {v1:g}, {v2:g}) = {got!r}"
        assert got is not None and np.isfinite(got), f"{label} is not a number"
        if math.isclose(got, want, rel_tol=1e-10, abs_tol=1e-15):
            continue
        if math.isclose(got, 2 * want, rel_tol=1e-10):
            raise AssertionError(f"{label} is twice too large: the ReLU passes only half of the "
                                 "second moment of a symmetric input")
        if math.isclose(got, 0.5 * width * v2, rel_tol=1e-10):
            raise AssertionError(f"{label}: the first Dense layer's factor width·Var(W1) is missing")
        raise AssertionError(f"{label} is wrong")


def check_depth_scaled_growth(impl):
    for c, blocks in [(0.5, 100), (2.0, 10), (1.0, 1), (0.5, 1000)]:
        got = call_exercise(impl.depth_scaled_growth, c, blocks)
        want = (1 + c / (2 * blocks)) ** blocks
        label = f"depth_scaled_growth({c}, {blocks}) = {got!r}"
        assert got is not None and np.isfinite(got), f"{label} is not a finite number"
        if math.isclose(got, want, rel_tol=1e-10):
            continue
        if math.isclose(got, (1 + c) ** blocks, rel_tol=1e-10):
            raise AssertionError(f"{label}: the scaling of the branch is missing")
        if math.isclose(got, (1 + c / blocks) ** blocks, rel_tol=1e-10):
            raise AssertionError(f"{label}: scaling the weights by 1/√(2L) scales the branch's variance "
                                 "by its square, 1/(2L), not 1/L")
        if math.isclose(got, (1 + c / (2 * blocks) ** 2) ** blocks, rel_tol=1e-10):
            raise AssertionError(f"{label}: the variance scales by the square of the weight factor, "
                                 "and the factor is 1/√(2L), not 1/(2L)")
        raise AssertionError(f"{label} is wrong")


def _bn(x, gamma, beta, eps):
    axes = tuple(range(x.ndim - 1))
    return gamma * (x - x.mean(axis=axes)) / np.sqrt(x.var(axis=axes) + eps) + beta


def check_batchnorm_forward(impl):
    rng = np.random.default_rng(13)
    for shape, eps in [((16, 5), 1e-5), ((4, 3, 3, 6), 1e-5), ((8, 3), 0.5)]:
        x = rng.standard_normal(shape) * 3 + 2
        gamma, beta = rng.uniform(0.5, 2, shape[-1]), rng.standard_normal(shape[-1])
        got = call_exercise(impl.batchnorm_forward, x.copy(), gamma, beta, eps)
        label = f"batchnorm_forward(x of shape {shape}, eps={eps})"
        got = np.asarray(got, dtype=float)
        assert got.shape == x.shape, f"{label} returned shape {got.shape}; the output has the input's shape"
        if np.allclose(got, _bn(x, gamma, beta, eps), rtol=1e-10, atol=1e-12):
            continue
        axes = tuple(range(x.ndim - 1))
        z = (got - beta) / gamma
        if np.allclose((got / gamma - beta).mean(axis=axes), 0, atol=1e-8):
            raise AssertionError(f"{label}: beta is added before the scaling by gamma; the shift comes last")
        if not np.allclose(z.mean(axis=axes), 0, atol=1e-8):
            raise AssertionError(f"{label}: after removing beta and gamma the output's mean per feature "
                                 "is not 0: the statistics are taken over the wrong axes (one mean "
                                 "and variance per feature, over the batch and any pixel axes)")
        if np.allclose(z.var(axis=axes), x.var(axis=axes) / (x.var(axis=axes, ddof=1) + eps), rtol=1e-8):
            raise AssertionError(f"{label} normalizes with the unbiased variance; the forward pass uses "
                                 "the batch's own (biased, 1/M) variance")
        raise AssertionError(f"{label}: the scale of the normalized values is wrong (check where eps "
                             "enters)")


EXERCISES = {"residual_variance": check_residual_variance, "branch_ratio": check_branch_ratio,
             "depth_scaled_growth": check_depth_scaled_growth, "batchnorm_forward": check_batchnorm_forward}

HINTS = {
    "residual_variance": [
        "A block's output is its input plus a branch that is uncorrelated with it: second moments of "
        "uncorrelated terms add.",
        "E[x_{l+1}²] = E[x_l²] + E[f(x_l)²] = q_l + c·q_l: one multiplication per block, so q_l is a "
        "geometric sequence of length L + 1 starting at q_0.",
        "Build the exponents 0, 1, ..., L and raise the per-block factor to them, times q_0.",
    ],
    "branch_ratio": [
        "Follow the second moment through the branch one layer at a time, as in lessons 7 and 8.",
        "A Dense layer of fan_in n with Var(W) = v multiplies E[x²] by n·v; a ReLU on a symmetric "
        "input keeps half of the second moment.",
        "Multiply the three factors: first Dense, ReLU, second Dense (both layers are width x width).",
    ],
    "depth_scaled_growth": [
        "Scaling a branch's last weights by s scales the branch's output by s and its second moment by s².",
        "With s = 1/√(2L) the branch ratio becomes c·s²; then use the recursion of residual_variance "
        "for L blocks.",
        "Compute the new per-block factor from c and L and raise it to the number of blocks.",
    ],
    "batchnorm_forward": [
        "Each feature (the last axis) is standardized with the statistics of the current batch, then "
        "given a learned scale and shift.",
        "For x of shape (N, F) reduce over axis 0; for (N, H, W, C) over axes 0, 1, 2. "
        "x̂ = (x − mean) / √(var + eps), with var the batch's own variance (divide by M), then γ·x̂ + β.",
        "Take the mean and variance over every axis but the last, normalize, multiply by gamma, add beta.",
    ],
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
