"""compute_fans (Keras's rules), calculate_gain (PyTorch's table), the truncation constant."""
import math

import numpy as np
import pytest

from tinynet import init


@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)),                      # rank 0: Keras's convention
    ((7,), (7, 7)),                    # rank 1: (n, n)
    ((784, 256), (784, 256)),
    ((10, 784), (10, 784)),
    ((1, 1), (1, 1)),
    ((5, 16, 32), (80, 160)),          # 1-D conv kernel (k, in, out)
    ((3, 3, 16, 32), (144, 288)),      # 2-D conv kernel
    ((2, 3, 4, 5, 6), (120, 144)),     # 3-D conv kernel
    (np.array([3, 3, 16, 32]), (144, 288)),
    (12, (12, 12)),                    # a bare int is a rank-1 shape
])
def test_compute_fans_follows_keras(shape, fans):
    assert init.compute_fans(shape) == fans
    assert all(type(f) is int for f in init.compute_fans(shape))


def test_compute_fans_with_explicit_axes_reads_pytorch_layout():
    assert init.compute_fans((256, 784), in_axis=1, out_axis=0) == (784, 256)
    assert init.compute_fans((32, 16, 3, 3), in_axis=1, out_axis=0) == (144, 288)
    assert init.compute_fans((32, 16, 3, 3), in_axis=-3, out_axis=-4) == (144, 288)
    assert init.compute_fans((3, 3, 16, 32), in_axis=-2) == (144, 288)


@pytest.mark.parametrize("shape, err, match", [
    ((0, 10), ValueError, r"empty.*dimension of 0"),
    ((3, 0, 4), ValueError, "empty"),
    ((3, -1), ValueError, ">= 0"),
    ("784,10", TypeError, "tuple of ints"),
    (None, TypeError, "tuple of ints"),
    ((2.5, 3), TypeError, "must be an integer"),
])
def test_compute_fans_rejects_bad_shapes(shape, err, match):
    with pytest.raises(err, match=match):
        init.compute_fans(shape)


def test_compute_fans_rejects_bad_axes():
    with pytest.raises(ValueError, match="same axis"):
        init.compute_fans((3, 4), in_axis=0, out_axis=-2)
    with pytest.raises(ValueError, match="out of range"):
        init.compute_fans((3, 4), in_axis=2)
    with pytest.raises(ValueError, match="rank >= 2"):
        init.compute_fans((3,), in_axis=0)


@pytest.mark.parametrize("name, param, gain", [
    ("linear", None, 1), ("conv1d", None, 1), ("conv2d", None, 1), ("conv3d", None, 1),
    ("conv_transpose1d", None, 1), ("conv_transpose2d", None, 1), ("conv_transpose3d", None, 1),
    ("sigmoid", None, 1), ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))), ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
    ("leaky_relu", 0, math.sqrt(2)), ("leaky_relu", 1, 1.0), ("selu", None, 0.75),
])
def test_calculate_gain_is_pytorchs_table(name, param, gain):
    assert init.calculate_gain(name, param) == gain


def test_calculate_gain_errors_list_the_valid_names():
    with pytest.raises(ValueError, match=r"'swish'.*linear.*tanh.*relu.*leaky_relu.*selu"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="negative slope must be a number"):
        init.calculate_gain("leaky_relu", "0.2")
    with pytest.raises(ValueError, match="negative slope"):
        init.calculate_gain("leaky_relu", True)


def test_calculate_gain_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    from tinynet.init.gain import GAIN_NAMES
    for name in GAIN_NAMES:
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name), rel=1e-15)
    for slope in (0.0, 0.01, 0.2, 3.0):
        assert init.calculate_gain("leaky_relu", slope) == pytest.approx(
            torch.nn.init.calculate_gain("leaky_relu", slope), rel=1e-15)


def test_truncation_constant_is_computed_from_the_cutoff():
    assert abs(init.truncated_std(2.0) - 0.87962566103423978) < 1e-15
    # the general formula: the wider the cut, the closer to an untruncated normal
    assert init.truncated_std(1.0) < init.truncated_std(2.0) < init.truncated_std(6.0) < 1.0
    assert init.truncated_std(40.0) == pytest.approx(1.0, abs=1e-15)
    with pytest.raises(ValueError, match="> 0"):
        init.truncated_std(0.0)
