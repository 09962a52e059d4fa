"""One numba kernel source, two builds: ``parallel=False`` and ``parallel=True``.

    @serial_and_parallel
    def fill(out, ...):
        for t in prange(tasks):     # a plain range in the serial build
            ...

    fill.serial(out, ...)           # runs on the calling thread, never wakes the workers
    fill.parallel(out, ...)         # splits the prange over numba's threads

Why two builds? Entering a ``parallel=True`` region wakes the threading layer's worker
threads and waits for all of them to finish, even for a single task. On an idle machine
that costs microseconds; on a loaded one a sleeping worker waits for a time slice, which
has been measured at ~11-22 ms per call. A small request is better served by the serial
build; :mod:`.samplers` decides which build runs.

Why clone the function? numba's on-disk cache (``cache=True``) names a function's files
after its module, ``__qualname__`` and first line (``samplers._uniform_f32-183.py311.nbi``)
and keys the entries of that index by signature, CPU and a hash of the bytecode -- not by
the ``parallel`` option. Two dispatchers made from the same function would share one index
and, in a later process, each would load whichever machine code the other stored first.
Each build here is made from its own copy of the function (same code object, globals and
defaults) with its own qualname (``_uniform_f32_serial``, ``_uniform_f32_parallel``), so
each has its own cache files.

With ``NUMBA_DISABLE_JIT=1`` ``njit`` returns the function itself, so both builds are the
plain Python copies and ``prange`` is numba's pure-Python ``range``.
"""
import types
from typing import NamedTuple

from numba import njit

OPTIONS = dict(cache=True, error_model="numpy")   # error_model: see the samplers docstring


class Builds(NamedTuple):
    """One kernel source compiled twice: without and with ``parallel=True``."""
    serial: object
    parallel: object


def renamed(function, suffix):
    """A copy of ``function`` (same code, globals, defaults, closure) named ``<name><suffix>``."""
    clone = types.FunctionType(function.__code__, function.__globals__,
                               function.__name__ + suffix, function.__defaults__,
                               function.__closure__)
    clone.__qualname__ = function.__qualname__ + suffix
    clone.__module__ = function.__module__
    clone.__doc__ = function.__doc__
    clone.__kwdefaults__ = function.__kwdefaults__
    return clone


def serial_and_parallel(function):
    """Decorator: the :class:`Builds` of ``function``, each with its own cache files."""
    return Builds(serial=njit(**OPTIONS)(renamed(function, "_serial")),
                  parallel=njit(parallel=True, **OPTIONS)(renamed(function, "_parallel")))
