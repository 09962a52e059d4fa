"""init.get, get_config/from_config round trips, the seed rule, and every bad input's message."""
import numpy as np
import pytest

import tinynet as tn
from tinynet import init, nn
from tinynet.kernels import random as tr

SHAPE = (6, 5)


def configured(name):
    """An instance for ``name`` with a fixed seed (if it draws) and non-default settings."""
    special = {
        "constant": init.Constant(0.3), "identity": init.Identity(2.5),
        "random_normal": init.RandomNormal(0.1, 0.2, seed=3),
        "random_uniform": init.RandomUniform(-1.0, 2.0, seed=3),
        "truncated_normal": init.TruncatedNormal(-0.5, 0.3, seed=3),
        "variance_scaling": init.VarianceScaling(0.5, "fan_out", "untruncated_normal", seed=3),
        "orthogonal": init.Orthogonal(gain=1.7, seed=3),
        "kaiming_normal": init.KaimingNormal(a=0.2, mode="fan_out", nonlinearity="leaky_relu", seed=3),
        "kaiming_uniform": init.KaimingUniform(a=0.0, mode="fan_in", nonlinearity="tanh", seed=3),
        "xavier_normal": init.XavierNormal(gain=1.5, seed=3),
    }
    if name in special:
        return special[name]
    cls = init.NAMES[name]
    return cls(seed=3) if cls._draws else cls()


@pytest.mark.parametrize("name", list(init.NAMES))
def test_get_by_name_and_config_round_trip(name):
    assert type(init.get(name)) is init.NAMES[name]
    assert type(init.get(init.NAMES[name].__name__)) is init.NAMES[name]   # class names too
    original = configured(name)
    config = original.get_config()
    clone = type(original).from_config(config)
    again = init.get(init.serialize(original))
    assert clone.get_config() == config and again.get_config() == config
    assert type(again) is type(original)
    # same settings and seed -> the same first array, bit for bit
    first = original(SHAPE, dtype=np.float64)
    np.testing.assert_array_equal(clone(SHAPE, dtype=np.float64), first)
    np.testing.assert_array_equal(again(SHAPE, dtype=np.float64), first)


