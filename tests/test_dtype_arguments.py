"""Every public ``dtype=`` in tinynet accepts what it documents and refuses the rest.

The bug this guards: ``np.dtype("float64") == None`` is True, so a dtype lookup that failed
to ``None`` passed as float64 (``init.HeUniform()((3, 3), dtype="flaot32")`` returned
float64). ``test_every_public_dtype_argument_is_swept`` walks the package, so a new
function with a ``dtype`` parameter and no case here fails the suite.
"""
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import tinynet as tn
from tinynet import data, init, nn
from tinynet.dtypes import DtypeError, as_array, float_dtype, tensor_dtype
from tinynet.init.base import resolve_dtype
from tinynet.lab import CompareConfig, LabError
from tinynet.init.base import Initializer
from tinynet.kernels import random as tr
from tinynet.lab import datasets as lab_datasets

BAD_FLOATS = ["flaot32", "foo", "bfloat16", "float16", "int64", "", np.int32, np.float16, int, bool,
              object, np.dtype("complex128"), 3.0, True, [np.float32]]
BAD_ANY = ["flaot32", "foo", "bfloat16", "float16", np.float16, object, np.dtype("complex128"), 3.0, [np.float32]]
GOOD = [np.float32, np.float64, "float32", "float64", np.dtype("float32"), float, "f8"]


def _initializer_classes():
    seen, stack = [], [Initializer]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if not sub.__name__.startswith("_") and sub.__module__.startswith("tinynet."):
                seen.append(sub)
    return seen


def _make(cls):
    if cls is init.FunctionInitializer:
        return cls(lambda shape, dtype: np.zeros(shape, dtype))
    return cls()


