"""Lesson 9 exercises: orthogonal init by QR, and the LSUV loop.

Grade with `tinynet check 9`.
"""
import numpy as np


def orthogonal(shape, rng, gain=1.0):
    """A (rows, cols) matrix with orthonormal columns (rows >= cols) or rows (rows < cols),
    times ``gain``, drawn uniformly (Haar) from such matrices.

    Recipe (Mezzadri 2007; Saxe et al. 2013): G = a Gaussian matrix of shape
    (max, min); Q, R = np.linalg.qr(G); multiply each column of Q by the sign of the matching
    diagonal entry of R — without this sign fix Q is NOT uniformly distributed, because
    LAPACK's QR chooses the signs in a fixed way; transpose if rows < cols.
    ``rng`` is a numpy Generator: draw only from it.
    """
    raise NotImplementedError("hint: q, r = np.linalg.qr(rng.standard_normal((big, small))); "
                              "q = q * np.sign(np.diag(r)); return gain * (q if rows >= cols else q.T)")


def lsuv(model, x, tol=0.1, max_iter=10):
    """Layer-sequential unit variance (Mishkin & Matas 2015), the rescaling loop.

    ``model`` is a tinynet nn.Sequential whose Dense kernels are already initialized
    (orthogonally); ``x`` a batch. For each layer in ``model.dense_layers()``, in order:
    run ``model(x)``, read the variance of that layer's PRE-activation z (use
    ``layer.register_forward_hook(lambda layer, inp, z, a: ...)``; ``z.data`` is numpy,
    remove the hook afterwards); while |Var(z) - 1| >= tol and fewer than ``max_iter``
    rescales: ``layer.kernel.data = layer.kernel.data / np.sqrt(var)`` and measure again.
    Return the list of rescale counts, one per layer.
    """
    raise NotImplementedError("hint: scaling W by c scales z = x W by c, so Var(z) by c²: "
                              "divide by the STD np.sqrt(var), not by the variance")
