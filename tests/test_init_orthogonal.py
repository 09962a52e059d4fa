"""Orthogonal: exact orthogonality, the gain, Keras's flattening, and a Haar distribution."""
import math

import numpy as np
import pytest

from tinynet import init
from tinynet.init.orthogonal import haar_orthogonal
from tinynet.kernels import random as tr


@pytest.mark.parametrize("shape", [(64, 64), (784, 10), (10, 784), (3, 3, 16, 32), (1, 1)], ids=str)
@pytest.mark.parametrize("gain", [1.0, 1.7])
def test_orthonormal_columns_or_rows_times_gain(shape, gain):
    w = init.Orthogonal(gain=gain, seed=0)(shape, dtype=np.float64)
    assert w.shape == shape
    m = w.reshape(-1, shape[-1])                      # Keras flattens to (prod(shape[:-1]), shape[-1])
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, gain ** 2 * np.eye(gram.shape[0]), rtol=0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.svd(m, compute_uv=False), gain, rtol=0, atol=1e-10)


def test_float32_result_is_orthogonal_to_float32_precision():
    w = init.Orthogonal(seed=1)((784, 10))
    assert w.dtype == np.float32
    np.testing.assert_allclose(w.T.astype(np.float64) @ w, np.eye(10), rtol=0, atol=1e-5)


def test_construction_is_the_sign_fixed_q_of_one_gaussian_draw():
    w = init.Orthogonal(gain=2.0, seed=7)((5, 8), dtype=np.float64)
    a = tr.Generator(7, stream=0).normal((8, 5), 0.0, 1.0, np.float64)
    q, r = np.linalg.qr(a)
    expected = 2.0 * (q * np.sign(np.diag(r))).T
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-14)
    # sign fix means: A = Q' R' with R' having a positive diagonal
    r_fixed = (q * np.sign(np.diag(r))).T @ a
    assert np.all(np.diag(r_fixed) > 0)


def test_distribution_is_haar_not_biased_by_qr_signs():
    """Over many draws, signs must be fair coins.

    LAPACK's QR alone makes Q[0, 0] negative every time (diag R <= 0 by construction);
    a Haar matrix has each sign with probability 1/2. With N draws the fraction's SE is
    0.5 / sqrt(N); the band is 5 SE.
    """
    n_draws, size = 256, 4
    ortho = init.Orthogonal(seed=2024)
    draws = [ortho((size, size), dtype=np.float64) for _ in range(n_draws)]
    band = 5 * 0.5 / math.sqrt(n_draws)
    first_positive = np.mean([w[0, 0] > 0 for w in draws])
    assert abs(first_positive - 0.5) < band
    # the diagonal of R of a fresh QR of the returned matrix: each entry +-1, half positive
    r_diag_positive = np.mean([np.diag(np.linalg.qr(w)[1]) > 0 for w in draws], axis=0)
    assert np.all(np.abs(r_diag_positive - 0.5) < band)
    # without the fix the bias is total, which is what the test would catch
    rng = np.random.default_rng(1)
    raw = [np.linalg.qr(rng.standard_normal((4, 4)))[0] for _ in range(50)]
    assert np.mean([q[0, 0] > 0 for q in raw]) in (0.0, 1.0)
    # Haar moments: each entry of an n x n Haar matrix has mean 0 and E[w^2] = 1/n
    entries = np.array(draws).ravel()
    assert abs(np.mean(entries ** 2) - 1 / size) < 5 * math.sqrt(2 / entries.size) / size
    assert abs(np.mean(entries)) < 5 * math.sqrt(1 / size / entries.size)


def test_haar_orthogonal_helper_keeps_tall_shape():
    q = haar_orthogonal(np.random.default_rng(0).standard_normal((9, 4)))
    assert q.shape == (9, 4)
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-12)
