"""The named variance-scaling schemes: LeCun, Glorot (Xavier) and He, exactly as Keras 3.

Each is ``VarianceScaling(scale, mode, distribution)`` with fixed arguments; only the seed
is configurable, so ``get_config()`` is ``{"seed": ...}`` as in Keras.

    ===============  =====  =======  ==================  ==================================
    scheme           scale  mode     std                 uniform bound
    ===============  =====  =======  ==================  ==================================
    lecun_*          1      fan_in   sqrt(1/fan_in)      sqrt(3/fan_in)
    glorot_*         1      fan_avg  sqrt(2/(in+out))    sqrt(6/(in+out))
    he_*             2      fan_in   sqrt(2/fan_in)      sqrt(6/fan_in)
    ===============  =====  =======  ==================  ==================================

The ``*_normal`` variants draw a normal truncated at +-2 sigma and rescaled so that the
final std is the table's (see ``variance_scaling.py``); ``*_uniform`` draw U[-L, L].
"""
from .variance_scaling import VarianceScaling

__all__ = ["LecunNormal", "LecunUniform", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform"]


class _Named(VarianceScaling):
    _params = ()
    _fixed = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed=None):
        super().__init__(*self._fixed, seed=seed)


class LecunNormal(_Named):
    """Truncated normal with std sqrt(1 / fan_in) (LeCun et al. 1998, "Efficient BackProp").

    Keeps Var(z) = E[x^2] through a layer; the initializer for SELU networks
    (Klambauer et al. 2017) and for linear or symmetric activations with unit slope.

    >>> round(float(LecunNormal(seed=0)((784, 256)).std()), 4)  # 1/28 = 0.0357
    0.0357
    """

    _fixed = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Named):
    """Uniform on [-L, L], L = sqrt(3 / fan_in) (LeCun et al. 1998): std sqrt(1 / fan_in)."""

    _fixed = (1.0, "fan_in", "uniform")


class GlorotNormal(_Named):
    """Truncated normal with std sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio 2010).

    The compromise between keeping the forward activations' variance (fan_in) and the
    backward gradients' (fan_out); for tanh, sigmoid and softsign networks. Keras's name
    for what PyTorch calls Xavier (PyTorch's xavier_normal is *untruncated*: see
    ``torch_style.py``).
    """

    _fixed = (1.0, "fan_avg", "truncated_normal")


class GlorotUniform(_Named):
    """Uniform on [-L, L], L = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010, eq. 16).

    Keras's and tinynet's default kernel initializer. Identical in distribution to PyTorch's
    ``xavier_uniform_`` with gain 1.

    >>> w = GlorotUniform(seed=0)((784, 10))
    >>> bool(abs(w).max() <= (6 / 794) ** 0.5)
    True
    """

    _fixed = (1.0, "fan_avg", "uniform")


class HeNormal(_Named):
    """Truncated normal with std sqrt(2 / fan_in) (He et al. 2015, "Delving Deep into Rectifiers").

    ReLU zeroes half of a symmetric pre-activation, so E[a^2] = Var(z) / 2; doubling the
    weight variance keeps Var(z) constant from layer to layer. For ReLU-family networks.
    PyTorch's kaiming_normal draws an *untruncated* normal with the same std.

    >>> round(float(HeNormal(seed=0)((784, 256)).std()), 4)     # sqrt(2/784) = 0.0505
    0.0505
    """

    _fixed = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Named):
    """Uniform on [-L, L], L = sqrt(6 / fan_in) (He et al. 2015): std sqrt(2 / fan_in)."""

    _fixed = (2.0, "fan_in", "uniform")
