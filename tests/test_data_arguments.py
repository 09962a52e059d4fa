"""Every public function that takes data accepts a Tensor as well as a numpy array.

``np.asarray(tensor)`` is the tensor's array (``Tensor.__array__``), so anything written
with ``np.asarray`` accepts both; this sweep checks each public entry point gives the same
answer for ``x`` and ``tn.Tensor(x)`` (labels too, where it takes labels).
"""
import numpy as np
import pytest

import tinynet as tn
from tinynet import data, diagnostics, init, nn, optim
from tinynet.train import accuracy, evaluate, fit

RNG = np.random.default_rng(0)
X = RNG.standard_normal((32, 4))
Y = RNG.integers(0, 3, 32)


def model():
    tn.manual_seed(0)
    return nn.Sequential(nn.Dense(4, 8, activation="tanh", dtype=np.float64),
                         nn.Dense(8, 3, dtype=np.float64))


def _same(a, b):
    if hasattr(a, "__dict__") and not isinstance(a, np.ndarray):
        a, b = repr(a), repr(b)
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            _same(u, v)
        return
    np.testing.assert_array_equal(np.asarray(getattr(a, "data", a)), np.asarray(getattr(b, "data", b)))


#: name -> function of (x, y) (each given arrays or Tensors)
CALLS = {
    "model(x)": lambda x, y: model()(x),
    "diagnostics.doctor": lambda x, y: str(diagnostics.doctor(model(), x)),
    "diagnostics.doctor(y)": lambda x, y: str(diagnostics.doctor(model(), x, y)),
    "diagnostics.layer_statistics": lambda x, y: [s.as_dict() for s in diagnostics.layer_statistics(model(), x, y)],
    "diagnostics.jacobian_singular_values": lambda x, y: diagnostics.jacobian_singular_values(model(), x),
    "diagnostics.layer_jacobians": lambda x, y: diagnostics.layer_jacobians(model(), x),
    "diagnostics.distinct_units": lambda x, y: diagnostics.distinct_units(x),
    "diagnostics.dead_fraction": lambda x, y: diagnostics.dead_fraction(x),
    "diagnostics.saturation_fraction": lambda x, y: diagnostics.saturation_fraction(x, "tanh"),
    "diagnostics.rms": lambda x, y: diagnostics.rms(x),
    "diagnostics.update_ratio": lambda x, y: diagnostics.update_ratio(x, x),
    "diagnostics.sgd_update_ratio": lambda x, y: diagnostics.sgd_update_ratio(x, x, 0.1),
    "init.lsuv": lambda x, y: [r.variance for r in init.lsuv(model(), x, seed=0)],
    "nn.functional.cross_entropy": lambda x, y: nn.functional.cross_entropy(x[:, :3], y),
    "nn.functional.mse": lambda x, y: nn.functional.mse(x, x * 0),
    "nn.functional.binary_cross_entropy_with_logits":
        lambda x, y: nn.functional.binary_cross_entropy_with_logits(x, (np.asarray(x) > 0).astype(float)),
    "train.accuracy": lambda x, y: accuracy(x[:, :3], y),
    "train.evaluate": lambda x, y: evaluate(model(), x, y),
    "train.fit": lambda x, y: fit((m := model()), x, y, optim.SGD(m.parameters(), lr=0.1), epochs=1,
                                  batch_size=16, progress=False).step_loss,
    "data.standardize": lambda x, y: data.standardize(x, x),
    "data.train_test_split": lambda x, y: data.train_test_split(x, y),
    "data.one_hot": lambda x, y: data.one_hot(y),
    "data.DataLoader": lambda x, y: [b for batch in data.DataLoader(x, y, batch_size=8, seed=0) for b in batch],
    "tn.gradcheck": lambda x, y: tn.gradcheck(lambda t: (t * t).sum(), [x[:2, :2]]).max_abs_error,
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_tensor_is_accepted_wherever_an_array_is(name):
    call = CALLS[name]
    from_arrays = call(X, Y)
    from_tensors = call(tn.Tensor(X), tn.Tensor(Y, dtype=np.int64))
    _same(from_arrays, from_tensors)
