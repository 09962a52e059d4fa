"""Keras 3's initializer tests, adapted to tinynet (random_initializers_test.py,
constant_initializers_test.py, initializer_test.py).

Each test keeps the Keras assertion's meaning and tolerance. Where tinynet deliberately
differs, the test says so and asserts tinynet's documented behaviour instead:

- a seeded initializer gives *different* arrays on successive calls (Keras repeats them, so
  two layers sharing one instance would start identical; see docs/initializers.md);
- seeds are integers (no ``SeedGenerator``): the unseeded initializer, which draws from
  tinynet's global generator, plays that role;
- tinynet's ``Orthogonal`` is Keras's ``OrthogonalInitializer`` (both names are accepted);
- subclasses implement ``_sample(shape, dtype)``, so the base class's error names it, and
  the base's ``get_config`` reports the seed every random initializer takes;
- ``STFTInitializer`` has no tinynet counterpart (no spectral layers here).
"""
import numpy as np
import pytest

from tinynet import init


def check_serialization(initializer):
    """Keras's run_class_serialization_test: config and serialize/deserialize round trips."""
    config = initializer.get_config()
    again = type(initializer).from_config(config)
    assert type(again) is type(initializer) and again.get_config() == config
    restored = init.deserialize(init.serialize(initializer))
    assert type(restored) is type(initializer) and restored.get_config() == config
    assert init.get(init.serialize(initializer)).get_config() == config


# ------------------------------------------------------------------ random_initializers_test
def test_random_normal():
    shape, mean, stddev, seed = (25, 20), 0.0, 1.0, 1234
    initializer = init.RandomNormal(mean=mean, stddev=stddev, seed=seed)
    values = initializer(shape=shape)
    assert initializer.mean == mean and initializer.stddev == stddev and initializer.seed == seed
    assert values.shape == shape
    np.testing.assert_allclose(np.std(values), stddev, atol=1e-1)
    check_serialization(initializer)

    # Keras: a fixed seed yields the same values on every call. tinynet (deliberately):
    # the n-th call draws from stream (seed, n), so successive calls differ...
    initializer = init.RandomNormal(mean=mean, stddev=stddev, seed=1337)
    values, next_values = initializer(shape=shape), initializer(shape=shape)
    assert not np.allclose(values, next_values)
    # ...and a fresh instance with the same seed repeats the same sequence.
    np.testing.assert_array_equal(init.RandomNormal(mean=mean, stddev=stddev, seed=1337)(shape=shape), values)

    # Keras's SeedGenerator case (different results each call): tinynet's unseeded draws.
    initializer = init.RandomNormal(mean=mean, stddev=stddev, seed=None)
    assert not np.allclose(initializer(shape=shape), initializer(shape=shape))

    # Unseeded: a clone draws different values.
    initializer = init.RandomNormal(mean=mean, stddev=stddev, seed=None)
    values = initializer(shape=shape)
    new_values = init.RandomNormal.from_config(initializer.get_config())(shape=shape)
    assert not np.allclose(values, new_values)

    # Seeded: a clone gives the same results.
    initializer = init.RandomNormal(mean=mean, stddev=stddev, seed=1337)
    values = initializer(shape=shape)
    new_values = init.RandomNormal.from_config(initializer.get_config())(shape=shape)
    np.testing.assert_allclose(values, new_values)


def test_random_uniform():
    shape, minval, maxval, seed = (5, 5), -1.0, 1.0, 1234
    initializer = init.RandomUniform(minval=minval, maxval=maxval, seed=seed)
    values = initializer(shape=shape)
    assert initializer.minval == minval and initializer.maxval == maxval and initializer.seed == seed
    assert values.shape == shape
    assert np.min(values) >= minval and np.max(values) < maxval
    check_serialization(initializer)


def test_variance_scaling():
    shape, scale, seed = (25, 20), 2.0, 1234
    for mode, fan in (("fan_in", 25), ("fan_out", 20)):
        initializer = init.VarianceScaling(scale=scale, seed=seed, mode=mode)
        values = initializer(shape=shape)
        assert initializer.scale == scale and initializer.seed == seed and values.shape == shape
        np.testing.assert_allclose(np.std(values), np.sqrt(scale / fan), atol=1e-1)
        check_serialization(initializer)


def test_orthogonal_initializer():
    shape, gain, seed = (5, 5), 2.0, 1234
    initializer = init.Orthogonal(gain=gain, seed=seed)
    values = initializer(shape=shape, dtype="float64")
    assert initializer.seed == seed and initializer.gain == gain and values.shape == shape
    for column in values.T:                               # columns have norm gain
        assert np.linalg.norm(column) == pytest.approx(gain * 1.0, abs=1e-7)
    for i in range(values.shape[-1]):                     # and are orthogonal to each other
        for j in range(i + 1, values.shape[-1]):
            assert np.dot(values[..., i], values[..., j]) == pytest.approx(0.0, abs=1e-7)
    check_serialization(initializer)
    # Keras's class name and its legacy name both give tinynet's Orthogonal
    for name in ("Orthogonal", "OrthogonalInitializer", "orthogonal_initializer", "orthogonal"):
        assert isinstance(init.get(name), init.Orthogonal)


def test_get_method():
    assert isinstance(init.get("glorot_normal"), init.GlorotNormal)
    assert init.get(None) is None
    with pytest.raises(ValueError):
        init.get("typo")


