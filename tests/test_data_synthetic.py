"""Synthetic 2-D sets: deterministic by seed, right shapes and dtypes, the stated geometry."""
import numpy as np
import pytest

from tinynet import data

MAKERS = {
    "circles": lambda n, seed: data.circles(n, seed=seed),
    "moons": lambda n, seed: data.moons(n, seed=seed),
    "spirals": lambda n, seed: data.spirals(n, classes=3, seed=seed),
    "xor": lambda n, seed: data.xor(n, seed=seed),
    "blobs": lambda n, seed: data.blobs(n, centers=3, seed=seed),
}
CLASSES = {"circles": 2, "moons": 2, "spirals": 3, "xor": 2, "blobs": 3}


@pytest.mark.parametrize("name", MAKERS)
@pytest.mark.parametrize("n", [4, 300, 301])
def test_shapes_dtypes_and_balance(name, n):
    x, y = MAKERS[name](n, 0)
    assert x.shape == (n, 2) and x.dtype == np.float64 and x.flags.c_contiguous
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=CLASSES[name])
    assert len(counts) == CLASSES[name]
    assert counts.max() - counts.min() <= 1 and counts.sum() == n
    assert np.isfinite(x).all()


@pytest.mark.parametrize("name", MAKERS)
def test_deterministic_by_seed(name):
    x1, y1 = MAKERS[name](200, 7)
    x2, y2 = MAKERS[name](200, 7)
    x3, _ = MAKERS[name](200, 8)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert not np.array_equal(x1, x3)


@pytest.mark.parametrize("name", MAKERS)
def test_rows_are_shuffled(name):
    _, y = MAKERS[name](300, 0)
    # unshuffled, the labels would form CLASSES sorted runs; shuffled, runs are short
    changes = np.count_nonzero(np.diff(y))
    assert changes > 50


def test_circles_radii_are_one_and_factor_without_noise():
    x, y = data.circles(300, noise=0.0, factor=0.3)
    radius = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(radius[y == 1], 0.3, rtol=1e-12)
    assert np.bincount(y).tolist() == [150, 150]


def test_circles_noise_is_gaussian_with_the_given_std():
    n, noise = 20000, 0.05
    x, y = data.circles(n, noise=noise, seed=3)
    clean, _ = data.circles(n, noise=0.0)
    # radial deviation of the outer ring ~ N(0, noise^2) to first order; 5-sigma band on the std
    dev = np.hypot(x[y == 0, 0], x[y == 0, 1]) - 1.0
    band = 5 * noise / np.sqrt(2 * len(dev))
    assert abs(dev.std() - noise) < band + 1e-3  # + curvature bias of order noise^2/2
    assert abs(dev.mean()) < 5 * noise / np.sqrt(len(dev)) + noise**2


def test_moons_geometry_without_noise():
    x, y = data.moons(100, noise=0.0)
    upper, lower = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12


def test_spiral_radius_grows_to_one():
    x, y = data.spirals(300, classes=3, noise=0.0)
    radius = np.hypot(*x.T)
    assert radius.min() == 0.0 and np.isclose(radius.max(), 1.0)


def test_xor_labels_follow_the_sign_rule_when_noise_is_small():
    x, y = data.xor(400, noise=0.1, seed=1)
    assert np.array_equal(y, (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(np.int64))


def test_blobs_cluster_means_and_spread():
    centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    x, y = data.blobs(4000, centers=centers, std=0.5, seed=2)
    for k in range(2):
        members = x[y == k]
        # mean within 5 standard errors, std within a 5-sigma band for n = 2000
        assert np.all(np.abs(members.mean(axis=0) - centers[k]) < 5 * 0.5 / np.sqrt(len(members)))
        assert np.all(np.abs(members.std(axis=0) - 0.5) < 5 * 0.5 / np.sqrt(2 * len(members)))


def test_blobs_in_more_dimensions():
    x, y = data.blobs(50, centers=4, dim=5)
    assert x.shape == (50, 5) and set(y.tolist()) == {0, 1, 2, 3}


@pytest.mark.parametrize("call, message", [
    (lambda: data.circles(1), "n must be an integer >= 2, got 1"),
    (lambda: data.circles(10, factor=1.5), r"factor is the inner/outer radius ratio and must be in \(0, 1\)"),
    (lambda: data.moons(10, noise=-1), "noise is a standard deviation and must be >= 0"),
    (lambda: data.spirals(10, classes=1), "classes must be an integer >= 2"),
    (lambda: data.xor(2.5), "n must be an integer >= 4"),
])
def test_bad_arguments_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()
