"""Turning raw arrays into network inputs: scale, standardize, one-hot, split.

Why it matters for initialization: the variance arguments behind LeCun, Glorot and He
assume inputs with zero mean and unit variance. Raw pixels (0..255) are 255 times too
big; ``prepare_images`` brings them to [0, 1], ``standardize`` to mean 0, std 1.
"""
from __future__ import annotations

import numpy as np

from .. import checks

from ..dtypes import float_dtype


def prepare_images(x, flatten=True, dtype=np.float32):
    """uint8 images (N, H, W) -> ``dtype`` values ``x / 255`` in [0, 1], flattened to (N, H*W).

    The division is exact in float32 rounding (each of the 256 pixel values maps to the
    float nearest ``v / 255``). ``flatten=False`` keeps the image shape.
    """
    x = np.asarray(x)
    if x.dtype != np.uint8:
        raise TypeError(
            f"prepare_images expects uint8 pixels 0..255 as load_fashion_mnist returns them, got {x.dtype}. "
            "For values already in [0, 1], use them as they are."
        )
    if x.ndim < 2:
        raise ValueError(f"prepare_images expects a batch of images (N, H, W), got shape {x.shape}.")
    out = x.astype(float_dtype(dtype, "prepare_images"))
    out /= 255
    return out.reshape(len(x), -1) if flatten else out


def one_hot(y, num_classes=None, dtype=np.float32):
    """Integer labels (N,) -> (N, num_classes) rows of zeros with a 1 at the label.

    ``num_classes`` defaults to ``max(y) + 1``.
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"one_hot expects integer labels of shape (N,), got {y.dtype} {y.shape}.")
    if num_classes is None:
        num_classes = int(y.max()) + 1 if len(y) else 0
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"one_hot: labels must be in 0..{num_classes - 1}, found {y.min()}..{y.max()}.")
    out = np.zeros((len(y), num_classes), dtype=float_dtype(dtype, "one_hot"))
    out[np.arange(len(y)), y] = 1
    return out


def standardize(x_train, x_test=None, eps=0.0):
    """Per-feature ``(x - mean) / std`` with mean and std measured on ``x_train`` only.

    Using the test set's statistics would leak information about it into training.
    A constant feature (std 0) is only centred (divided by 1), never divided by zero.
    Returns ``(x_train_std, x_test_std)`` (the second ``None`` if no ``x_test``), float
    arrays of the input's float dtype (float64 for integer input).
    """
    x_train = np.asarray(x_train)
    dtype = x_train.dtype if np.issubdtype(x_train.dtype, np.floating) else np.float64
    mean = x_train.mean(axis=0, dtype=np.float64)
    std = x_train.std(axis=0, dtype=np.float64) + eps
    std = np.where(std > 0, std, 1.0)

    def apply(x):
        x = np.asarray(x)
        if x.shape[1:] != x_train.shape[1:]:
            raise ValueError(f"standardize: x_test rows have shape {x.shape[1:]}, x_train rows {x_train.shape[1:]}.")
        return ((x - mean) / std).astype(dtype)

    return apply(x_train), (None if x_test is None else apply(x_test))


def train_test_split(x, y, test_fraction=0.25, seed=0):
    """Shuffle ``(x, y)`` with ``seed`` and hold out ``round(test_fraction * n)`` rows.

    Returns ``((x_train, y_train), (x_test, y_test))``, the layout ``load_fashion_mnist`` uses.
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"train_test_split: x has {len(x)} rows but y has {len(y)}.")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction}.")
    n_test = int(round(test_fraction * len(x)))
    if not 0 < n_test < len(x):
        raise ValueError(f"test_fraction {test_fraction} of {len(x)} rows leaves an empty split.")
    order = np.random.default_rng(checks.seed(seed, "train_test_split")).permutation(len(x))
    train, test = order[n_test:], order[:n_test]
    return (x[train], y[train]), (x[test], y[test])
