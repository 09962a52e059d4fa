"""Which floating dtype a new tensor gets.

numpy's rules, with one tinynet default: a floating array keeps its dtype; Python
numbers, lists and integer arrays become the *default* dtype, float32 unless
``set_default_dtype(np.float64)`` says otherwise (float64 is what a gradient check or an
exact-symmetry claim needs).
"""
import numpy as np

_FLOATS = (np.float32, np.float64)
_default_dtype = np.dtype(np.float32)


def set_default_dtype(dtype):
    """Set the dtype of new tensors and layers made from non-floating data."""
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype.type not in _FLOATS:
        raise ValueError(f"the default dtype must be float32 or float64, got {dtype}")
    _default_dtype = dtype


def get_default_dtype():
    return _default_dtype


def as_array(data, dtype=None):
    """``data`` as a numpy array under tinynet's dtype rules (no copy when possible)."""
    if dtype is not None:
        return np.asarray(data, dtype=np.dtype(dtype))
    if isinstance(data, np.ndarray) and data.dtype.kind == "f":
        return data
    arr = np.asarray(data)
    if arr.dtype.kind == "f" and isinstance(data, np.generic):
        return arr
    if arr.dtype.kind in "biuf":
        return arr.astype(_default_dtype)
    raise TypeError(f"cannot make a tensor from {type(data).__name__} with dtype {arr.dtype}")
