"""init.get: turn a name, a config dict, an Initializer or a function into an initializer.

Accepted identifiers (Keras's rules, plus tinynet's PyTorch-style names):

* a name: Keras's snake_case names (``"he_normal"``), the class names (``"HeNormal"``) and
  Keras's aliases (``"normal"``, ``"uniform"``, ``"zero"``, ``"one"``), plus
  ``"kaiming_*"`` / ``"xavier_*"`` for the PyTorch-style draws;
* an Initializer: returned as is (so sharing an instance shares its call counter);
* a config dict ``{"class_name": "HeNormal", "config": {"seed": 0}}`` (Keras's
  serialization; extra keys such as ``"module"`` are ignored);
* a callable ``fn(shape, dtype)``: wrapped so its result is checked and typed;
* a numpy array (or a Tensor): ``Constant(value=array)``, which returns that array for its
  shape (Keras's ``get(array)``);
* ``None``: returns None, as Keras does (a layer then uses its default).

``serialize(init)`` produces the dict that ``get`` reads back.
"""
import difflib

import numpy as np

from .base import Initializer
from .constants import Constant, Identity, Ones, Zeros
from .dirac import Dirac
from .fans import check_shape
from .orthogonal import Orthogonal
from .random_basic import RandomNormal, RandomUniform, TruncatedNormal
from .schemes import GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform
from .sparse import Sparse
from .torch_style import KaimingNormal, KaimingUniform, XavierNormal, XavierUniform
from .variance_scaling import VarianceScaling

__all__ = ["get", "serialize", "deserialize", "NAMES", "FunctionInitializer"]

_CLASSES = (Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal,
            VarianceScaling, LecunNormal, LecunUniform, GlorotNormal, GlorotUniform,
            HeNormal, HeUniform, Orthogonal, KaimingNormal, KaimingUniform,
            XavierNormal, XavierUniform, Dirac, Sparse)

# The canonical (Keras-style) lower-case name of every class.
NAMES = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "identity": Identity,
    "random_normal": RandomNormal, "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "glorot_normal": GlorotNormal, "glorot_uniform": GlorotUniform,
    "he_normal": HeNormal, "he_uniform": HeUniform, "orthogonal": Orthogonal,
    "kaiming_normal": KaimingNormal, "kaiming_uniform": KaimingUniform,
    "xavier_normal": XavierNormal, "xavier_uniform": XavierUniform,
    "dirac": Dirac, "sparse": Sparse,
}
# Keras 3's other registry keys (keras/src/initializers/__init__.py: the aliases "normal",
# "uniform", "zero", "one", "orthogonal"; OrthogonalInitializer's class name and its snake
# case "orthogonal_initializer"; IdentityInitializer, Identity's exported name), and every
# tinynet class name.
_ALIASES = {"normal": RandomNormal, "uniform": RandomUniform, "zero": Zeros, "one": Ones,
            "IdentityInitializer": Identity, "identity_initializer": Identity,
            "OrthogonalInitializer": Orthogonal, "orthogonal_initializer": Orthogonal,
            **{cls.__name__: cls for cls in _CLASSES}}
_LOOKUP = {**NAMES, **_ALIASES}


def _class_for(name):
    if name in _LOOKUP:
        return _LOOKUP[name]
    close = difflib.get_close_matches(name, list(_LOOKUP), n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown initializer {name!r}.{hint} Valid names: {', '.join(NAMES)} "
                     f"(class names such as 'HeNormal' and the aliases "
                     f"'normal', 'uniform', 'zero', 'one' work too).")


class FunctionInitializer(Initializer):
    """Wraps a plain function ``fn(shape, dtype) -> array`` in the Initializer protocol.

    The result is converted to the requested dtype and its shape checked, so a function
    that returns the wrong shape fails here, naming both shapes, rather than inside a layer.
    """

    _params = ("fn",)
    _draws = False

    def __init__(self, fn):
        super().__init__(seed=None)
        if not callable(fn):
            raise TypeError(f"FunctionInitializer: expected a callable fn(shape, dtype); got {fn!r}.")
        self.fn = fn

    def _sample(self, shape, dtype):
        dims = check_shape(shape, "FunctionInitializer", allow_zero=True)
        out = np.asarray(self.fn(dims, dtype), dtype=dtype)
        if out.shape != dims:
            raise ValueError(f"initializer function {getattr(self.fn, '__name__', self.fn)!r} "
                             f"returned shape {out.shape}; expected {dims}. It must return an "
                             f"array of exactly the shape it is given.")
        return out


def serialize(initializer):
    """``{"class_name": ..., "config": ...}`` for an Initializer (Keras's format)."""
    if not isinstance(initializer, Initializer):
        raise TypeError(f"serialize: expected an Initializer; got {initializer!r}.")
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config):
    """The inverse of ``serialize``: a new Initializer from a config dict."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"expected a config dict like {{'class_name': 'HeNormal', 'config': "
                         f"{{'seed': 0}}}}; got {config!r}.")
    inner = config.get("config") or {}
    return _class_for(config["class_name"]).from_config(dict(inner))


def get(identifier):
    """An initializer for ``identifier`` (a name, Initializer, config dict or callable).

    >>> get("he_normal")
    HeNormal(seed=None)
    >>> get({"class_name": "Constant", "config": {"value": 0.1}})
    Constant(value=0.1)
    >>> get(None) is None
    True
    """
    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, np.ndarray) or (hasattr(identifier, "__array__") and not callable(identifier)):
        return Constant(np.asarray(identifier))
    if isinstance(identifier, str):
        return _class_for(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return FunctionInitializer(identifier)
    raise TypeError(f"cannot interpret {identifier!r} as an initializer; expected a name such as "
                    f"'glorot_uniform', an Initializer instance, a config dict "
                    f"{{'class_name': ..., 'config': {{...}}}}, a function fn(shape, dtype), an "
                    f"array (returned as is) or None.")
