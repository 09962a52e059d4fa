"""prepare_images, one_hot, standardize, train_test_split: exact values and the train-only rule."""
import numpy as np
import pytest

from tinynet import data


def test_prepare_images_scales_every_pixel_value_exactly():
    x = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    out = data.prepare_images(x)
    assert out.shape == (1, 256) and out.dtype == np.float32
    np.testing.assert_array_equal(out[0], np.float32(np.arange(256) / 255.0))
    assert out[0, 0] == 0.0 and out[0, -1] == 1.0
    assert data.prepare_images(x, flatten=False).shape == (1, 16, 16)
    assert data.prepare_images(x, dtype=np.float64).dtype == np.float64


def test_prepare_images_refuses_already_scaled_input():
    with pytest.raises(TypeError, match="expects uint8 pixels 0..255 .* got float32"):
        data.prepare_images(np.zeros((2, 28, 28), np.float32))


def test_one_hot():
    out = data.one_hot(np.array([2, 0, 1]), 4)
    np.testing.assert_array_equal(out, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    assert out.dtype == np.float32
    assert data.one_hot(np.array([0, 3])).shape == (2, 4)
    with pytest.raises(ValueError, match=r"labels must be in 0..2, found 0..3"):
        data.one_hot(np.array([0, 3]), 3)


def test_standardize_uses_train_statistics_only():
    rng = np.random.default_rng(0)
    x_train = rng.normal(5.0, 3.0, size=(1000, 3))
    x_train[:, 2] = 7.0  # a constant feature
    x_test = rng.normal(-1.0, 1.0, size=(10, 3))
    s_train, s_test = data.standardize(x_train, x_test)
    np.testing.assert_allclose(s_train[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(s_train[:, :2].std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(s_train[:, 2], 0.0)  # centred, never divided by zero
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    np.testing.assert_allclose(s_test[:, :2], (x_test[:, :2] - mean[:2]) / std[:2], rtol=1e-12)
    assert data.standardize(x_train.astype(np.float32))[1] is None
    assert data.standardize(x_train.astype(np.float32))[0].dtype == np.float32


def test_train_test_split_partitions_and_is_deterministic():
    x, y = np.arange(100).reshape(50, 2), np.arange(50)
    (xa, ya), (xb, yb) = data.train_test_split(x, y, test_fraction=0.2, seed=4)
    assert len(yb) == 10 and len(ya) == 40
    assert sorted(np.concatenate([ya, yb]).tolist()) == list(range(50))
    assert np.array_equal(xa[:, 0], 2 * ya)
    (_, ya2), _ = data.train_test_split(x, y, test_fraction=0.2, seed=4)
    assert np.array_equal(ya, ya2)
    with pytest.raises(ValueError, match="test_fraction must be between 0 and 1"):
        data.train_test_split(x, y, test_fraction=1.0, seed=0)


def test_lesson_split_of_circles():
    """The course's setting: 300 train / 100 test points of circles with noise 0.05."""
    x, y = data.circles(400, noise=0.05, seed=0)
    (x_tr, y_tr), (x_te, y_te) = data.train_test_split(x, y, test_fraction=0.25, seed=0)
    assert x_tr.shape == (300, 2) and x_te.shape == (100, 2)
    assert abs(int(y_tr.sum()) - 150) < 30  # hypergeometric: sd ~ 4.3 for 100 drawn of 400