def test_get_method_with_an_array():
    shape = (5, 5)
    array = np.random.default_rng(0).uniform(size=shape).astype("float32")
    initializer = init.get(array)
    np.testing.assert_allclose(initializer(shape=shape), array)
    with pytest.raises(ValueError, match=r"cannot fill the shape \(10, 10\)"):   # Keras: "Expected `shape` to be"
        initializer(shape=(10, 10))


def test_variance_scaling_invalid_arguments():
    with pytest.raises(ValueError, match="scale must be > 0"):
        init.VarianceScaling(scale=-1.0, seed=1234, mode="fan_in")
    with pytest.raises(ValueError, match="mode must be one of"):
        init.VarianceScaling(scale=2.0, seed=1234, mode="invalid_mode")
    with pytest.raises(ValueError, match="distribution must be one of"):
        init.VarianceScaling(scale=2.0, seed=1234, mode="fan_in", distribution="invalid_dist")


def test_serialization_of_unseeded_initializers():
    """Keras's test_serialization_with_seed_generator, with tinynet's unseeded initializers."""
    for initializer in (init.Orthogonal(), init.VarianceScaling(), init.RandomUniform(), init.RandomNormal()):
        check_serialization(initializer)


def test_every_keras3_registry_key_is_accepted():
    """The keys of Keras 3's ALL_OBJECTS_DICT (class names, their snake case, the aliases)."""
    keras = {
        "Constant": init.Constant, "constant": init.Constant, "Identity": init.Identity,
        "identity": init.Identity, "Ones": init.Ones, "ones": init.Ones, "Zeros": init.Zeros,
        "zeros": init.Zeros, "GlorotNormal": init.GlorotNormal, "glorot_normal": init.GlorotNormal,
        "GlorotUniform": init.GlorotUniform, "glorot_uniform": init.GlorotUniform,
        "HeNormal": init.HeNormal, "he_normal": init.HeNormal, "HeUniform": init.HeUniform,
        "he_uniform": init.HeUniform, "LecunNormal": init.LecunNormal, "lecun_normal": init.LecunNormal,
        "LecunUniform": init.LecunUniform, "lecun_uniform": init.LecunUniform,
        "RandomNormal": init.RandomNormal, "random_normal": init.RandomNormal,
        "TruncatedNormal": init.TruncatedNormal, "truncated_normal": init.TruncatedNormal,
        "RandomUniform": init.RandomUniform, "random_uniform": init.RandomUniform,
        "VarianceScaling": init.VarianceScaling, "variance_scaling": init.VarianceScaling,
        "OrthogonalInitializer": init.Orthogonal, "orthogonal_initializer": init.Orthogonal,
        "uniform": init.RandomUniform, "normal": init.RandomNormal, "orthogonal": init.Orthogonal,
        "Orthogonal": init.Orthogonal, "one": init.Ones, "zero": init.Zeros,
        "IdentityInitializer": init.Identity,
    }
    for name, cls in keras.items():
        assert type(init.get(name)) is cls, name


# ---------------------------------------------------------------- constant_initializers_test
@pytest.mark.parametrize("initializer, expected", [
    (init.Zeros(), np.zeros((3, 3))),
    (init.Ones(), np.ones((3, 3))),
    (init.Constant(value=6.0), np.full((3, 3), 6.0)),
    (init.Identity(gain=2), np.eye(3) * 2),
])
def test_constant_initializers(initializer, expected):
    values = initializer(shape=(3, 3))
    assert values.shape == (3, 3)
    np.testing.assert_allclose(values, expected)
    check_serialization(initializer)


def test_constant_initializer_array_value():
    constant_value = np.random.default_rng(1).random((3, 3))
    initializer = init.Constant(value=constant_value)
    values = initializer(shape=(3, 3), dtype="float64")
    assert values.shape == (3, 3)
    np.testing.assert_allclose(values, np.full((3, 3), constant_value))
    check_serialization(initializer)


# ------------------------------------------------------------------------ initializer_test
def test_base_call_raises_not_implemented():
    with pytest.raises(NotImplementedError, match="_sample"):     # Keras's names __call__
        init.Initializer()((2, 3))


def test_base_get_config_and_from_config():
    assert init.Initializer().get_config() == {"seed": None}        # Keras: {} (tinynet reports the seed)
    assert isinstance(init.Initializer.from_config({}), init.Initializer)


class ConstantInit(init.Initializer):
    """A custom initializer written the Keras way: its own __init__, __call__ and get_config."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=dtype or "float32")

    def get_config(self):
        return {"value": self.value}


def test_subclass_call_from_config_and_clone():
    result = ConstantInit(value=5.0)((2, 3))
    assert result.shape == (2, 3) and float(result[0, 0]) == 5.0
    assert ConstantInit.from_config(ConstantInit(value=3.0).get_config()).value == 3.0
    original = ConstantInit(value=7.0)
    cloned = original.clone()
    assert isinstance(cloned, ConstantInit) and cloned.value == 7.0 and cloned is not original


def test_clone_of_a_seeded_initializer_restarts_its_stream():
    original = init.HeNormal(seed=3)
    first = original((4, 4))
    np.testing.assert_array_equal(original.clone()((4, 4)), first)


def test_a_layer_given_none_uses_its_default_initializers():
    from tinynet import nn

    layer = nn.Dense(4, 3, kernel_initializer=None, bias_initializer=None)
    assert isinstance(layer.kernel_initializer, init.GlorotUniform)
    assert isinstance(layer.bias_initializer, init.Zeros)
