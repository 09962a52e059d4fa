"""Grader for lesson 12. `tinynet check 12` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import math

import numpy as np
import pytest

from tinynet.lesson_tests import call_exercise, graded_module

LESSON = 12

FAN_SHAPES = [(3, 3, 16, 32), (5, 5, 1, 8), (1, 1, 64, 64), (3, 1, 4, 2), (7, 7, 3, 64), (3, 8, 5),
              (3, 3, 3, 2, 4)]


def check_conv_fans(impl):
    for shape in FAN_SHAPES:
        got = call_exercise(impl.conv_fans, shape)
        assert isinstance(got, tuple) and len(got) == 2, (
            f"conv_fans({shape}) returned {got!r}; return a pair (fan_in, fan_out)")
        receptive = math.prod(shape[:-2])
        fan_in, fan_out = receptive * shape[-2], receptive * shape[-1]
        if tuple(got) == (fan_in, fan_out):
            continue
        if tuple(got) == (shape[-2], shape[-1]) and receptive > 1:
            raise AssertionError(f"conv_fans({shape}) counts the channels only: every output unit also "
                                 f"sums over its {receptive}-pixel receptive field")
        if tuple(got) == (fan_out, fan_in):
            raise AssertionError(f"conv_fans({shape}): fan_in and fan_out are swapped (the input "
                                 "channels are the second-to-last axis)")
        if got[0] * fan_out == got[1] * fan_in:
            raise AssertionError(f"conv_fans({shape}) = {got}: the channels are right but the "
                                 f"receptive-field factor {got[0] / shape[-2]:g} is not the product of "
                                 "all the window axes")
        raise AssertionError(f"conv_fans({shape}) = {got} is wrong")


SIZE_CASES = [(28, 3, 1, "valid"), (28, 3, 1, "same"), (28, 3, 2, "same"), (28, 4, 3, "same"),
              (28, 5, 1, 1), (27, 3, 2, "valid"), (14, 2, 2, "valid"), (7, 3, 2, 1), (5, 5, 1, 2),
              (10, 1, 3, 0)]


def _expected_size(size, kernel, stride, padding):
    if padding == "same":
        return -(-size // stride)
    pad = 0 if padding == "valid" else padding
    return (size + 2 * pad - kernel) // stride + 1


def check_conv_output_size(impl):
    for size, kernel, stride, padding in SIZE_CASES:
        got = call_exercise(impl.conv_output_size, size, kernel, stride, padding)
        want = _expected_size(size, kernel, stride, padding)
        if got == want:
            continue
        label = f"conv_output_size({size}, {kernel}, {stride}, {padding!r}) = {got}"
        if padding == "same":
            raise AssertionError(f"{label}: with 'same' padding the output size depends only on the "
                                 "input size and the stride, not on the kernel")
        if isinstance(padding, int) and padding > 0 and got == (size + padding - kernel) // stride + 1:
            raise AssertionError(f"{label}: an integer padding adds that many zeros on both sides")
        if stride > 1 and got == size + 2 * (padding if isinstance(padding, int) else 0) - kernel + 1:
            raise AssertionError(f"{label}: the stride is missing (the window moves {stride} pixels at a time)")
        raise AssertionError(f"{label} is wrong")


IM2COL_CASES = [((2, 5, 6, 3), 2, 3, (1, 1)), ((1, 7, 7, 2), 3, 3, (2, 2)), ((3, 4, 6, 1), 1, 2, (1, 2)),
                ((2, 6, 5, 4), 3, 2, (2, 1))]


def _reference_im2col(x, kh, kw, stride):
    n, h, w, c = x.shape
    sh, sw = stride
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    rows = [x[b, i * sh:i * sh + kh, j * sw:j * sw + kw, :].reshape(-1)
            for b in range(n) for i in range(oh) for j in range(ow)]
    return np.array(rows)


def check_im2col(impl):
    rng = np.random.default_rng(12)
    for shape, kh, kw, stride in IM2COL_CASES:
        x = rng.standard_normal(shape)
        got = call_exercise(impl.im2col, x.copy(), kh, kw, stride)
        want = _reference_im2col(x, kh, kw, stride)
        label = f"im2col(x of shape {shape}, kh={kh}, kw={kw}, stride={stride})"
        assert isinstance(got, np.ndarray), f"{label} returned a {type(got).__name__}; return a numpy array"
        if got.shape != want.shape:
            if got.shape[1] == want.shape[1]:
                raise AssertionError(f"{label} has {got.shape[0]} rows: the number of window positions "
                                     "is wrong (one row per example and output pixel; check the stride)")
            raise AssertionError(f"{label} returned shape {got.shape}: each row must hold one whole "
                                 "window, kh·kw·C numbers")
        if np.allclose(got, want, rtol=0, atol=0):
            continue
        n_rows, c = want.shape[0], shape[3]
        windows = want.reshape(n_rows, kh, kw, c)
        if got.shape == want.shape and np.array_equal(got, windows.transpose(0, 3, 1, 2).reshape(n_rows, -1)) and c > 1:
            raise AssertionError(f"{label}: each row lists the channels first; the kernel reshapes as "
                                 "(kh, kw, C) -> kh·kw·C, so the channel must be the fastest-changing index")
        if np.array_equal(got, windows.transpose(0, 2, 1, 3).reshape(n_rows, -1)) and kh > 1 and kw > 1:
            raise AssertionError(f"{label}: each row walks the window column by column; the window's "
                                 "height axis comes before its width axis, as in the kernel")
        if np.allclose(np.sort(got, axis=1), np.sort(want, axis=1)):
            raise AssertionError(f"{label}: every row holds the right window, but its numbers are in "
                                 "another order; the kernel reshapes as (kh, kw, C) -> kh·kw·C, so "
                                 "a row must be the window flattened in that same order")
        if np.allclose(np.sort(got.ravel()), np.sort(want.ravel())):
            raise AssertionError(f"{label}: the rows are the right windows in the wrong order "
                                 "(example, then output row, then output column)")
        raise AssertionError(f"{label}: the rows are not the windows of x")


FACTOR_CASES = [[(3, 3, 1, 16)] + [(3, 3, 16, 16)] * 7, [(5, 5, 3, 8), (3, 3, 8, 8)],
                [(1, 1, 4, 4)] * 3, [(3, 3, 8, 4)], [(3, 1, 2, 2), (1, 3, 2, 2)]]


def check_explosion_factor(impl):
    for shapes in FACTOR_CASES:
        got = call_exercise(impl.explosion_factor, list(shapes))
        want = math.sqrt(math.prod(math.prod(s[:-2]) for s in shapes))
        label = f"explosion_factor({len(shapes)} layers, first {shapes[0]})"
        assert got is not None and np.isfinite(got), f"{label} returned {got!r}"
        if math.isclose(got, want, rel_tol=1e-9):
            continue
        if math.isclose(got, want ** 2, rel_tol=1e-9):
            raise AssertionError(f"{label} = {got:.6g} is the factor of the variance; the activations' "
                                 "RMS grows by its square root")
        if len(shapes) > 1 and math.isclose(got, math.sqrt(math.prod(shapes[-1][:-2])), rel_tol=1e-9):
            raise AssertionError(f"{label} = {got:.6g} counts one layer; the factors of all layers multiply")
        raise AssertionError(f"{label} = {got:.6g} is wrong")


EXERCISES = {"conv_fans": check_conv_fans, "conv_output_size": check_conv_output_size,
             "im2col": check_im2col, "explosion_factor": check_explosion_factor}

HINTS = {
    "conv_fans": [
        "A unit of a conv layer is one output channel at one pixel. Count the inputs that feed it, "
        "and the outputs one input pixel-channel feeds.",
        "For a kernel (kh, kw, C_in, C_out): each output sums over a kh x kw window in each of the "
        "C_in channels. The window axes are all the axes but the last two.",
        "Multiply the sizes of the window axes together (the receptive field), then multiply that "
        "product by the input channels for one fan and by the output channels for the other.",
    ],
    "conv_output_size": [
        "Count the positions where a window of `kernel` pixels fits, moving `stride` pixels at a time.",
        "Padded size P = size + 2·pad; the first window starts at 0, the last one must end by P; "
        "'same' is defined by its result: ceil(size / stride) positions, whatever the kernel.",
        "For 'valid' and integer padding: take the room left after the first window, divide it by "
        "the stride rounding down, and add the first position. For 'same': a ceiling division.",
    ],
    "im2col": [
        "Convolution becomes one matrix product if every window is laid out as one row, so that "
        "the kernel, reshaped, is the right-hand matrix.",
        "x (N, H, W, C) -> rows (N·OH·OW, kh·kw·C) with OH = (H − kh) // sh + 1; the kernel "
        "(kh, kw, C, C_out) reshapes to (kh·kw·C, C_out), so each row must be flattened in "
        "(kh, kw, C) order.",
        "Loop over output rows i and columns j, cut x[:, i·sh : i·sh+kh, j·sw : j·sw+kw, :], store it "
        "in an array of shape (N, OH, OW, kh, kw, C), and reshape that at the end.",
    ],
    "explosion_factor": [
        "He's Var(W) = 2/fan_in: a fan that is too small by some factor makes Var(W) too large by "
        "that same factor, layer after layer.",
        "Per layer the variance is off by (right fan_in) / (channels-only fan_in) = kh·kw; in a ReLU "
        "net without biases these factors multiply through the layers.",
        "Multiply the per-layer variance factors over all the kernel shapes given, then turn the "
        "variance factor into a factor on the RMS of the activations.",
    ],
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
