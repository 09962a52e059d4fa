"""The std of a standard normal truncated to [-c, c], computed rather than hard-coded.

For Z ~ N(0, 1) conditioned on |Z| <= c, with density phi and CDF Phi,

    Var(Z | |Z| <= c) = 1 - 2 c phi(c) / (2 Phi(c) - 1),      Phi(c) = (1 + erf(c/sqrt 2)) / 2

(the general formula 1 + (a phi(a) - b phi(b)) / (Phi(b) - Phi(a)) with a = -c, b = c).
At c = 2 the std is 0.87962566103423978..., the constant Keras divides by so that a
truncated-normal initializer has exactly the std its formula asks for.
"""
import math

__all__ = ["truncated_std", "CUTOFF"]

CUTOFF = 2.0  # where Keras and TensorFlow cut: +-2 std of the underlying normal


def truncated_std(c=CUTOFF):
    """Std of N(0, 1) restricted to [-c, c] (c > 0); ``truncated_std(2.0) ~ 0.8796256610342398``."""
    c = float(c)
    if not c > 0:
        raise ValueError(f"truncated_std: the cut-off must be > 0; got {c}.")
    phi = math.exp(-0.5 * c * c) / math.sqrt(2.0 * math.pi)
    mass = math.erf(c / math.sqrt(2.0))          # 2 Phi(c) - 1, without cancellation
    return math.sqrt(1.0 - 2.0 * c * phi / mass)
