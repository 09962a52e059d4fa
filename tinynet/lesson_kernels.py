"""Compiled loops that lessons share, in an importable module so that numba can cache them.

A lesson's lesson.py runs as a script, and lessons 4 and 5 load lesson 3's file by path
under other names; numba's cache rebuilds a compiled function's module by importing it
by name, which neither allows. Here the loop compiles once and is loaded from the cache
afterwards (lesson 3's multi-seed training compiled for about 5 s on every run before).

``train_many_mlps``: lesson 3's full-batch gradient descent on S independent small
networks at once (lessons 3, 4 and 5), one network per block of tinynet's thread pool.
"""
import numpy as np
from numba import njit

from .kernels import pool


def train_many_mlps(x, t, W1, b1, W2, b2, W3, b3, steps, lr, sigmoid_hidden, losses):
    """Full-batch gradient descent on S independent 2-h1-h2-1 networks, in place.

    ``W1`` (S, d, h1), ``b1`` (S, h1), ... ``b3`` (S, 1): the S networks' parameters, updated
    in place; ``losses`` (steps, S) receives every network's loss at every step. The
    networks share nothing, so they are the blocks of :func:`tinynet.kernels.pool.run`:
    whichever thread is free trains the next one. (A ``prange`` loop would split them
    among the threads up front, and wait for a thread that another program keeps off its
    core: lesson 5 took 1.5x its idle time with one core busy.) Which thread trains a
    network never changes its numbers.
    """
    pool.run(_train_one, (x, t, W1, b1, W2, b2, W3, b3, steps, lr, sigmoid_hidden, losses), W1.shape[0])


@njit(cache=True, nogil=True)
def _train_one(x, t, W1, b1, W2, b2, W3, b3, steps, lr, sigmoid_hidden, losses, s):
    """Network ``s`` of :func:`train_many_mlps`, trained for ``steps`` steps.

    For each example: z1 = x W1 + b1, a1 = f(z1), z2 = a1 W2 + b2, a2 = f(z2),
    z = a2 W3 + b3; loss = max(z, 0) − z·t + log(1 + e^−|z|); dz = (σ(z) − t) / N; then
    lesson 2's backward, dW = aᵀ dz and db = Σ dz accumulated over the examples, dA = dZ Wᵀ,
    dZ = dA ⊙ f'(Z). Loops instead of matrix products: the matrices are tiny, and plain
    loops keep each network's arithmetic independent of threading. Compiled with
    ``nogil=True``, so that two networks really train at the same time.
    """
    n, d = x.shape[0], x.shape[1]
    h1, h2 = W1.shape[2], W2.shape[2]
    z1 = np.empty(h1); a1 = np.empty(h1); z2 = np.empty(h2); a2 = np.empty(h2)
    dz1 = np.empty(h1); dz2 = np.empty(h2)
    gW1 = np.empty((d, h1)); gb1 = np.empty(h1); gW2 = np.empty((h1, h2)); gb2 = np.empty(h2)
    gW3 = np.empty(h2)
    for step in range(steps):
        gW1[:] = 0.0; gb1[:] = 0.0; gW2[:] = 0.0; gb2[:] = 0.0; gW3[:] = 0.0
        gb3 = 0.0
        total = 0.0
        for i in range(n):
            for j in range(h1):
                acc = b1[s, j]
                for k in range(d):
                    acc += x[i, k] * W1[s, k, j]
                z1[j] = acc
                a1[j] = 0.5 * (1.0 + np.tanh(0.5 * acc)) if sigmoid_hidden else max(acc, 0.0)
            for j in range(h2):
                acc = b2[s, j]
                for k in range(h1):
                    acc += a1[k] * W2[s, k, j]
                z2[j] = acc
                a2[j] = 0.5 * (1.0 + np.tanh(0.5 * acc)) if sigmoid_hidden else max(acc, 0.0)
            z = b3[s, 0]
            for k in range(h2):
                z += a2[k] * W3[s, k, 0]
            total += max(z, 0.0) - z * t[i] + np.log1p(np.exp(-abs(z)))
            dz = (0.5 * (1.0 + np.tanh(0.5 * z)) - t[i]) / n
            gb3 += dz
            for k in range(h2):
                gW3[k] += a2[k] * dz
                da = dz * W3[s, k, 0]
                dz2[k] = da * a2[k] * (1.0 - a2[k]) if sigmoid_hidden else (da if z2[k] > 0.0 else 0.0)
                gb2[k] += dz2[k]
            for k in range(h1):
                da = 0.0
                for j in range(h2):
                    gW2[k, j] += a1[k] * dz2[j]
                    da += dz2[j] * W2[s, k, j]
                dz1[k] = da * a1[k] * (1.0 - a1[k]) if sigmoid_hidden else (da if z1[k] > 0.0 else 0.0)
                gb1[k] += dz1[k]
            for k in range(d):
                for j in range(h1):
                    gW1[k, j] += x[i, k] * dz1[j]
        losses[step, s] = total / n
        for k in range(d):
            for j in range(h1):
                W1[s, k, j] -= lr * gW1[k, j]
        for j in range(h1):
            b1[s, j] -= lr * gb1[j]
            for k in range(h2):
                W2[s, j, k] -= lr * gW2[j, k]
        for k in range(h2):
            b2[s, k] -= lr * gb2[k]
            W3[s, k, 0] -= lr * gW3[k]
        b3[s, 0] -= lr * gb3
