"""The one shape check shared by the initializers and the random samplers.

>>> check_shape((784, 256), "demo")
(784, 256)
>>> check_shape(3, "demo")
(3,)
>>> check_shape((2, -1), "demo")
Traceback (most recent call last):
    ...
ValueError: demo: dimensions must be >= 0; got shape (2, -1).
"""
import operator

__all__ = ["check_shape"]


def check_shape(shape, who, allow_zero=False):
    """``shape`` (an int or a sequence of ints) as a tuple of non-negative ints, or a clear error.

    ``allow_zero=False`` also refuses empty shapes (a dimension of 0): a variance-scaling
    initializer has no fan to scale by, and asking for one is almost always a wiring mistake.
    """
    if isinstance(shape, (str, bytes, bool)) or shape is None:
        raise TypeError(f"{who}: expected a shape such as (784, 256) (a tuple of ints); "
                        f"got {shape!r}.")
    try:
        dims = (operator.index(shape),)
    except TypeError:
        try:
            if any(isinstance(d, bool) for d in shape):   # True is not a size
                raise TypeError
            dims = tuple(operator.index(d) for d in shape)
        except TypeError:
            raise TypeError(f"{who}: expected a shape such as (784, 256) (a tuple of ints); "
                            f"got {shape!r}. Every dimension must be an integer.") from None
    if any(d < 0 for d in dims):
        raise ValueError(f"{who}: dimensions must be >= 0; got shape {shape!r}.")
    if not allow_zero and any(d == 0 for d in dims):
        raise ValueError(f"{who}: shape {shape!r} is empty (it has a dimension of 0), so it "
                         f"has no fan to scale by. Give every dimension a size >= 1, "
                         f"e.g. (784, 256).")
    return dims
