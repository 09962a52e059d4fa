"""The initialization schemes the lab compares, and how a scheme is written on the command line.

A scheme is a Keras initializer name (``he_normal``), optionally with one number after a
colon for the schemes that take one:

    constant:0.5          every weight 0.5                     (value)
    random_normal:0.01    N(0, 0.01^2)                          (stddev)
    random_uniform:0.05   U[-0.05, 0.05]                        (half-width)
    truncated_normal:0.1  N(0, 0.1^2) cut at +-2 stddev         (stddev)
    orthogonal:1.0        orthogonal matrix times the gain      (gain)

and ``lsuv``, the data-dependent one (Mishkin & Matas 2015): an orthogonal start, then each
layer rescaled on a training batch until its output variance is 1.
"""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

from .. import init
from .errors import LabError

DEFAULT_SCHEMES = (
    "zeros", "constant:0.5", "random_normal:0.01", "random_normal:1", "lecun_normal",
    "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "orthogonal", "lsuv",
)

#: schemes that take a number, the Keras argument it sets, and how to build the initializer
_PARAMETRIC = {
    "constant": lambda p: init.Constant(value=p),
    "random_normal": lambda p: init.RandomNormal(mean=0.0, stddev=p),
    "random_uniform": lambda p: init.RandomUniform(minval=-p, maxval=p),
    "truncated_normal": lambda p: init.TruncatedNormal(mean=0.0, stddev=p),
    "orthogonal": lambda p: init.Orthogonal(gain=p),
}

#: plain names the lab offers (any other name init.get accepts works too)
KNOWN = ("zeros", "ones", "lecun_normal", "lecun_uniform", "glorot_normal", "glorot_uniform",
         "he_normal", "he_uniform", "orthogonal", "lsuv") + tuple(f"{k}:<number>" for k in _PARAMETRIC)


@dataclass(frozen=True)
class Scheme:
    """One scheme: ``label`` as written (the table row), ``name`` and optional ``param``."""

    label: str
    name: str
    param: float | None = None

    @property
    def data_dependent(self):
        return self.name == "lsuv"

    def initializer(self):
        """What Dense's ``kernel_initializer`` receives (lsuv starts from orthogonal)."""
        if self.name == "lsuv":
            return "orthogonal"
        if self.param is not None:
            return _PARAMETRIC[self.name](self.param)
        return self.name


def parse_scheme(text):
    """``"random_normal:0.01"`` -> Scheme; a clear :class:`LabError` for anything unknown."""
    label = text.strip()
    name, _, value = label.partition(":")
    name = name.strip().lower()
    if not name:
        raise LabError(f"empty scheme name in --inits; expected names such as {', '.join(DEFAULT_SCHEMES[:4])}")
    param = None
    if value:
        if name not in _PARAMETRIC:
            raise LabError(f"scheme {name!r} takes no ':number' (given {label!r}); only "
                           f"{', '.join(_PARAMETRIC)} do")
        try:
            param = float(value)
        except ValueError:
            raise LabError(f"scheme {label!r}: expected a number after ':', got {value!r}") from None
        if not math.isfinite(param):
            raise LabError(f"scheme {label!r}: the number after ':' must be finite, got {value.strip()!r}")
        if name != "constant" and not param > 0:
            raise LabError(f"scheme {label!r}: the scale must be positive, got {param}")
    scheme = Scheme(label, name, param)
    if name != "lsuv":
        try:
            init.get(scheme.initializer())
        except (ValueError, KeyError, TypeError, AttributeError):
            close = difflib.get_close_matches(name, [k.split(":")[0] for k in KNOWN], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise LabError(f"unknown initialization scheme {label!r}.{hint} Expected one of: "
                           f"{', '.join(KNOWN)}") from None
    return scheme


def parse_schemes(text_or_list):
    """A comma-separated string (or a list of strings) -> list of Schemes, in order. The same
    scheme written twice (``he_normal,HE_NORMAL``, ``random_normal:1,random_normal:1.0``) is
    refused rather than trained twice under two labels."""
    items = text_or_list.split(",") if isinstance(text_or_list, str) else list(text_or_list)
    schemes = []
    for item in items:
        if isinstance(item, Scheme):
            scheme = item
        elif str(item).strip():
            scheme = parse_scheme(str(item))
        else:
            continue
        same = [s for s in schemes if (s.name, s.param) == (scheme.name, scheme.param)]
        if same:
            raise LabError(f"--inits names the same scheme twice ({same[0].label!r} and {scheme.label!r}); "
                           "each scheme is trained once, so remove one of them")
        schemes.append(scheme)
    if not schemes:
        raise LabError(f"--inits named no scheme (given {text_or_list!r}); expected a comma list "
                       f"such as 'zeros,he_normal,lsuv'")
    return schemes
