"""Fashion-MNIST as the lessons' MLPs take it: flattened, each pixel standardized."""
from __future__ import annotations

import numpy as np

from .datasets import load_fashion_mnist
from .prepare import prepare_images, standardize


def load_standardized_fashion_mnist(train=None, raw=None):
    """``((x_train, y_train), (x_test, y_test))``: images as float32 rows of 784 pixels,
    each pixel standardized; labels as ``load_fashion_mnist`` gives them.

    Standardized means: pixel ``j`` of every image, scaled to [0, 1] by ``prepare_images``,
    becomes ``(x_j - mean_j) / std_j``, where ``mean_j`` and ``std_j`` (the population std,
    ddof 0) are measured in float64 on the training images returned, and only on them. So
    each training pixel has mean 0 and std 1 (to float32 rounding); the test images are
    shifted and scaled by the same training statistics, never their own (that would leak
    the test set into training), so their means and stds are near 0 and 1 but not exactly.
    A pixel constant on the training images would only be centred (see ``standardize``);
    Fashion-MNIST has none.

    ``train``: keep only the first ``train`` training images (the statistics are theirs);
    the test set is always whole. ``raw``: the arrays ``load_fashion_mnist()`` returned, when
    they are loaded already (nothing is read again).
    """
    (x_train, y_train), (x_test, y_test) = raw or load_fashion_mnist()
    x_train, y_train = x_train[:train], y_train[:train]
    x_train, x_test = standardize(prepare_images(x_train), prepare_images(x_test))
    return (x_train, np.asarray(y_train)), (x_test, np.asarray(y_test))
