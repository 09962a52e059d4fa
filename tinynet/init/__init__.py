"""tinynet.init: the weight-initializer catalogue, exact to Keras 3 and PyTorch.

    from tinynet import init
    init.get("he_normal")((784, 256))          # Keras name -> Initializer -> array (fan_in, fan_out)
    init.HeNormal(seed=0)((784, 256))          # reproducible; the n-th call uses stream n
    init.compute_fans((3, 3, 16, 32))          # (144, 288)
    init.calculate_gain("leaky_relu", 0.2)     # PyTorch's table
    init.kaiming_normal((784, 256))            # PyTorch's draw (untruncated), tinynet's layout
    init.lsuv(model, x_batch)                  # data-dependent: unit variance layer by layer

Read it in this order: ``fans`` and ``gain`` (the two numbers every scheme needs),
``base`` (the protocol and the seed rule), ``constants`` and ``random_basic`` (the
schemes that ignore the layer's size), ``truncation`` and ``variance_scaling`` (the one
core), ``schemes`` (LeCun, Glorot, He), ``orthogonal``, ``torch_style``, ``lsuv``,
``registry``. docs/initializers.md maps every name to Keras and PyTorch.
"""
from .base import Initializer
from .constants import Constant, Identity, Ones, Zeros
from .dirac import Dirac, dirac
from .fans import compute_fans
from .gain import calculate_gain
from .lsuv import LSUVLayerReport, lsuv
from .orthogonal import Orthogonal
from .random_basic import RandomNormal, RandomUniform, TruncatedNormal
from . import residual
from .residual import depth_scale
from .registry import NAMES, FunctionInitializer, deserialize, get, serialize
from .sparse import Sparse, torch_sparse
from .schemes import GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform
from .torch_style import (KaimingNormal, KaimingUniform, XavierNormal, XavierUniform,
                          kaiming_normal, kaiming_uniform, trunc_normal, xavier_normal,
                          xavier_uniform)
from .truncation import truncated_std
from .variance_scaling import VarianceScaling

__all__ = [
    "Initializer", "get", "serialize", "deserialize", "NAMES", "FunctionInitializer",
    "compute_fans", "calculate_gain", "truncated_std",
    "Zeros", "Ones", "Constant", "Identity",
    "RandomNormal", "RandomUniform", "TruncatedNormal",
    "VarianceScaling", "LecunNormal", "LecunUniform", "GlorotNormal", "GlorotUniform",
    "HeNormal", "HeUniform", "Orthogonal",
    "KaimingNormal", "KaimingUniform", "XavierNormal", "XavierUniform",
    "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
    "lsuv", "LSUVLayerReport", "Sparse", "torch_sparse", "trunc_normal",
    "Dirac", "dirac", "residual", "depth_scale",
]