def test_get_accepts_instances_aliases_dicts_and_callables():
    he = init.HeNormal(seed=1)
    assert init.get(he) is he
    assert type(init.get("normal")) is init.RandomNormal
    assert type(init.get("uniform")) is init.RandomUniform
    assert type(init.get("zero")) is init.Zeros and type(init.get("one")) is init.Ones
    keras_dict = {"module": "keras.initializers", "class_name": "VarianceScaling",
                  "config": {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform", "seed": None},
                  "registered_name": None}
    vs = init.get(keras_dict)
    assert (vs.scale, vs.mode, vs.distribution) == (2.0, "fan_avg", "uniform")
    assert type(init.get({"class_name": "he_uniform", "config": {}})) is init.HeUniform
    assert type(init.get(init.GlorotNormal)) is init.GlorotNormal

    def halves(shape, dtype):
        return np.full(shape, 0.5)

    wrapped = init.get(halves)
    w = wrapped((2, 3), dtype=np.float64)
    assert w.dtype == np.float64 and w.shape == (2, 3) and np.all(w == 0.5)
    assert init.get(wrapped.get_config()["fn"])((1, 1))[0, 0] == np.float32(0.5)


def test_unknown_name_lists_valid_names_and_the_closest():
    with pytest.raises(ValueError, match=r"unknown initializer 'he_nromal'\. Did you mean 'he_normal'\?"
                                         r" Valid names: zeros, ones.*glorot_uniform.*orthogonal"):
        init.get("he_nromal")
    with pytest.raises(ValueError, match="Did you mean 'GlorotUniform'"):
        init.get("GlorotUnifrom")
    with pytest.raises(ValueError, match="unknown initializer 'qqq'. Valid names"):
        init.get("qqq")


def test_get_rejects_what_is_not_an_initializer():
    assert init.get(None) is None          # Keras's rule (a layer then uses its default)
    with pytest.raises(TypeError, match="expected a name such as 'glorot_uniform'"):
        init.get(3)
    with pytest.raises(TypeError, match="cannot interpret 3"):
        init.get(3)
    with pytest.raises(ValueError, match="class_name"):
        init.get({"config": {}})
    with pytest.raises(TypeError, match="bad config"):
        init.HeNormal.from_config({"scale": 2.0})
    with pytest.raises(ValueError, match=r"returned shape \(2,\); expected \(2, 3\)"):
        init.get(lambda shape, dtype: np.zeros(2))((2, 3))


# ------------------------------------------------------------------ seeds
def test_seeded_instance_call_n_draws_stream_n():
    he = init.HeUniform(seed=9)
    first, second = he((20, 30)), he((20, 30))
    assert not np.array_equal(first, second)
    limit = np.sqrt(6 / 20)
    for n, w in enumerate((first, second)):
        expected = tr.Generator(9, stream=n).uniform((20, 30), -limit, limit, np.float32)
        np.testing.assert_array_equal(w, expected)
    np.testing.assert_array_equal(init.HeUniform(seed=9)((20, 30)), first)   # reproducible


def test_unseeded_draws_from_the_global_generator_looked_up_at_call_time():
    scheme = init.GlorotNormal()            # created before the seed is set
    tn.manual_seed(123)
    a = scheme((30, 30))
    tn.manual_seed(123)
    b = init.GlorotNormal()((30, 30))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(scheme((30, 30)), a)   # the global stream moved on


def test_a_model_built_twice_under_one_seed_is_identical():
    def build():
        return nn.Sequential(nn.Dense(8, 16, activation="relu", kernel_initializer="he_normal"),
                             nn.Dense(16, 4, kernel_initializer="orthogonal"))
    tn.manual_seed(5)
    a = build()
    tn.manual_seed(5)
    b = build()
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_layers_sharing_one_seeded_instance_get_different_weights():
    shared = init.HeNormal(seed=0)
    first = nn.Dense(16, 16, kernel_initializer=shared)
    second = nn.Dense(16, 16, kernel_initializer=shared)
    assert not np.array_equal(first.kernel.data, second.kernel.data)   # Keras would repeat them
    rebuilt = nn.Dense(16, 16, kernel_initializer=init.HeNormal(seed=0))
    np.testing.assert_array_equal(rebuilt.kernel.data, first.kernel.data)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("make, err, match", [
    (lambda: init.RandomNormal(stddev=-0.1), ValueError, "stddev must be >= 0"),
    (lambda: init.TruncatedNormal(stddev=-1), ValueError, "stddev must be >= 0"),
    (lambda: init.RandomUniform(0.1, -0.1), ValueError, "minval <= maxval"),
    (lambda: init.VarianceScaling(scale=-1.0), ValueError, "scale must be > 0"),
    (lambda: init.VarianceScaling(scale=0.0), ValueError, "scale must be > 0"),
    (lambda: init.VarianceScaling(mode="fan_sum"), ValueError, "mode must be one of fan_in, fan_out, fan_avg"),
    (lambda: init.VarianceScaling(distribution="gaussian"), ValueError,
     "distribution must be one of truncated_normal, untruncated_normal, uniform"),
    (lambda: init.KaimingNormal(mode="fan_avg"), ValueError, "'fan_in' or 'fan_out'"),
    (lambda: init.KaimingUniform(nonlinearity="swish"), ValueError, "unsupported nonlinearity"),
    (lambda: init.HeNormal(seed=-1), ValueError, "seed must be None or an integer"),
    (lambda: init.HeNormal(seed=1.5), ValueError, "seed must be None or an integer"),
    (lambda: init.Constant("a"), TypeError, "value must be a finite number"),
    (lambda: init.RandomNormal(stddev=float("nan")), TypeError, "finite number"),
])
def test_bad_arguments_are_refused_at_construction(make, err, match):
    with pytest.raises(err, match=match):
        make()


@pytest.mark.parametrize("call, err, match", [
    (lambda: init.Identity()((3, 3, 3)), ValueError, r"Identity: needs a 2-D shape.*rank 3"),
    (lambda: init.Identity()((4,)), ValueError, "needs a 2-D shape"),
    (lambda: init.Orthogonal()((5,)), ValueError, r"rank >= 2.*rank 1"),
    (lambda: init.Orthogonal()(()), ValueError, "rank >= 2"),
    (lambda: init.HeNormal()((0, 10)), ValueError, "empty"),
    (lambda: init.GlorotUniform()((10, -2)), ValueError, ">= 0"),
    (lambda: init.LecunNormal()("ab"), TypeError, "tuple of ints"),
    (lambda: init.kaiming_normal((5,)), ValueError, "rank >= 2, as in PyTorch"),
    (lambda: init.HeNormal()((3, 3), dtype=np.int32), TypeError, "float32 or float64"),
    (lambda: init.Zeros()((3, 3), dtype="float16"), TypeError, "float32 or float64"),
])
def test_bad_calls_are_refused_with_a_message(call, err, match):
    with pytest.raises(err, match=match):
        call()
