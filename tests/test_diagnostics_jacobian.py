"""The input-output Jacobian: against central differences, and isometry of orthogonal linear nets."""
import numpy as np
import pytest

import tinynet as tn
from tinynet import nn
from tinynet.diagnostics import jacobian_singular_values, layer_jacobian_singular_values, layer_jacobians


def _forward(model, x):
    with tn.no_grad():
        return model(x[None, :]).data[0]


@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid", "leaky_relu", "softsign"])
def test_jacobian_matches_central_differences(act):
    tn.manual_seed(0)
    model = nn.Sequential(nn.Dense(4, 6, activation=act, kernel_initializer="he_normal", dtype=np.float64),
                          nn.Dense(6, 5, activation=act, kernel_initializer="glorot_uniform", dtype=np.float64),
                          nn.Dense(5, 3, dtype=np.float64))
    x = np.random.default_rng(1).standard_normal((2, 4))
    jac = None
    for j in layer_jacobians(model, x, points=2):
        jac = j if jac is None else j @ jac
    h = 1e-6
    for p in range(2):
        numeric = np.empty((3, 4))
        for i in range(4):
            e = np.zeros(4); e[i] = h
            numeric[:, i] = (_forward(model, x[p] + e) - _forward(model, x[p] - e)) / (2 * h)
        np.testing.assert_allclose(jac[p], numeric, atol=1e-7)
    sv = jacobian_singular_values(model, x, points=2)
    assert sv.shape == (2, 3)
    np.testing.assert_allclose(sv[0], np.linalg.svd(jac[0], compute_uv=False), rtol=1e-12)


def test_orthogonal_linear_network_is_an_isometry():
    """A deep linear net of square orthogonal layers preserves every length: all singular values 1."""
    rng = np.random.default_rng(0)
    model = nn.Sequential(*[nn.Dense(8, 8, dtype=np.float64) for _ in range(12)])
    for layer in model.dense_layers():
        layer.kernel.data = np.linalg.qr(rng.standard_normal((8, 8)))[0]
    np.testing.assert_allclose(jacobian_singular_values(model, rng.standard_normal((3, 8))), 1.0, atol=1e-12)
    per_layer = layer_jacobian_singular_values(model, rng.standard_normal((3, 8)))
    assert len(per_layer) == 12 and all(np.allclose(s, 1.0) for s in per_layer)


def test_non_chain_model_is_a_clear_error():
    model = nn.Sequential(nn.Dense(4, 3, dtype=np.float64), nn.Dense(5, 2, dtype=np.float64))
    with pytest.raises(ValueError, match="expects 5 inputs but receives 3"):
        layer_jacobians(model, np.zeros((1, 4)))
