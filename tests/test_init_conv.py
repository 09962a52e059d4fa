"""Initialization of conv kernels: fans from the receptive field (and the common bug of
fan = channels), Dirac (identity) kernels as PyTorch's dirac_, residual-branch rules."""
import math

import numpy as np
import pytest

import tinynet as tn
from tinynet import init, nn


def test_conv_fans_include_the_receptive_field():
    assert init.compute_fans((3, 3, 16, 32)) == (3 * 3 * 16, 3 * 3 * 32)
    assert init.compute_fans((5, 1, 4, 8)) == (20, 40)
    layer = nn.Conv2D(16, 32, 3, kernel_initializer=init.HeNormal(seed=0))
    assert abs(layer.kernel.data.std() / math.sqrt(2 / 144) - 1) < 0.03


def _activation_std_through(depth, kernel_std, channels=16, size=16, seed=0):
    """Std of the last of ``depth`` 3x3 'same' ReLU conv layers whose weights have std kernel_std."""
    rng = np.random.default_rng(seed)
    x = tn.Tensor(rng.standard_normal((8, size, size, channels)))
    stds = []
    for _ in range(depth):
        layer = nn.Conv2D(channels, channels, 3, padding="same", activation="relu", dtype=np.float64,
                          kernel_initializer=lambda shape, dtype: rng.standard_normal(shape) * kernel_std)
        x = layer(x)
        stds.append(float(np.sqrt(np.mean(x.data ** 2))))
    return stds


def test_the_channels_only_fan_bug_explodes_by_the_receptive_field_per_layer():
    """He with fan = C_in instead of 3·3·C_in makes Var(W) 9x too large: each layer multiplies
    the second moment by 9, the std by 3, so 6 layers give 3^6 = 729 (measured within 2x)."""
    depth, c = 6, 16
    right = _activation_std_through(depth, math.sqrt(2 / (9 * c)))
    buggy = _activation_std_through(depth, math.sqrt(2 / c))
    assert 0.5 < right[-1] / right[0] < 2
    growth = (buggy[-1] / buggy[0]) / (right[-1] / right[0])
    assert 3 ** (depth - 1) / 2 < growth < 3 ** (depth - 1) * 2, growth


def test_dirac_kernel_is_the_identity_map():
    x = np.random.default_rng(0).standard_normal((2, 7, 6, 4))
    for k in (1, 3, 5):
        layer = nn.Conv2D(4, 4, k, padding="same", kernel_initializer="dirac", dtype=np.float64)
        np.testing.assert_array_equal(layer(x).data, x)
    wider = nn.Conv2D(4, 6, 3, padding="same", kernel_initializer=init.Dirac(), dtype=np.float64)(x).data
    np.testing.assert_array_equal(wider[..., :4], x)
    assert np.all(wider[..., 4:] == 0)
    np.testing.assert_array_equal(init.Dirac()((5, 3)), np.eye(5, 3, dtype=np.float32))
    with pytest.raises(ValueError, match="only 3, 4 and 5-dimensional"):
        init.dirac((5, 3))
    with pytest.raises(ValueError, match="groups"):
        init.Dirac(groups=4)((3, 3, 2, 6))


@pytest.mark.parametrize("shape,groups", [((3, 3, 4, 4), 1), ((3, 3, 2, 6), 3), ((3, 4, 6), 2),
                                          ((3, 3, 3, 5, 2), 1), ((2, 2, 8, 4), 1), ((5, 3, 2, 8), 2)])
def test_dirac_equals_torch_dirac_(shape, groups):
    torch = pytest.importorskip("torch")
    kernel_dims, c_in, c_out = shape[:-2], shape[-2], shape[-1]
    theirs = torch.empty(c_out, c_in, *kernel_dims, dtype=torch.float64)
    torch.nn.init.dirac_(theirs, groups=groups)
    rank = len(shape)
    to_ours = (*range(2, rank), 1, 0)                      # (out, in, k...) -> (k..., in, out)
    np.testing.assert_array_equal(init.dirac(shape, groups=groups, dtype=np.float64),
                                  theirs.numpy().transpose(to_ours))


def test_residual_rules_are_named_in_init():
    assert init.residual.BRANCH_RULES == ("zero_last_layer", "zero_last_gamma", "depth_scaled")
    assert init.depth_scale(50) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="positive integer"):
        init.depth_scale(0)
