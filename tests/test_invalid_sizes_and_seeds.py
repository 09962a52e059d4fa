"""Every public function that takes a seed or a size refuses an invalid one with a one-line
error, never rounding it and never accepting a seed of 2**64 or True quietly:

- an integer out of range (0, -3, a seed of -1 or 2**64) is a ValueError;
- a value that is not a whole number (2.5, True, "4") is a TypeError or a ValueError: numpy
  says TypeError, most of tinynet has said ValueError, and ``tinynet.checks`` (the shared
  check) raises ``NotAWholeNumber``, which is both.

(dtype arguments are swept by their own test.)"""
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import tinynet as tn
from tinynet import data, diagnostics, init, kernels, nn, optim, train
from tinynet.lab import CompareConfig

X = np.random.default_rng(0).standard_normal((8, 3))
Y = np.arange(8) % 2


def _model():
    return nn.Sequential(nn.Dense(3, 4, activation="relu"), nn.Dense(4, 2))


def _fit(**kw):
    model = _model()
    return train.fit(model, X, Y, optim.SGD(model.parameters(), lr=0.1), progress=False, **kw)


BAD_SEEDS = [-1, 2 ** 64, 1.5, True, "0"]
BAD_SIZES = [0, -3, 2.5, True, "4"]

SEEDED = {
    "tn.manual_seed": lambda s: tn.manual_seed(s),
    "kernels.random.Generator": lambda s: kernels.random.Generator(s),
    "data.DataLoader": lambda s: list(data.DataLoader(X, Y, batch_size=4, seed=s)),
    "data.train_test_split": lambda s: data.train_test_split(X, Y, seed=s),
    "train.fit": lambda s: _fit(batch_size=4, seed=s),
    "init.lsuv": lambda s: init.lsuv(_model(), X, seed=s),
    "diagnostics.layer_statistics": lambda s: diagnostics.layer_statistics(_model(), X, Y, seed=s),
    "tn.gradcheck": lambda s: tn.gradcheck(lambda a: (a * a).sum(), [tn.Tensor(np.ones(2), requires_grad=True)],
                                           seed=s),
}
for _name in ("circles", "moons", "spirals", "xor", "blobs"):
    SEEDED[f"data.{_name}"] = lambda s, f=getattr(data, _name): f(20, seed=s)
for _name in ("HeNormal", "HeUniform", "GlorotNormal", "GlorotUniform", "LecunNormal", "LecunUniform",
              "RandomNormal", "RandomUniform", "TruncatedNormal", "Orthogonal", "VarianceScaling",
              "KaimingNormal", "KaimingUniform", "XavierNormal", "XavierUniform", "Sparse"):
    if hasattr(init, _name):
        SEEDED[f"init.{_name}"] = lambda s, c=getattr(init, _name): c(seed=s)
for _name in ("kaiming_normal", "kaiming_uniform", "xavier_normal", "xavier_uniform", "trunc_normal", "torch_sparse"):
    if hasattr(init, _name):
        _extra = {"sparsity": 0.5} if _name == "torch_sparse" else {}
        SEEDED[f"init.{_name}"] = lambda s, f=getattr(init, _name), kw=_extra: f((4, 4), seed=s, **kw)

SIZED = {
    "nn.Dense in_features": lambda v: nn.Dense(v, 2),
    "nn.Dense out_features": lambda v: nn.Dense(2, v),
    "data.DataLoader batch_size": lambda v: data.DataLoader(X, Y, batch_size=v),
    "train.fit epochs": lambda v: _fit(epochs=v),
    "train.fit batch_size": lambda v: _fit(batch_size=v),
    "train.fit steps": lambda v: _fit(steps=v),
    "train.evaluate batch_size": lambda v: train.evaluate(_model(), X, Y, batch_size=v),
    "data.spirals classes": lambda v: data.spirals(20, classes=v),
    "init.lsuv max_iter": lambda v: init.lsuv(_model(), X, max_iter=v),
    "init shape": lambda v: init.HeNormal(seed=0)((v, 3)),
}
for _name in ("circles", "moons", "spirals", "xor", "blobs"):
    SIZED[f"data.{_name} n"] = lambda v, f=getattr(data, _name): f(v)
for _name in ("BatchNorm", "LayerNorm"):
    if hasattr(nn, _name):
        SIZED[f"nn.{_name} num_features"] = lambda v, c=getattr(nn, _name): c(v)
if hasattr(nn, "Conv2D"):
    SIZED["nn.Conv2D in_channels"] = lambda v: nn.Conv2D(v, 2, 3)
    SIZED["nn.Conv2D out_channels"] = lambda v: nn.Conv2D(2, v, 3)
    SIZED["nn.Conv2D kernel_size"] = lambda v: nn.Conv2D(2, 2, v)
for _name in ("depth", "width", "steps", "epochs", "batch_size", "samples", "seeds"):
    SIZED[f"lab.CompareConfig {_name}"] = lambda v, k=_name: CompareConfig(**{k: v})

def _check(call, value, key):
    whole = isinstance(value, int) and not isinstance(value, bool)
    with pytest.raises(ValueError if whole else (TypeError, ValueError)) as info:
        call(value)
    message = str(info.value)
    assert message and "\n" not in message, message
    if whole:
        assert not isinstance(info.value, TypeError), message


@pytest.mark.parametrize("key", sorted(SEEDED))
@pytest.mark.parametrize("seed", BAD_SEEDS, ids=repr)
def test_a_bad_seed_is_a_one_line_value_error(key, seed):
    _check(SEEDED[key], seed, key)


@pytest.mark.parametrize("key", sorted(SIZED))
@pytest.mark.parametrize("size", BAD_SIZES, ids=repr)
def test_a_bad_size_is_a_one_line_value_error(key, size):
    _check(SIZED[key], size, key)


@pytest.mark.parametrize("key", ["tn.manual_seed", "kernels.random.Generator", "train.fit"])
@pytest.mark.parametrize("seed", [1.5, True, "0"], ids=repr)
def test_a_seed_that_is_not_an_integer_is_also_a_type_error(key, seed):
    with pytest.raises(TypeError):
        SEEDED[key](seed)


@pytest.mark.parametrize("key", ["nn.Dense in_features", "train.fit epochs", "train.fit batch_size",
                                 "train.evaluate batch_size"])
@pytest.mark.parametrize("size", [2.5, True, "4"], ids=repr)
def test_a_size_that_is_not_a_whole_number_is_also_a_type_error(key, size):
    with pytest.raises(TypeError):
        SIZED[key](size)


def _public_callables_with_a_seed():
    found = set()
    for info in pkgutil.walk_packages(tn.__path__, "tinynet."):
        if any(part in info.name for part in ("cli", "__main__", "lesson", "notebook", "mine")):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            try:
                params = inspect.signature(obj).parameters if callable(obj) else {}
            except (TypeError, ValueError):
                continue
            if "seed" in params and str(getattr(obj, "__module__", "")).startswith("tinynet"):
                found.add(obj)
    return found


def test_the_sweep_covers_every_public_initializer_and_function_taking_a_seed():
    covered_names = {key.split(".")[-1] for key in SEEDED}
    internal = {"run_one", "build_model", "load", "fill_normal", "fill_uniform", "fill_truncated_normal",
                "Initializer", "layer_statistics", "manual_seed"}   # lab internals, kernels' raw fills, base class
    missing = sorted(obj.__name__ for obj in _public_callables_with_a_seed()
                     if obj.__name__ not in covered_names | internal)
    assert not missing, f"add these to SEEDED: {missing}"
