"""tinynet: a from-scratch deep-learning framework that teaches weight initialization.

    import tinynet as tn
    from tinynet import nn, init, optim, data

Read it bottom-up, as the lessons do: ``kernels`` (numba matmul and random numbers),
``init`` (the initializer catalogue), ``tensor``/``functional`` (autograd), ``nn``,
``optim``, ``train``, ``diagnostics``, ``lab``.
"""
from .interrupts import quiet_while_starting

quiet_while_starting()  # the `tinynet` command: Ctrl-C during these imports is one line, not a traceback
from . import kernels  # noqa: E402
from .autograd import no_grad
from .dtypes import get_default_dtype, set_default_dtype
from .tensor import Tensor, tensor
from . import functional
from .functional import concatenate, stack, where
from .gradcheck import GradcheckError, GradcheckReport, gradcheck
from . import init, nn, optim
from .checkpoint import load, save

__version__ = "0.1.0"


def __getattr__(name):
    # tinynet.data (file formats, downloads: urllib, http, ssl) loads on first use, so that
    # `import tinynet` stays quick; `from tinynet import data` and `tinynet.data` work as before.
    if name == "data":
        import importlib
        return importlib.import_module(".data", __name__)
    raise AttributeError(f"module 'tinynet' has no attribute {name!r}")


def manual_seed(seed):
    """Seed every tinynet random stream: initializers without a seed, Dropout masks."""
    return kernels.random.manual_seed(seed)


__all__ = [
    "Tensor", "tensor", "concatenate", "stack", "where", "no_grad", "manual_seed", "gradcheck", "GradcheckError", "GradcheckReport",
    "set_default_dtype", "get_default_dtype", "save", "load", "kernels", "functional", "init",
    "nn", "optim", "data",
]
