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
    raise NotImplementedError("not implemented yet: `tinynet hint 9 orthogonal` gives a hint")


def lsuv(model, x, tol=0.1, max_iter=10):
    """Layer-sequential unit variance (Mishkin & Matas 2015), the rescaling loop.

    ``model`` is a tinynet nn.Sequential whose Dense kernels are already initialized
    (orthogonally); ``x`` a batch. For each layer in ``model.dense_layers()``, in order:
    run ``model(x)``, read the variance of that layer's PRE-activation z (use
    ``layer.register_forward_hook(lambda layer, inp, z, a: ...)``; ``z.data`` is numpy,
    remove the hook afterwards); while |Var(z) - 1| >= tol and fewer than ``max_iter``
    rescales: rescale the kernel (assign ``layer.kernel.data``) so that Var(z) becomes 1, and measure again.
    Return the list of rescale counts, one per layer.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 9 lsuv` gives a hint")
