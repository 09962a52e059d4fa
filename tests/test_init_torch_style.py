"""PyTorch-style xavier_* / kaiming_*: PyTorch's formulas, tinynet's (fan_in, fan_out) layout."""
import math

import numpy as np
import pytest

from tinynet import init
from tinynet.kernels import random as tr


def test_kaiming_std_is_gain_over_sqrt_fan():
    assert init.KaimingNormal().std((784, 256)) == math.sqrt(2) / math.sqrt(784)
    assert init.KaimingNormal(mode="fan_out").std((784, 256)) == math.sqrt(2) / math.sqrt(256)
    assert init.KaimingUniform(a=0.2).std((3, 3, 16, 32)) == math.sqrt(2 / 1.04) / math.sqrt(144)
    assert init.KaimingNormal(nonlinearity="relu", a=5.0).std((100, 7)) == math.sqrt(2) / 10
    assert init.XavierUniform(gain=2.0).std((784, 10)) == 2.0 * math.sqrt(2 / 794)


def test_functions_draw_the_classes_draws_in_the_requested_dtype():
    np.testing.assert_array_equal(init.kaiming_normal((30, 20), seed=3),
                                  init.KaimingNormal(seed=3)((30, 20)))
    w = init.kaiming_uniform((30, 20), a=0.1, mode="fan_out", seed=3, dtype=np.float64)
    limit = math.sqrt(3) * init.calculate_gain("leaky_relu", 0.1) / math.sqrt(20)
    np.testing.assert_array_equal(w, tr.Generator(3, 0).uniform((30, 20), -limit, limit, np.float64))
    n = init.xavier_normal((30, 20), gain=1.5, seed=3, dtype=np.float64)
    np.testing.assert_array_equal(n, tr.Generator(3, 0).normal((30, 20), 0.0, 1.5 * math.sqrt(2 / 50), np.float64))
    assert init.xavier_uniform((30, 20)).dtype == np.float32


def test_xavier_uniform_gain_one_is_glorot_uniform_draw_for_draw():
    np.testing.assert_array_equal(init.xavier_uniform((64, 32), seed=8), init.GlorotUniform(seed=8)((64, 32)))


def test_kaiming_normal_is_untruncated_unlike_he_normal():
    k = init.kaiming_normal((400, 400), seed=1)
    h = init.HeNormal(seed=1)((400, 400))
    sigma = math.sqrt(2 / 400)
    assert abs(k.std() - h.std()) < 5 * sigma * math.sqrt(2 / k.size)     # same std
    assert np.abs(h).max() <= np.float32(2 * sigma / init.truncated_std())
    assert np.abs(k).max() > 4 * sigma                                    # tails PyTorch keeps


def test_matches_pytorch_in_pytorch_layout():
    torch = pytest.importorskip("torch")
    out_f, in_f = 256, 784
    t = torch.empty(out_f, in_f, dtype=torch.float64)
    # fans: PyTorch's (out, in, k...) read with explicit axes == tinynet's layout
    for shape in [(out_f, in_f), (32, 16, 3, 3)]:
        assert torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape)) == \
            init.compute_fans(shape, in_axis=1, out_axis=0)
    assert init.compute_fans((32, 16, 3, 3), in_axis=1, out_axis=0) == init.compute_fans((3, 3, 16, 32))
    torch.manual_seed(0)
    torch.nn.init.kaiming_uniform_(t, a=0.3, mode="fan_out", nonlinearity="leaky_relu")
    ours = init.KaimingUniform(a=0.3, mode="fan_out", seed=0)
    limit = math.sqrt(3) * ours.std((in_f, out_f))
    # both bounded by the same limit and reaching it
    for w in (t.numpy(), ours((in_f, out_f), dtype=np.float64)):
        assert np.abs(w).max() <= limit and np.abs(w).max() > limit * (1 - 1e-3)
    torch.nn.init.xavier_normal_(t, gain=1.3)
    sigma = init.XavierNormal(gain=1.3).std((in_f, out_f))
    assert abs(t.numpy().std() - sigma) < 5 * sigma * math.sqrt(0.5 / t.numel())
