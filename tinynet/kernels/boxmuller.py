"""Box-Muller in float32 with a logarithm and a sine/cosine the compiler can vectorize.

Box & Muller (1958): for independent u1 in (0, 1] and u2 in [0, 1),

    r = sqrt(-2 ln u1),   theta = 2 pi u2,   (z1, z2) = (r cos theta, r sin theta)

are two independent N(0, 1) values. The cost is one log, one sqrt, one sin and one cos per
pair. Without a vector math library the compiler calls the scalar C ``logf``/``sinf``/
``cosf`` one value at a time, and these calls dominate; so this module computes them with
plain arithmetic that runs 8 values per SIMD instruction. Each step is exact math plus a
short series whose truncation error is below float32's rounding (2^-24 ~ 6e-8):

ln u (u a normal float32 in (0, 1]):
    write u = 2^e m with the exponent e and mantissa m read from the float's bits, and
    move m into [1/sqrt 2, sqrt 2) (halving it and adding 1 to e when m > sqrt 2). Then
        ln u = e ln 2 + ln m,   ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + s^7/7 + s^9/9 + ...)
    with s = (m - 1)/(m + 1), |s| <= 0.172, so the first omitted term is below 3e-10.

cos and sin of theta = 2 pi k / 2^24 (k a 24-bit integer):
    the top 2 bits of k give the quadrant q, the other 22 bits an angle phi in [0, pi/2);
    Taylor series of degrees 12 (cos) and 13 (sin) on [0, pi/2) err by less than 1e-8,
    and the quadrant turns (cos phi, sin phi) by q quarter turns:
        q = 0: ( c,  s)   q = 1: (-s,  c)   q = 2: (-c, -s)   q = 3: ( s, -c)

The float bits are read through an int32 *view* of a float32 buffer, which works the same
in compiled code and in plain numpy (``NUMBA_DISABLE_JIT=1``).
"""
import math

import numpy as np
from numba import njit

_LN2 = np.float32(math.log(2.0))
_SQRT2_BITS = np.int32(0x3FB504F3)        # bits of float32(sqrt 2)
_ONE_BITS = np.int32(0x3F800000)          # bits of 1.0f: exponent 127, mantissa 0
_MANTISSA = np.int32(0x007FFFFF)
_EXP_ONE = np.int32(0x00800000)           # 1 in the exponent field
_HALF_PI_2M22 = np.float32(0.5 * math.pi * 2.0 ** -22)
_F1 = np.float32(1.0)
_F2 = np.float32(2.0)
_U22 = np.uint64(22)
_LOW22 = np.uint64(0x3FFFFF)
# Taylor-series factors written as reciprocals: 1/(2*3), 1/(4*5), ... for sin; 1/(1*2), ... for cos.
_S = tuple(np.float32(1.0 / ((2 * j) * (2 * j + 1))) for j in range(1, 7))
_C = tuple(np.float32(1.0 / ((2 * j - 1) * (2 * j))) for j in range(1, 7))
_ATANH = tuple(np.float32(1.0 / (2 * j + 1)) for j in range(5))     # 1, 1/3, ..., 1/9


@njit(cache=True, error_model="numpy")
def log_f32(u, bits, exponent, out):
    """out[i] = ln u[i] for normal positive float32 ``u``; ``bits`` is ``u``'s int32 view
    (it is overwritten), ``exponent`` an int32 scratch array of the same length."""
    n = u.size
    for i in range(n):                              # split u = 2^e m, m in [1/sqrt2, sqrt2)
        b = bits[i]
        m_bits = (b & _MANTISSA) | _ONE_BITS        # m in [1, 2)
        big = m_bits > _SQRT2_BITS
        exponent[i] = ((b >> 23) - 127) + (1 if big else 0)
        bits[i] = m_bits - (_EXP_ONE if big else 0)
    for i in range(n):                              # ln m by the atanh series, plus e ln 2
        m = u[i]
        s = (m - _F1) / (m + _F1)
        s2 = s * s
        series = _ATANH[0] + s2 * (_ATANH[1] + s2 * (_ATANH[2] + s2 * (_ATANH[3] + s2 * _ATANH[4])))
        out[i] = np.float32(exponent[i]) * _LN2 + _F2 * s * series


@njit(cache=True, error_model="numpy")
def cos_sin_f32(k24):
    """(cos, sin) of 2 pi k / 2^24 for a 24-bit unsigned integer k, in float32."""
    q = k24 >> _U22
    phi = np.float32(k24 & _LOW22) * _HALF_PI_2M22
    x = phi * phi
    c = _F1 - x * _C[0] * (_F1 - x * _C[1] * (_F1 - x * _C[2] * (
        _F1 - x * _C[3] * (_F1 - x * _C[4] * (_F1 - x * _C[5])))))
    s = phi * (_F1 - x * _S[0] * (_F1 - x * _S[1] * (_F1 - x * _S[2] * (
        _F1 - x * _S[3] * (_F1 - x * _S[4] * (_F1 - x * _S[5]))))))
    odd = (q & np.uint64(1)) == np.uint64(1)
    cq = s if odd else c
    sq = c if odd else s
    cq = -cq if (q == np.uint64(1) or q == np.uint64(2)) else cq
    sq = -sq if q >= np.uint64(2) else sq
    return cq, sq
