"""Which floating dtype a new tensor gets, and the one check every ``dtype=`` argument uses.

numpy's rules, with one tinynet default: a floating array keeps its dtype; Python
numbers, lists and integer arrays become the *default* dtype, float32 unless
``set_default_dtype(np.float64)`` says otherwise (float64 is what a gradient check or an
exact-symmetry claim needs).

Every public ``dtype=`` in tinynet (tensors, layers, initializers, samplers, data
preparation, the default dtype) goes through :func:`float_dtype`, so each accepts the same
things and refuses the rest with the same one-line ``DtypeError`` (a TypeError and a ValueError):

>>> float_dtype("float64", "demo")
dtype('float64')
>>> float_dtype("flaot32", "demo")
Traceback (most recent call last):
    ...
tinynet.dtypes.DtypeError: demo: dtype must be float32 or float64 (np.float32, "float32", np.dtype("float32"), ...), got 'flaot32'

The check exists because ``np.dtype(None)`` is float64 and a dtype compares equal to
``None`` (``np.dtype("float64") == None`` is True): a lookup that fails to ``None`` would
otherwise pass as float64 without a word.
"""
import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class DtypeError(TypeError, ValueError):
    """A dtype tinynet does not accept. Both a TypeError and a ValueError (as numpy's
    ``AxisError`` is both a ValueError and an IndexError), so either ``except`` catches it."""
_default_dtype = np.dtype(np.float32)


def float_dtype(dtype, who, allow_none=False):
    """``dtype`` as ``np.dtype('float32')`` or ``np.dtype('float64')``, or a ``DtypeError``.

    Accepted: the numpy scalar types (``np.float32``), Python's ``float`` (float64), their
    ``np.dtype`` objects and the names numpy gives them ("float32", "f4", "double", ...).
    ``None`` means the default dtype where ``allow_none`` is True and is refused elsewhere.
    """
    if dtype is None:
        if allow_none:
            return _default_dtype
        raise DtypeError(f"{who}: dtype must be float32 or float64, got None")
    resolved = _numpy_dtype(dtype)
    if resolved is None or not any(resolved == d for d in FLOAT_DTYPES):
        raise DtypeError(f"{who}: dtype must be float32 or float64 (np.float32, \"float32\", "
                        f"np.dtype(\"float32\"), ...){' or None for the default' if allow_none else ''}"
                        f", got {dtype!r}")
    return resolved


def _numpy_dtype(dtype):
    """numpy's reading of a dtype spec (a name, a type or a dtype), or None; never np.dtype(None)."""
    if not isinstance(dtype, (str, type, np.dtype)):
        return None
    try:
        return np.dtype(dtype)
    except TypeError:
        return None


def set_default_dtype(dtype):
    """Set the dtype of new tensors and layers made from non-floating data (float32 or float64)."""
    global _default_dtype
    _default_dtype = float_dtype(dtype, "set_default_dtype")


def get_default_dtype():
    return _default_dtype


def tensor_dtype(dtype, who="Tensor"):
    """The dtype a tensor may hold: float32/float64 (``float_dtype``'s names), or a boolean
    or integer dtype (masks, labels, indices; they never require a gradient)."""
    resolved = _numpy_dtype(dtype)
    if resolved is not None and any(resolved == d for d in FLOAT_DTYPES):
        return resolved
    if resolved is None or resolved.kind not in "biu" or not resolved.isnative:
        raise DtypeError(f"{who}: dtype must be float32 or float64 (or a bool or integer dtype for "
                        f"labels and masks), got {dtype!r}")
    return resolved


def as_array(data, dtype=None):
    """``data`` as a numpy array under tinynet's dtype rules (no copy when possible).

    An explicit ``dtype`` goes through :func:`tensor_dtype`.
    """
    if dtype is not None:
        return np.asarray(data, dtype=tensor_dtype(dtype))
    if isinstance(data, np.ndarray) and data.dtype.kind == "f":
        return data
    arr = np.asarray(data)
    if arr.dtype.kind == "f" and isinstance(data, np.generic):
        return arr
    if arr.dtype.kind in "biuf":
        return arr.astype(_default_dtype)
    raise TypeError(f"cannot make a tensor from {type(data).__name__} with dtype {arr.dtype}")
