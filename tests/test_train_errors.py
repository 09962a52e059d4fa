"""fit, Dense, the losses and manual_seed refuse what has no meaning with one clear line,
instead of a misleading hint, a silent rounding or a nan with warnings."""
import warnings

import numpy as np
import pytest

import tinynet as tn
from tinynet import data, nn, optim
from tinynet.losses import binary_cross_entropy_with_logits, cross_entropy, mse
from tinynet.train import fit


def _setup(n=12):
    tn.manual_seed(0)
    model = nn.Sequential(nn.Dense(2, 4, activation="relu"), nn.Dense(4, 3))
    x = np.random.default_rng(0).standard_normal((n, 2))
    y = np.arange(n) % 3
    return model, x, y, optim.SGD(model.parameters(), lr=0.1)


def _one_line(info):
    message = str(info.value)
    assert "\n" not in message
    return message


def test_fit_on_zero_rows_says_there_is_no_data():
    model, x, y, opt = _setup()
    with pytest.raises(ValueError) as info:
        fit(model, x[:0], y[:0], opt)
    assert "no rows (0 samples)" in _one_line(info) and "batch_size" not in str(info.value)


def test_fit_with_nan_inputs_says_check_the_data_not_the_learning_rate():
    model, x, y, opt = _setup()
    x[5, 1] = np.nan
    with pytest.raises(ValueError) as info:
        fit(model, x, y, opt)
    message = _one_line(info)
    assert "x holds NaN or infinite values" in message and "(5, 1)" in message and "check the data" in message
    assert "learning rate" not in message


@pytest.mark.parametrize("name, value", [("batch_size", 2.7), ("epochs", 2.5), ("steps", 3.0), ("epochs", True)])
def test_fractional_or_bool_counts_are_refused_not_rounded(name, value):
    model, x, y, opt = _setup()
    with pytest.raises(TypeError) as info:
        fit(model, x, y, opt, **{name: value})
    assert f"fit: {name} must be a positive integer, got {value!r}" in _one_line(info)


@pytest.mark.parametrize("name", ["batch_size", "epochs", "steps"])
def test_zero_counts_are_refused(name):
    model, x, y, opt = _setup()
    with pytest.raises(ValueError, match=f"fit: {name} must be a positive integer, got 0"):
        fit(model, x, y, opt, **{name: 0})


def test_fit_batches_are_the_data_loaders_batches():
    model, x, y, opt = _setup(n=10)
    seen = []

    def loss(out, yb):
        seen.append(np.asarray(yb).copy())
        return cross_entropy(out, yb)

    x = np.random.default_rng(1).standard_normal((10, 2))
    y = np.arange(10) % 3
    fit(model, x, y, opt, loss_fn=loss, epochs=2, batch_size=4, seed=7, progress=False)
    loader = data.DataLoader(x, y, batch_size=4, shuffle=True, seed=7)
    expected = [yb for _ in range(2) for _, yb in loader]
    assert len(seen) == len(expected) == 6
    for a, b in zip(seen, expected):
        np.testing.assert_array_equal(a, b)


def test_full_batch_fit_keeps_the_rows_in_order():
    model, x, y, opt = _setup(n=9)
    seen = []
    fit(model, x, y, opt, loss_fn=lambda out, yb: (seen.append(np.asarray(yb)), cross_entropy(out, yb))[1],
        steps=2, progress=False)
    for yb in seen:
        np.testing.assert_array_equal(yb, y)


def test_dense_on_one_example_without_a_batch_axis_says_add_it():
    layer = nn.Dense(2, 4)
    with pytest.raises(ValueError) as info:
        layer(tn.Tensor(np.ones(2)))
    message = _one_line(info)
    assert "reshape it to (1, -1)" in message and "in_features=" not in message
    with pytest.raises(ValueError) as info:
        layer(tn.Tensor(np.ones((5, 3))))
    assert "3 features instead of 2" in _one_line(info) and "in_features=3" in str(info.value)


@pytest.mark.parametrize("loss, args", [
    (cross_entropy, (np.zeros((0, 3)), np.zeros(0, dtype=np.int64))),
    (binary_cross_entropy_with_logits, (np.zeros((0, 1)), np.zeros((0, 1)))),
    (mse, (np.zeros((0, 2)), np.zeros((0, 2)))),
])
def test_a_loss_on_zero_rows_is_a_clear_error_without_warnings(loss, args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # a numpy RuntimeWarning would fail the test
        with pytest.raises(ValueError) as info:
            loss(tn.Tensor(args[0]), args[1])
    assert "empty batch" in _one_line(info)


@pytest.mark.parametrize("seed", [True, False, np.True_])
def test_manual_seed_refuses_a_bool_like_the_initializers(seed):
    with pytest.raises(TypeError, match="seed must be an integer"):
        tn.manual_seed(seed)
    with pytest.raises((TypeError, ValueError), match="seed"):
        tn.init.HeNormal(seed=seed)
