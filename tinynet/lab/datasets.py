"""The data a comparison trains on: a small synthetic set (no download) or real images.

Inputs are standardized, because the variance arguments behind LeCun, Glorot and He
assume zero-mean inputs of unit variance: synthetic sets per feature, images with one
mean and one std over all pixels (per-pixel statistics would blow up the nearly constant
border pixels). Statistics come from the training split only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import data
from ..dtypes import float_dtype
from .errors import LabError

#: sizes of the synthetic sets: big enough to measure, small enough for full-batch steps
SYNTHETIC_TRAIN, SYNTHETIC_TEST = 450, 300


@dataclass
class Dataset:
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int

    def describe(self):
        return (f"{self.name}: {len(self.x_train)} train / {len(self.x_test)} test examples, "
                f"{self.x_train.shape[1]} features, {self.classes} classes")


def _synthetic(name, seed):
    n = SYNTHETIC_TRAIN + SYNTHETIC_TEST
    makers = {
        "spirals": lambda: data.spirals(n, classes=3, seed=seed),
        "circles": lambda: data.circles(n, noise=0.05, seed=seed),
        "moons": lambda: data.moons(n, seed=seed),
        "blobs": lambda: data.blobs(n, seed=seed),
        "xor": lambda: data.xor(n, seed=seed),
    }
    x, y = makers[name]()
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y).astype(np.int64)
    # a stratified split: each class keeps its share in both halves, so with balanced
    # classes a network that predicts nothing scores exactly ln K
    rng = np.random.default_rng(seed)
    train, test = [], []
    for k in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == k))
        cut = round(len(members) * SYNTHETIC_TRAIN / len(y))
        train.append(members[:cut])
        test.append(members[cut:])
    train, test = rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))
    return x[train], y[train], x[test], y[test]


def _images(name):
    loader = data.load_fashion_mnist if name == "fashion-mnist" else data.load_mnist
    try:
        (x_tr, y_tr), (x_te, y_te) = loader()
    except (OSError, ValueError, RuntimeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise LabError(f"could not load {name}: {first}") from None
    return data.prepare_images(x_tr), y_tr.astype(np.int64), data.prepare_images(x_te), y_te.astype(np.int64)


def load(name, dtype=np.float64, seed=0):
    """The standardized data set ``name`` as a :class:`Dataset` in ``dtype`` (float32 or float64).

    Both kinds go through ``data.standardize`` (statistics of the training split): synthetic
    sets per feature; images as one feature, i.e. one mean and one std over all pixels.
    """
    dtype = float_dtype(dtype, "lab.datasets.load")
    if name in ("fashion-mnist", "mnist"):
        x_tr, y_tr, x_te, y_te = _images(name)
        flat_tr, flat_te = data.standardize(x_tr.reshape(-1, 1), x_te.reshape(-1, 1))
        x_tr, x_te = flat_tr.reshape(x_tr.shape), flat_te.reshape(x_te.shape)
    else:
        x_tr, y_tr, x_te, y_te = _synthetic(name, seed)
        x_tr, x_te = data.standardize(x_tr, x_te)
    classes = int(max(y_tr.max(), y_te.max())) + 1
    return Dataset(name, x_tr.astype(dtype), y_tr, x_te.astype(dtype), y_te, classes)


def head(dataset, n_train=None, n_test=None):
    """The first ``n_train`` training and ``n_test`` test examples (None: all) of ``dataset``."""
    return Dataset(dataset.name, dataset.x_train[:n_train], dataset.y_train[:n_train],
                   dataset.x_test[:n_test], dataset.y_test[:n_test], dataset.classes)
