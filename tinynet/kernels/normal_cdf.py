"""The standard normal CDF and its inverse, accurate far into the tails (numba).

The truncated-normal sampler is an inverse-CDF sampler, so it is only as good as these two
functions *in the tails*: an interval such as [5, inf) holds a probability of 2.9e-7, and a
CDF computed as ``1 - something`` would lose all of its digits there.

CDF:      Phi(x) = erfc(-x / sqrt(2)) / 2
          ``erfc`` keeps full relative precision for large positive arguments, so Phi(x)
          is accurate (relative error ~1e-16) for every x <= 0, down to Phi(-38) ~ 1e-316.
          Callers who need the upper tail use the symmetry 1 - Phi(x) = Phi(-x).

Inverse:  x = Phi^-1(p), Wichura's algorithm AS 241 (PPND16), "The percentage points of
          the normal distribution", Applied Statistics 37(3), 477-484, 1988. Three
          rational approximations of degree 7/7, each with relative error below 1e-16:
            |p - 1/2| <= 0.425:   x = q A(r) / B(r),  q = p - 1/2, r = 0.180625 - q^2
            otherwise, with r = sqrt(-ln(min(p, 1 - p))):
              r <= 5:             x = C(r - 1.6) / D(r - 1.6)
              r >  5:             x = E(r - 5) / F(r - 5)         (p < 1.4e-11)
          and the sign of q. Because the tails are parametrised by ``min(p, 1 - p)``,
          passing a small p directly (never 1 - small) keeps every digit.
"""
import math

import numpy as np
from numba import njit

SQRT1_2 = 0.7071067811865476                    # 1 / sqrt(2)

# AS 241 coefficients, constant term first (the paper's a, b, c, d, e, f).
_A = (3.3871328727963666080, 1.3314166789178437745e2, 1.9715909503065514427e3,
      1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
      3.3430575583588128105e4, 2.5090809287301226727e3)
_B = (1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
      2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
      5.2264952788528545610e3)
_C = (1.42343711074968357734, 4.63033784615654529590, 5.76949722146069140550,
      3.64784832476320460504, 1.27045825245236838258, 2.41780725177450611770e-1,
      2.27238449892691845833e-2, 7.74545014278341407640e-4)
_D = (1.0, 2.05319162663775882187, 1.67638483018380384940, 6.89767334985100004550e-1,
      1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
      1.05075007164441684324e-9)
_E = (6.65790464350110377720, 5.46378491116411436990, 1.78482653991729133580,
      2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
      2.71155556874348757815e-5, 2.01033439929228813265e-7)
_F = (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
      7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
      2.04426310338993978564e-15)


@njit(cache=True, error_model="numpy")
def _horner7(c, x):
    """c[0] + c[1] x + ... + c[7] x^7, evaluated from the highest power down."""
    return ((((((c[7] * x + c[6]) * x + c[5]) * x + c[4]) * x + c[3]) * x + c[2]) * x
            + c[1]) * x + c[0]


@njit(cache=True, error_model="numpy")
def norm_cdf(x):
    """Phi(x) for a float64 x; relative precision is kept for x <= 0 (the lower tail)."""
    return 0.5 * math.erfc(-x * SQRT1_2)


@njit(cache=True, error_model="numpy")
def norm_ppf(p):
    """Phi^-1(p) for p in [0, 1] (AS 241); returns -inf at 0 and +inf at 1."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * _horner7(_A, r) / _horner7(_B, r)
    tail = p if q < 0.0 else 1.0 - p
    if tail <= 0.0:
        return -math.inf if q < 0.0 else math.inf
    r = math.sqrt(-math.log(tail))
    if r <= 5.0:
        r -= 1.6
        x = _horner7(_C, r) / _horner7(_D, r)
    else:
        r -= 5.0
        x = _horner7(_E, r) / _horner7(_F, r)
    return -x if q < 0.0 else x


_LN2 = math.log(2.0)
_SQRT2_BITS = np.int64(0x3FF6A09E667F3BCD)      # bits of float64(sqrt 2)
_ONE_BITS = np.int64(0x3FF0000000000000)        # bits of 1.0: exponent 1023, mantissa 0
_MANTISSA = np.int64(0x000FFFFFFFFFFFFF)
_EXP_ONE = np.int64(1 << 52)                    # 1 in the exponent field
TINY = 2.2250738585072014e-308                  # smallest normal float64
_ATANH = tuple(1.0 / (2 * j + 1) for j in range(11))     # 1, 1/3, ..., 1/21


@njit(cache=True, error_model="numpy")
def _atanh_series(s2):
    """1 + s2/3 + s2^2/5 + ... + s2^10/21, so that atanh(s) = s * series(s^2)."""
    a = _ATANH
    return a[0] + s2 * (a[1] + s2 * (a[2] + s2 * (a[3] + s2 * (a[4] + s2 * (a[5] + s2 * (
        a[6] + s2 * (a[7] + s2 * (a[8] + s2 * (a[9] + s2 * a[10])))))))))


@njit(cache=True, error_model="numpy", inline="always")
def tail_ppf(t):
    """Phi^-1(t) for a lower-tail probability TINY <= t < 0.075 (AS 241's outer branches),
    written without a library call or a data-dependent branch, so that a loop of it over
    many t compiles to SIMD code.

    ln t is computed from the float's bits, as in :mod:`.boxmuller`: t = 2^e m with m in
    [1/sqrt2, sqrt2), ln t = e ln 2 + 2 atanh((m - 1)/(m + 1)); 11 terms of the atanh
    series leave a truncation error below 1e-17. Only normal floats are handled: a
    subnormal t (below 2.2e-308, i.e. x below -37.5) must go through :func:`norm_ppf`.
    """
    b = np.float64(t).view(np.int64)
    m_bits = (b & _MANTISSA) | _ONE_BITS
    big = m_bits > _SQRT2_BITS
    exponent = ((b >> 52) - 1023) + (1 if big else 0)
    m = np.int64(m_bits - (_EXP_ONE if big else 0)).view(np.float64)
    s = (m - 1.0) / (m + 1.0)
    log_t = exponent * _LN2 + 2.0 * s * _atanh_series(s * s)
    r = math.sqrt(-log_t)
    near = r <= 5.0
    rn = r - 1.6 if near else r - 5.0
    num = _horner7(_C, rn) if near else _horner7(_E, rn)
    den = _horner7(_D, rn) if near else _horner7(_F, rn)
    return -num / den