#: name -> (call with a dtype, the dtype None gives, or "refused")
SWEEP = {
    "tinynet.dtypes.set_default_dtype": (tn.set_default_dtype, "refused"),
    "tinynet.dtypes.float_dtype": (lambda d: float_dtype(d, "test"), "refused"),
    "tinynet.tensor.Tensor": (lambda d: tn.Tensor([1.0], dtype=d), "default"),
    "tinynet.tensor.tensor": (lambda d: tn.tensor([1.0], dtype=d), "default"),
    "tinynet.nn.module.Parameter": (lambda d: nn.Parameter([1.0], dtype=d), "default"),
    "tinynet.nn.dense.Dense": (lambda d: nn.Dense(3, 2, dtype=d), "default"),
    "tinynet.data.prepare.prepare_images": (lambda d: data.prepare_images(np.zeros((2, 2, 2), np.uint8), dtype=d), "refused"),
    "tinynet.data.prepare.one_hot": (lambda d: data.one_hot(np.array([0, 1]), dtype=d), "refused"),
    "tinynet.lab.datasets.load": (lambda d: lab_datasets.load("xor", dtype=d), "refused"),
    "tinynet.dtypes.as_array": (lambda d: as_array([1.0], d), "default"),
    "tinynet.dtypes.tensor_dtype": (tensor_dtype, "refused"),
    "tinynet.init.base.resolve_dtype": (lambda d: np.empty(0, resolve_dtype(d, "test")), "default"),
    "tinynet.init.base.Initializer": (lambda d: init.Zeros()((2,), dtype=d), "default"),  # the base's __call__
    "tinynet.init.dirac.dirac": (lambda d: init.dirac((3, 2, 2), dtype=d), "default"),
    "tinynet.lab.config.CompareConfig": (lambda d: CompareConfig(dtype=d), "config"),
    "tinynet.nn.conv.Conv2D": (lambda d: nn.Conv2D(1, 2, 3, dtype=d), "default"),
    "tinynet.nn.norm.BatchNorm": (lambda d: nn.BatchNorm(3, dtype=d), "default"),
    "tinynet.nn.norm.LayerNorm": (lambda d: nn.LayerNorm(3, dtype=d), "default"),
    "tinynet.kernels.random.Generator.uniform": (lambda d: tr.Generator(0).uniform((2,), dtype=d), "refused"),
    "tinynet.kernels.random.Generator.normal": (lambda d: tr.Generator(0).normal((2,), dtype=d), "refused"),
    "tinynet.kernels.random.Generator.truncated_normal": (lambda d: tr.Generator(0).truncated_normal((2,), dtype=d), "refused"),
    **{f"tinynet.init.torch_style.{f}": (lambda d, f=f: getattr(init, f)((3, 3), dtype=d), "default")
       for f in ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal")},
    **{f"tinynet.init.{cls.__module__.split('.')[-1]}.{cls.__name__}":
       (lambda d, cls=cls: _make(cls)((3, 3, 2, 2) if cls.__name__ == "Dirac" else (3, 3), dtype=d), "default")
       for cls in _initializer_classes()},
}
try:                                   # the lab's model builder (present once the --model option is in)
    from tinynet.lab import models as lab_models
    SWEEP["tinynet.lab.models.build"] = (lambda d: lab_models.build(CompareConfig(), 2, 3, "he_normal", d), "default")
except ImportError:
    pass
SWEEP["tinynet.init.torch_style.trunc_normal"] = (lambda d: init.trunc_normal((4, 3), dtype=d), "default")
SWEEP["tinynet.init.sparse.torch_sparse"] = (lambda d: init.torch_sparse((4, 3), 0.5, dtype=d), "default")

#: Tensor-like holders also accept integer and boolean dtypes (labels, masks)
HOLDS_ANY = {"tinynet.tensor.Tensor", "tinynet.tensor.tensor", "tinynet.dtypes.as_array", "tinynet.dtypes.tensor_dtype"}


@pytest.mark.parametrize("name", sorted(SWEEP))
def test_invalid_dtypes_are_refused_with_one_clear_line(name):
    call, kind = SWEEP[name]
    for bad in (BAD_ANY if name in HOLDS_ANY else BAD_FLOATS):
        with pytest.raises(LabError if kind == "config" else DtypeError) as err:
            call(bad)
        message = str(err.value)
        assert "\n" not in message and "float32 or float64" in message and repr(bad) in message, message
        assert isinstance(err.value, ValueError)
        assert kind == "config" or isinstance(err.value, TypeError)


@pytest.mark.parametrize("name", sorted(SWEEP))
def test_documented_dtypes_are_accepted(name):
    call, none_gives = SWEEP[name]
    try:
        for good in GOOD:
            out = call(good)
            got = getattr(out, "dtype", None)
            if isinstance(out, CompareConfig):
                got = out.np_dtype
            if got is not None:
                assert got == np.dtype(good), (good, got)
        if none_gives == "config":
            assert CompareConfig(dtype=None).dtype == "float64"     # documented: float64 on synthetic sets
        elif none_gives == "refused":
            if name != "tinynet.lab.datasets.load":
                with pytest.raises(DtypeError):
                    call(None)
        else:
            out = call(None)
            assert getattr(out, "dtype", tn.get_default_dtype()) == tn.get_default_dtype()
    finally:
        tn.set_default_dtype(np.float32)


def test_misspelled_dtype_no_longer_returns_float64():
    """The learner's case from the bug report, for the schemes it named."""
    for scheme in ("he_uniform", "zeros", "glorot_uniform", "orthogonal", "he_normal", "lecun_normal"):
        for bad in ("flaot32", "foo", "bfloat16"):
            with pytest.raises(TypeError, match=f"dtype must be float32 or float64.*got '{bad}'"):
                init.get(scheme)((3, 3), dtype=bad)


def test_tensor_keeps_integer_and_boolean_dtypes_when_asked():
    assert tn.Tensor([1, 2], dtype=np.int64).dtype == np.int64
    assert tn.Tensor([True], dtype=bool).dtype == bool
    with pytest.raises(TypeError, match="only floating tensors can require gradients"):
        tn.Tensor([1, 2], dtype=np.int64, requires_grad=True)


def _public_functions_with_a_dtype():
    found = set()
    for info in pkgutil.walk_packages(tn.__path__, "tinynet."):
        # mine_standins: the lessons' stand-ins that run a learner's own engine, always in float64
        if info.name.endswith("__main__") or info.name.startswith(("tinynet.lessons", "tinynet.lesson_tests", "tinynet.cli",
                                                                   "tinynet.notebook", "tinynet.mine_standins")):
            continue
        module = importlib.import_module(info.name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != info.name:
                continue
            targets = [(f"{info.name}.{attr}", obj)]
            if inspect.isclass(obj):
                targets = [(f"{info.name}.{attr}", obj.__init__)]
                targets += [(f"{info.name}.{attr}", obj.__call__)] if "__call__" in vars(obj) or issubclass(obj, Initializer) else []
                targets += [(f"{info.name}.{attr}.{m}", f) for m, f in vars(obj).items()
                            if not m.startswith("_") and inspect.isfunction(f)]
            for qualname, fn in targets:
                try:
                    params = inspect.signature(fn).parameters
                except (TypeError, ValueError):
                    continue
                if "dtype" in params:
                    found.add(qualname)
    return found


def test_every_public_dtype_argument_is_swept():
    missing = sorted(_public_functions_with_a_dtype() - set(SWEEP))
    assert not missing, f"public functions taking a dtype without a case in SWEEP: {missing}"
