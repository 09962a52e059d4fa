"""Philox4x64-10: the counter-based bit generator under every tinynet random stream.

Why a counter-based generator
-----------------------------
A classic generator (Mersenne Twister, PCG) is a *sequence*: number 1000 can only be
reached by stepping through numbers 0..999, so two threads cannot fill two halves of an
array without agreeing on who goes first. A counter-based generator (Salmon et al., "Parallel
random numbers: as easy as 1, 2, 3", SC 2011) is instead a keyed *bijection*

    block = philox(counter, key)

that scrambles a counter into random-looking bits. Block ``c`` is computed directly from
``c``; any thread can compute any block, in any order, and the result never depends on who
computed it. That is what lets tinynet's samplers be parallel *and* bit-reproducible.

Which Philox: 4x64, because that is what numpy ships
----------------------------------------------------
Philox comes in widths 2x32, 4x32, 2x64 and 4x64. ``numpy.random.Philox`` is Philox4x64-10
(a 4 x 64-bit counter, a 2 x 64-bit key, 10 rounds), so it gives a bit-exact oracle for
exactly that variant and for no other. tinynet implements Philox4x64-10 so its raw output
can be checked against numpy bit for bit (``raw(key, counter, n) ==
numpy.random.Philox(key=key, counter=counter).random_raw(n)``), which is the whole point
of choosing a generator with a public reference.

The round function
------------------
With the counter ``(c0, c1, c2, c3)`` and the key ``(k0, k1)``, one round is

    (hi0, lo0) = M0 * c0            (full 128-bit product, split into halves)
    (hi1, lo1) = M1 * c2
    counter    = (hi1 ^ c1 ^ k0,  lo1,  hi0 ^ c3 ^ k1,  lo0)

and between rounds the key is bumped by the Weyl constants ``(W0, W1)`` (fractional parts
of the golden ratio and of sqrt(3), times 2^64), wrapping modulo 2^64. Ten rounds make the
output pass BigCrush. The 10 round keys depend only on the key, so :func:`round_keys`
computes them once per call, in Python integers, and the kernels only read them.

64 x 64 -> 128-bit multiply in 32-bit halves
--------------------------------------------
numba has no 128-bit integer, so the product ``a * b`` is assembled from four 32 x 32 -> 64
products, as by hand with two-digit numbers in base 2^32:

    a = ah 2^32 + al,   b = bh 2^32 + bl
    a b = ah bh 2^64 + (ah bl + al bh) 2^32 + al bl

Every partial sum below stays under 2^64, so nothing overflows (which also keeps numpy
quiet when the code runs as plain Python under ``NUMBA_DISABLE_JIT=1``).

numpy's counter convention
--------------------------
numpy *increments the counter before* computing a block: a fresh
``Philox(key=k, counter=c)`` first returns the four words of ``philox(c + 1, k)``, then
those of ``philox(c + 2, k)``, and so on (words in order 0, 1, 2, 3). :func:`raw` follows
the same convention; :func:`philox4x64` is the bare bijection.
"""
import numpy as np
from numba import njit

ROUNDS = 10
M0 = np.uint64(0xD2E7470EE14C6C93)      # multipliers from Salmon et al. (2011)
M1 = np.uint64(0xCA5A826395121157)
W0 = 0x9E3779B97F4A7C15                 # Weyl key increments: golden ratio, sqrt(3)
W1 = 0xBB67AE8584CAA73B
MASK64 = (1 << 64) - 1
LOW32 = np.uint64(0xFFFFFFFF)
S32 = np.uint64(32)
ONE = np.uint64(1)
ZERO = np.uint64(0)
MAX64 = np.uint64(MASK64)


