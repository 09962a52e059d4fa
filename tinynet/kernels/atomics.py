"""Atomic operations on int64 arrays, raw addresses as arrays, and two libc calls, for numba code.

    from tinynet.kernels.atomics import load, store, compare_exchange, fetch_add
    w = load(ctl, 0)                        # ctl[0], read with acquire ordering
    store(ctl, 0, w + 1)                    # ctl[0] = w + 1, with release ordering
    if compare_exchange(ctl, 0, w, w + 1):  # ctl[0] = w + 1 if it still is w (one atomic step)
        ...
    old = fetch_add(ctl, 8, 1)              # ctl[8] += 1 in one atomic step; returns the old value
    x = as_array(address, length, like)     # the `length` elements of like's dtype at `address`
    now_ns()                                # a monotonic clock, in nanoseconds
    sleep_ns(100_000)                       # sleep for about 0.1 ms
    yield_cpu()                             # let another thread have this CPU for a moment

Why these? :mod:`.gemm_team` lets threads share a product's blocks inside compiled code,
with no Python (and so no GIL) between one block and the next. Threads that run at the
same time on one array need its reads and writes to be *atomic* (never half-done) and
*ordered*: a thread that sees "job 7 is ready" must also see everything the publisher
wrote about job 7 before it said so. ``store`` (release) and ``load`` (acquire) give
exactly that pairing; ``compare_exchange`` and ``fetch_add`` are read-modify-writes that
no other thread can interleave with, and are both acquire and release. numba has no
such operations for the CPU, so they are written here as LLVM's own ``load atomic``,
``store atomic``, ``cmpxchg`` and ``atomicrmw`` instructions (numba's ``@intrinsic``).

``now_ns`` is libc's ``clock_gettime(CLOCK_MONOTONIC)``, ``sleep_ns`` its ``nanosleep``
and ``yield_cpu`` its ``sched_yield``, all called from compiled code. :data:`AVAILABLE` says whether this
platform has them (Linux does; elsewhere :mod:`.gemm_team` is not used).
"""
import sys

import numpy as np
from numba import carray, njit, types
from numba.core import cgutils
from numba.extending import intrinsic

AVAILABLE = sys.platform.startswith("linux")
_CLOCK_MONOTONIC = 1   # <time.h> on Linux


def _item_pointer(context, builder, array_type, array, index):
    """LLVM pointer to array[index] (1-D array, no wraparound)."""
    ary = context.make_array(array_type)(context, builder, array)
    return cgutils.get_item_pointer(context, builder, array_type, ary, [index], wraparound=False)


def _operands(context, builder, signature, args):
    """(pointer to array[index], the remaining arguments as int64) of an atomic intrinsic."""
    ptr = _item_pointer(context, builder, signature.args[0], args[0], args[1])
    values = [context.cast(builder, arg, typ, types.int64)
              for arg, typ in zip(args[2:], signature.args[2:])]
    return ptr, *values


def _check(array_type):
    if not (isinstance(array_type, types.Array) and array_type.ndim == 1
            and array_type.dtype == types.int64):
        raise TypeError(f"atomic operations take a 1-D int64 array, got {array_type}")


@intrinsic
def load(typingctx, array, index):
    """array[index], read atomically with acquire ordering."""
    _check(array)

    def codegen(context, builder, signature, args):
        ptr, = _operands(context, builder, signature, args)
        return builder.load_atomic(ptr, "acquire", 8)
    return types.int64(array, index), codegen


@intrinsic
def store(typingctx, array, index, value):
    """array[index] = value, written atomically with release ordering."""
    _check(array)

    def codegen(context, builder, signature, args):
        ptr, val = _operands(context, builder, signature, args)
        builder.store_atomic(val, ptr, "release", 8)
        return context.get_dummy_value()
    return types.void(array, index, value), codegen


@intrinsic
def compare_exchange(typingctx, array, index, expected, new):
    """If array[index] == expected, set it to new; True if it did (one atomic step)."""
    _check(array)

    def codegen(context, builder, signature, args):
        ptr, old, val = _operands(context, builder, signature, args)
        result = builder.cmpxchg(ptr, old, val, "acq_rel", "acquire")
        return builder.extract_value(result, 1)
    return types.boolean(array, index, expected, new), codegen


@intrinsic
def fetch_add(typingctx, array, index, value):
    """array[index] += value in one atomic step; returns the value before."""
    _check(array)

    def codegen(context, builder, signature, args):
        ptr, val = _operands(context, builder, signature, args)
        return builder.atomic_rmw("add", ptr, val, "acq_rel")
    return types.int64(array, index, value), codegen


@intrinsic
def _pointer(typingctx, address, like):
    """``address`` (an integer) as a pointer to elements of like's dtype."""
    pointer_type = types.CPointer(like.dtype)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], context.get_value_type(pointer_type))
    return pointer_type(address, like), codegen


_sched_yield = types.ExternalFunction("sched_yield", types.intc())
_nanosleep = types.ExternalFunction("nanosleep", types.intc(types.voidptr, types.voidptr))
_clock_gettime = types.ExternalFunction("clock_gettime", types.intc(types.intc, types.voidptr))


@njit(cache=True)
def as_array(address, shape, like):
    """The C-ordered array of shape ``shape`` and like's dtype whose data starts at ``address``.

    Nothing is copied or checked: the caller keeps the memory alive and in bounds.
    """
    return carray(_pointer(address, like), shape)


@njit(cache=True)
def now_ns():
    """A monotonic clock in nanoseconds (``clock_gettime(CLOCK_MONOTONIC)``)."""
    timespec = np.empty(2, np.int64)   # {seconds, nanoseconds}, both 64-bit on Linux x86-64/arm64
    _clock_gettime(_CLOCK_MONOTONIC, timespec.ctypes)   # .ctypes: the data's address, as void *
    return timespec[0] * 1_000_000_000 + timespec[1]


@njit(cache=True)
def sleep_ns(duration):
    """Sleep for about ``duration`` nanoseconds (``nanosleep``; the thread gives up its CPU)."""
    timespec = np.empty(2, np.int64)
    timespec[0], timespec[1] = duration // 1_000_000_000, duration % 1_000_000_000
    _nanosleep(timespec.ctypes, timespec.ctypes)   # the 2nd receives the time left if woken early


@njit(cache=True)
def yield_cpu():
    """Offer this CPU to another runnable thread (``sched_yield``)."""
    _sched_yield()
