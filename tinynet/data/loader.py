"""Mini-batches for stochastic gradient descent.

One epoch visits every example exactly once, in a fresh random order each epoch, cut into
batches of ``batch_size`` (the last one smaller unless ``drop_last``). The order of epoch
``e`` is a permutation drawn from ``numpy.random.default_rng([seed, e])``: it depends on
the seed and the epoch number only, so a run is reproducible, and restarting at epoch 5
(``loader.epoch = 5``) gives the batches the original run saw at epoch 5.
"""
from __future__ import annotations

import math

import numpy as np

from .. import checks


class DataLoader:
    """Iterate over ``(x_batch, y_batch)`` numpy arrays; ``len(loader)`` is batches per epoch.

    ::

        loader = DataLoader(x, y, batch_size=128, shuffle=True, seed=0)
        for epoch in range(3):
            for xb, yb in loader:        # each pass is the next epoch
                ...

    ``y=None`` yields ``x_batch`` alone. Without shuffling the batches are views (slices,
    no copy); with shuffling each batch is gathered into a new array.
    """

    def __init__(self, x, y=None, batch_size=128, shuffle=True, seed=0, drop_last=False):
        self.x = np.asarray(x)
        self.y = None if y is None else np.asarray(y)
        if self.x.ndim == 0:
            raise ValueError("DataLoader: x must have a first (example) axis; got a scalar.")
        if self.y is not None and len(self.y) != len(self.x):
            raise ValueError(
                f"DataLoader: x has {len(self.x)} examples but y has {len(self.y)}; they must match row for row."
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}.")
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.seed = checks.seed(seed, "DataLoader")
        self.drop_last = bool(drop_last)
        self.epoch = 0  # the epoch the next iteration will produce

    def __len__(self):
        n = len(self.x)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def order(self, epoch):
        """The example indices of ``epoch`` in visiting order."""
        n = len(self.x)
        if not self.shuffle:
            return np.arange(n)
        return np.random.default_rng([int(self.seed), int(epoch)]).permutation(n)

    def __iter__(self):
        epoch, self.epoch = self.epoch, self.epoch + 1
        order = self.order(epoch)
        for b in range(len(self)):
            start, stop = b * self.batch_size, min((b + 1) * self.batch_size, len(self.x))
            if self.shuffle:
                idx = order[start:stop]
                xb = self.x[idx]
                yb = None if self.y is None else self.y[idx]
            else:
                xb = self.x[start:stop]
                yb = None if self.y is None else self.y[start:stop]
            yield xb if yb is None else (xb, yb)

    def __repr__(self):
        return (f"DataLoader({len(self.x)} examples, batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"seed={self.seed}, drop_last={self.drop_last}, {len(self)} batches per epoch)")
