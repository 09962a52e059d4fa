"""Fans: how many inputs feed one unit, and how many units one input feeds.

Every variance-scaling initializer divides by a *fan*. For a Dense kernel of shape
``(fan_in, fan_out)`` (Keras layout, ``z = x @ W``) the fans are the two dimensions. For a
convolution kernel ``(k_1, ..., k_d, in_channels, out_channels)`` each output unit sums
over the receptive field times the input channels, so

    receptive = prod(shape[:-2])
    fan_in  = shape[-2] * receptive
    fan_out = shape[-1] * receptive

Keras's conventions for low ranks are kept: a scalar (rank 0) has fans (1, 1) and a
vector (rank 1) of length n has fans (n, n).

PyTorch stores a Linear weight as ``(out, in)`` and a convolution as
``(out, in, k_1, ..., k_d)``; pass ``in_axis=1, out_axis=0`` to read such a shape.
"""
import math
import operator

from ..shapes import check_shape

__all__ = ["compute_fans", "check_shape"]


def _resolve_axis(axis, rank, label):
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"compute_fans: {label} must be an integer axis; got {axis!r}") from None
    if not -rank <= axis < rank:
        raise ValueError(f"compute_fans: {label}={axis} is out of range for a shape of rank "
                         f"{rank}; use an axis in [{-rank}, {rank - 1}].")
    return axis % rank


def compute_fans(shape, in_axis=None, out_axis=None):
    """Return ``(fan_in, fan_out)`` of a weight of this shape, as Keras computes them.

    >>> compute_fans((784, 256))
    (784, 256)
    >>> compute_fans((3, 3, 16, 32))     # 3x3 conv, 16 -> 32 channels
    (144, 288)
    >>> compute_fans((32, 16, 3, 3), in_axis=1, out_axis=0)   # PyTorch's layout
    (144, 288)

    Rank 0 gives (1, 1) and rank 1 gives (n, n), as in Keras. ``in_axis`` / ``out_axis``
    (default -2 / -1) name the input and output axes; every other axis is receptive field.
    """
    dims = check_shape(shape, "compute_fans", allow_zero=False)
    rank = len(dims)
    if rank < 2:
        if in_axis is not None or out_axis is not None:
            raise ValueError(f"compute_fans: in_axis/out_axis need a shape of rank >= 2; "
                             f"got shape {shape!r} of rank {rank}.")
        n = dims[0] if rank == 1 else 1
        return n, n
    i = _resolve_axis(-2 if in_axis is None else in_axis, rank, "in_axis")
    o = _resolve_axis(-1 if out_axis is None else out_axis, rank, "out_axis")
    if i == o:
        raise ValueError(f"compute_fans: in_axis and out_axis name the same axis ({i}) of "
                         f"shape {shape!r}; they must differ.")
    receptive = math.prod(d for k, d in enumerate(dims) if k not in (i, o))
    return dims[i] * receptive, dims[o] * receptive
