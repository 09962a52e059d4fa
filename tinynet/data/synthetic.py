"""Small 2-D classification sets you can plot: circles, moons, spirals, xor, blobs.

Each returns ``(x, y)``: ``x`` float64 of shape ``(n, 2)`` (``blobs`` may have more
features), ``y`` int64 of shape ``(n,)``. The same ``seed`` gives the same set, bit for bit
(a ``numpy.random.Generator`` seeded with it draws everything). Classes are as balanced as
``n`` allows (the first classes get the remainder), and the rows are shuffled so that any
prefix is a fair sample. ``noise`` is the standard deviation of Gaussian noise added to
each coordinate.

None of these can be separated by a straight line (except well-spread ``blobs``), which is
why a hidden layer -- and a sensible initialization of it -- is needed.
"""
from __future__ import annotations

import numpy as np

from .. import checks


def _check(n, minimum, what="n"):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {n!r}.")
    return int(n)


def _split(n, parts):
    """Sizes of ``parts`` classes summing to ``n``, as equal as possible, first ones larger."""
    return [n // parts + (1 if k < n % parts else 0) for k in range(parts)]


def _finish(x, y, noise, rng):
    """Add noise, shuffle rows, fix dtypes."""
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise}.")
    x = x + rng.normal(0.0, noise, size=x.shape) if noise else x
    order = rng.permutation(len(x))
    return np.ascontiguousarray(x[order], dtype=np.float64), y[order].astype(np.int64)


def circles(n, noise=0.05, factor=0.5, seed=0):
    """Two concentric rings: class 0 the outer ring of radius 1, class 1 the inner one.

    As ``sklearn.datasets.make_circles``: ``n // 2`` points on the outer circle,
    the rest on an inner circle of radius ``factor`` (0 < factor < 1), each ring at equally
    spaced angles ``2 pi k / m``, then Gaussian noise of std ``noise``.
    """
    n = _check(n, 2)
    if not 0 < factor < 1:
        raise ValueError(f"factor is the inner/outer radius ratio and must be in (0, 1), got {factor}.")
    rng = np.random.default_rng(checks.seed(seed, "circles"))
    n_out = n // 2
    n_in = n - n_out
    rings = []
    for count, radius in ((n_out, 1.0), (n_in, factor)):
        angle = np.linspace(0.0, 2 * np.pi, count, endpoint=False)
        rings.append(radius * np.column_stack([np.cos(angle), np.sin(angle)]))
    y = np.repeat([0, 1], [n_out, n_in])
    return _finish(np.vstack(rings), y, noise, rng)


def moons(n, noise=0.1, seed=0):
    """Two interleaving half circles, as ``sklearn.datasets.make_moons``.

    Class 0: ``(cos t, sin t)``; class 1: ``(1 - cos t, 1/2 - sin t)``; ``t`` evenly in [0, pi].
    """
    n = _check(n, 2)
    rng = np.random.default_rng(checks.seed(seed, "moons"))
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    upper = np.column_stack([np.cos(t_out), np.sin(t_out)])
    lower = np.column_stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)])
    y = np.repeat([0, 1], [n_out, n_in])
    return _finish(np.vstack([upper, lower]), y, noise, rng)


def spirals(n, classes=3, noise=0.2, seed=0):
    """``classes`` interleaved spiral arms (the CS231n "spiral" set).

    Arm ``k`` has radius ``r`` growing evenly from 0 to 1 while its angle runs over
    ``[4k, 4(k+1)]`` radians, plus Gaussian noise of std ``noise`` *on the angle* (so the
    arms blur sideways): point ``(r sin a, r cos a)``.
    """
    n = _check(n, 1)
    classes = _check(classes, 2, "classes")
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise}.")
    rng = np.random.default_rng(checks.seed(seed, "spirals"))
    arms, labels = [], []
    for k, count in enumerate(_split(n, classes)):
        r = np.linspace(0.0, 1.0, count)
        a = np.linspace(4.0 * k, 4.0 * (k + 1), count) + rng.normal(0.0, noise, count)
        arms.append(np.column_stack([r * np.sin(a), r * np.cos(a)]))
        labels.append(np.full(count, k))
    return _finish(np.vstack(arms), np.concatenate(labels), 0.0, rng)


def xor(n, noise=0.2, seed=0):
    """The XOR problem: Gaussian clouds around the four corners ``(+-1, +-1)``.

    Label 1 where the two signs differ (``(1, -1)`` and ``(-1, 1)``), 0 where they agree --
    the classic set no single-layer perceptron can fit (Minsky and Papert, 1969).
    """
    n = _check(n, 4)
    rng = np.random.default_rng(checks.seed(seed, "xor"))
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    counts = _split(n, 4)
    x = np.repeat(corners, counts, axis=0)
    y = np.repeat([0, 0, 1, 1], counts)
    return _finish(x, y, noise, rng)


def blobs(n, centers=3, std=1.0, seed=0, dim=2, box=(-10.0, 10.0)):
    """Isotropic Gaussian clusters, as ``sklearn.datasets.make_blobs``.

    ``centers`` is a count (centers then drawn uniformly in ``box`` per coordinate) or an
    array of shape ``(k, dim)``; each cluster has standard deviation ``std``. Class ``k``
    is the cluster around center ``k``.
    """
    n = _check(n, 1)
    rng = np.random.default_rng(checks.seed(seed, "blobs"))
    if np.ndim(centers) == 0:
        k = _check(centers, 1, "centers")
        center_points = rng.uniform(box[0], box[1], size=(k, _check(dim, 1, "dim")))
    else:
        center_points = np.asarray(centers, dtype=np.float64)
        if center_points.ndim != 2:
            raise ValueError(f"centers must be a count or an array (k, dim), got shape {center_points.shape}.")
    counts = _split(n, len(center_points))
    x = np.repeat(center_points, counts, axis=0)
    y = np.repeat(np.arange(len(center_points)), counts)
    return _finish(x, y, std, rng)
