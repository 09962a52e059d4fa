"""The real Fashion-MNIST files: shapes, dtypes, balanced labels (CI installs them)."""
import numpy as np
import pytest

from tinynet import data
from tinynet.data import datasets

FOUND = datasets.locate(datasets.FASHION_MNIST)
needs_files = pytest.mark.skipif(
    FOUND is None,
    reason="Fashion-MNIST files absent (searched $TINYNET_DATA, the user cache and "
           "/usr/share/datasets/fashion-mnist); install with: apt-get install dataset-fashion-mnist",
)


@needs_files
def test_fashion_mnist_shapes_dtypes_and_balance():
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist(download=False)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert x_train.min() == 0 and x_train.max() == 255
    # the first training example is an ankle boot (class 9), as in the published set
    assert y_train[0] == 9 and data.FASHION_MNIST.classes[9] == "Ankle boot"
    flat = data.prepare_images(x_test)
    assert flat.shape == (10000, 784) and flat.dtype == np.float32
    assert 0.0 <= flat.min() and flat.max() <= 1.0
