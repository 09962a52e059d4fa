"""Dirac: a convolution kernel that starts as the identity map (a discrete delta).

For a kernel ``(k_1, ..., k_d, in, out)`` (tinynet's and Keras's layout), Dirac puts a 1 at
the centre of the window, ``K[k_1//2, ..., k_d//2, c, c] = 1`` for every channel
``c < min(in, out)``, and zeros elsewhere. With "same" padding and stride 1 the layer then
copies input channel c to output channel c: ``conv(x, K) = x`` when in == out. The
extra output channels of a widening layer start at zero; the extra input channels of a
narrowing one are dropped. Zagoruyko & Komodakis (2017, "DiracNets") train deep plain
networks from this start; the 1-D analogue for Dense layers is ``init.Identity``.

``groups`` reproduces PyTorch's ``torch.nn.init.dirac_(tensor, groups)``: the output
channels are split into ``groups`` equal blocks and block g maps input channel d to its
d-th output channel (PyTorch's grouped kernel ``(out, in / groups, k...)`` reads here as
``(k..., in / groups, out)``). With ``groups=1`` the two are the same kernel. A rank-2
shape (a 1x1 convolution, or a Dense kernel) gives the identity matrix; ``dirac`` refuses
it as PyTorch does.
"""
import numpy as np

from .base import Initializer, resolve_dtype
from .fans import check_shape

__all__ = ["Dirac", "dirac"]


class Dirac(Initializer):
    """Identity-preserving conv kernel (module docstring); Keras-style name ``"dirac"``.

    >>> Dirac()((3, 3, 2, 2))[1, 1]
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """

    _params = ("groups",)
    _draws = False

    def __init__(self, groups=1):
        super().__init__(seed=None)
        if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
            raise ValueError(f"Dirac: groups must be a positive integer, got {groups!r}")
        self.groups = int(groups)

    def _sample(self, shape, dtype):
        dims = check_shape(shape, "Dirac")
        if not 2 <= len(dims) <= 5:
            raise ValueError(f"Dirac: needs a kernel (k..., in, out) of rank 2 to 5 (a rank-2 "
                             f"kernel is a 1x1 convolution: the identity matrix); got shape {shape!r}.")
        out_channels = dims[-1]
        if out_channels % self.groups:
            raise ValueError(f"Dirac: {out_channels} output channels (shape {shape!r}) do not split "
                             f"into groups={self.groups} equal blocks.")
        per_group = out_channels // self.groups
        w = np.zeros(dims, dtype=dtype)
        centre = tuple(k // 2 for k in dims[:-2])
        for g in range(self.groups):
            for d in range(min(per_group, dims[-2])):
                w[(*centre, d, g * per_group + d)] = 1
        return w


def dirac(shape, groups=1, dtype=None):
    """An array as PyTorch's ``dirac_(tensor, groups)`` fills it, in tinynet's layout.

    As PyTorch, only convolution kernels of rank 3, 4 or 5 are accepted."""
    dims = check_shape(shape, "dirac")
    if not 3 <= len(dims) <= 5:
        raise ValueError(f"dirac: only 3, 4 and 5-dimensional kernels are supported, as in "
                         f"PyTorch's dirac_; got shape {shape!r}. init.Dirac() also takes rank 2.")
    return Dirac(groups)(shape, resolve_dtype(dtype, "dirac"))