def round_keys(key):
    """The 10 round keys of a 128-bit ``key`` as a uint64 array ``[k0, k1] * 10``.

    ``key`` is an int in [0, 2^128) (low 64 bits are ``k0``, as numpy reads it) or a pair
    ``(k0, k1)`` of ints in [0, 2^64). Round r uses ``(k0 + r W0, k1 + r W1) mod 2^64``.
    """
    if isinstance(key, (tuple, list)):
        k0, k1 = (int(k) for k in key)
        if not (0 <= k0 <= MASK64 and 0 <= k1 <= MASK64):
            raise ValueError(f"each key word must be in [0, 2**64); got {key!r}")
    else:
        key = int(key)
        if not 0 <= key < 1 << 128:
            raise ValueError(f"a Philox key must be an int in [0, 2**128); got {key}")
        k0, k1 = key & MASK64, key >> 64
    out = np.empty(2 * ROUNDS, dtype=np.uint64)
    for r in range(ROUNDS):
        out[2 * r] = (k0 + r * W0) & MASK64
        out[2 * r + 1] = (k1 + r * W1) & MASK64
    return out


@njit(cache=True)
def mulhilo(a, b):
    """(high, low) 64-bit halves of the 128-bit product ``a * b`` (uint64 inputs)."""
    al = a & LOW32
    ah = a >> S32
    bl = b & LOW32
    bh = b >> S32
    ll = al * bl
    lh = al * bh
    hl = ah * bl
    hh = ah * bh
    middle = (ll >> S32) + (lh & LOW32) + (hl & LOW32)        # < 3 * 2^32
    low = ((middle & LOW32) << S32) | (ll & LOW32)
    high = hh + (lh >> S32) + (hl >> S32) + (middle >> S32)
    return high, low


@njit(cache=True)
def philox_round(c0, c1, c2, c3, k0, k1):
    """One Philox4x64 round (S-box by multiplication, P-box by word permutation)."""
    hi0, lo0 = mulhilo(M0, c0)
    hi1, lo1 = mulhilo(M1, c2)
    return hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0


@njit(cache=True)
def philox4x64(c0, c1, c2, c3, rk):
    """The Philox4x64-10 bijection: counter words (uint64) and round keys -> 4 uint64.

    This is the reference form, one block at a time. The samplers compute many blocks at
    once, round by round (see ``samplers.philox_tile``), which gives the same words.
    """
    for r in range(ROUNDS):
        c0, c1, c2, c3 = philox_round(c0, c1, c2, c3, rk[2 * r], rk[2 * r + 1])
    return c0, c1, c2, c3


@njit(cache=True)
def _add_small(word, j):
    """(word + j) mod 2^64 and the carry out, for uint64 ``word`` and ``j``, without overflow."""
    if word > MAX64 - j:
        return j - (MAX64 - word) - ONE, ONE
    return word + j, ZERO


@njit(cache=True)
def _fill_raw(out, start, rk):
    """Blocks ``start, start + 1, ...`` (a 256-bit counter with carry) into ``out``."""
    n = out.size
    for j in range((n + 3) // 4):
        c0, carry = _add_small(start[0], np.uint64(j))
        c1, carry = _add_small(start[1], carry)
        c2, carry = _add_small(start[2], carry)
        c3, carry = _add_small(start[3], carry)
        x = philox4x64(c0, c1, c2, c3, rk)
        for w in range(min(4, n - 4 * j)):
            out[4 * j + w] = x[w]


def raw(key, counter, n):
    """The first ``n`` 64-bit words of ``numpy.random.Philox(key=key, counter=counter)``.

    ``counter`` is an int in [0, 2^256); as in numpy, the first block uses ``counter + 1``.
    This is the oracle link: tests compare it with numpy's ``random_raw`` bit for bit.
    """
    counter, n = int(counter), int(n)
    if not 0 <= counter < 1 << 256:
        raise ValueError(f"a Philox counter must be an int in [0, 2**256); got {counter}")
    if n < 0:
        raise ValueError(f"n must be >= 0; got {n}")
    start = (counter + 1) % (1 << 256)
    words = np.array([(start >> (64 * i)) & MASK64 for i in range(4)], dtype=np.uint64)
    out = np.empty(n, dtype=np.uint64)
    _fill_raw(out, words, round_keys(key))
    return out
