"""data.load_standardized_fashion_mnist: each training pixel has mean 0 and std 1 (float64
statistics of the training images returned, and of them only); the test images are scaled
by the same statistics, not their own."""
import numpy as np
import pytest

from tinynet import data
from tinynet.data import datasets


def _raw(seed=0, n_train=40, n_test=12):
    """Small uint8 sets in load_fashion_mnist's layout; the test images are brighter, so
    their own statistics differ from the training ones."""
    rng = np.random.default_rng(seed)
    x_train = rng.integers(0, 200, (n_train, 28, 28), dtype=np.uint8)
    x_test = rng.integers(55, 256, (n_test, 28, 28), dtype=np.uint8)
    return (x_train, rng.integers(0, 10, n_train).astype(np.uint8)), (x_test, rng.integers(0, 10, n_test).astype(np.uint8))


def _expected(x, train_images):
    """(x / 255 - mean) / std per pixel in float64, with the statistics of ``train_images``."""
    scaled = lambda images: images.reshape(len(images), -1).astype(np.float32).astype(np.float64) / 255
    fit = scaled(train_images)
    return (scaled(x) - fit.mean(axis=0)) / fit.std(axis=0)


@pytest.mark.parametrize("train", [None, 25])
def test_training_pixels_have_mean_0_and_std_1_and_the_test_set_uses_their_statistics(train):
    raw = _raw()
    (x_train, y_train), (x_test, y_test) = data.load_standardized_fashion_mnist(train=train, raw=raw)
    kept = raw[0][0][:train]
    assert x_train.shape == (len(kept), 784) and x_test.shape == (12, 784)
    assert x_train.dtype == np.float32 and x_test.dtype == np.float32
    np.testing.assert_array_equal(y_train, raw[0][1][:train])
    np.testing.assert_array_equal(y_test, raw[1][1])
    x64 = x_train.astype(np.float64)
    np.testing.assert_allclose(x64.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(x64.std(axis=0), 1.0, rtol=1e-6)
    np.testing.assert_allclose(x64, _expected(kept, kept), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(x_test.astype(np.float64), _expected(raw[1][0], kept), rtol=1e-6, atol=1e-6)
    assert x_test.astype(np.float64).mean() > 0.5      # brighter than the training images: not re-centred


needs_files = pytest.mark.skipif(datasets.locate(datasets.FASHION_MNIST) is None,
                                 reason="Fashion-MNIST files absent (apt-get install dataset-fashion-mnist)")


@needs_files
def test_on_fashion_mnist_every_pixel_is_standardized_on_the_training_set():
    raw = data.load_fashion_mnist(download=False)
    assert (raw[0][0].reshape(60000, -1).std(axis=0) > 0).all()     # no constant pixel to leave unscaled
    (x_train, _), (x_test, _) = data.load_standardized_fashion_mnist(raw=raw)
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    x64 = x_train.astype(np.float64)
    np.testing.assert_allclose(x64.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(x64.std(axis=0), 1.0, rtol=1e-5)
