"""One activation table, read by every part of tinynet.

A Dense layer built with ``activation="relu"``, ``nn.ReLU`` or ``nn.ReLU()`` is the same
layer to the forward pass, the fused kernel, ``layer_statistics``, the Jacobians and the
doctor (before, an instance got a Jacobian of all ones and the label "linear").
"""
import math

import numpy as np
import pytest

import tinynet as tn
from tinynet import diagnostics, fused, init, nn
from tinynet.activations import ACTIVATIONS
from tinynet.lab.config import ACTIVATIONS as LAB_ACTIVATIONS

X = np.random.default_rng(1).standard_normal((16, 5))
CLASSES = {"linear": nn.Identity, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "tanh": nn.Tanh,
           "sigmoid": nn.Sigmoid, "softsign": nn.Softsign}


def _mlp(activation):
    tn.manual_seed(3)
    return nn.Sequential(nn.Dense(5, 6, activation=activation, dtype=np.float64),
                         nn.Dense(6, 6, activation=activation, dtype=np.float64),
                         nn.Dense(6, 2, dtype=np.float64))


def _measure(model):
    stats = [s.as_dict() for s in diagnostics.layer_statistics(model, X)]
    return {
        "forward": model(X).data,
        "stats": stats,
        "jacobian": diagnostics.jacobian_singular_values(model, X),
        "layer_jacobians": diagnostics.layer_jacobians(model, X),
        "doctor": str(diagnostics.doctor(model, X)),
        "describe": [layer.describe() for layer in model.dense_layers()],
    }


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_name_class_and_instance_are_measured_identically(name):
    by_name, by_class, by_instance = (_measure(_mlp(a)) for a in (name, CLASSES[name], CLASSES[name]()))
    for other in (by_class, by_instance):
        assert other["stats"] == by_name["stats"]
        assert other["doctor"] == by_name["doctor"] and other["describe"] == by_name["describe"]
        np.testing.assert_array_equal(other["forward"], by_name["forward"])
        np.testing.assert_array_equal(other["jacobian"], by_name["jacobian"])
        for a, b in zip(other["layer_jacobians"], by_name["layer_jacobians"]):
            np.testing.assert_array_equal(a, b)
    assert by_name["stats"][0]["activation"] == name


def test_the_reported_bug_relu_instance_is_not_linear():
    layer = nn.Dense(3, 2, activation=nn.ReLU())
    assert layer.activation_name == "relu"
    model = nn.Sequential(layer)
    x = np.array([[-1.0, -2.0, -3.0]])
    layer.kernel.data = np.ones((3, 2), np.float32)
    assert diagnostics.layer_statistics(model, x)[0].activation == "relu"
    np.testing.assert_array_equal(diagnostics.layer_jacobians(model, x)[0], np.zeros((1, 2, 3)))


def test_a_leaky_relu_instance_keeps_its_slope_everywhere():
    x = np.array([[-1.0, 2.0]])
    layer = nn.Dense(2, 1, activation=nn.LeakyReLU(0.2), use_bias=False, dtype=np.float64)
    layer.kernel.data = np.array([[1.0], [0.0]])
    assert layer.activation_param == 0.2
    np.testing.assert_allclose(layer(x).data, [[-0.2]])
    np.testing.assert_allclose(diagnostics.layer_jacobians(nn.Sequential(layer), x)[0], [[[0.2, 0.0]]])


def test_every_table_row_has_a_layer_and_the_fused_kernel_agrees_with_the_table():
    assert set(nn.layers.ACTIVATION_LAYERS) == set(ACTIVATIONS)
    assert set(fused.ACTIVATIONS) == set(ACTIVATIONS) - {"linear"}   # the fused kernel knows every row
    assert set(LAB_ACTIVATIONS) == set(ACTIVATIONS) - {"linear"}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_each_row_is_self_consistent(name):
    """numpy forward = scalar forward; derivative = finite difference; output form = input form."""
    spec = ACTIVATIONS[name]
    p = spec.param
    z = np.linspace(-3, 3, 41) + 0.013          # no point exactly on a kink
    a = spec.forward(z, p)
    np.testing.assert_allclose(a, [spec.scalar_forward(float(v), p) for v in z], rtol=1e-15, atol=1e-15)
    h = 1e-6
    numeric = (spec.forward(z + h, p) - spec.forward(z - h, p)) / (2 * h)
    np.testing.assert_allclose(spec.derivative(z, a, p), numeric, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(spec.derivative_from_output(a), spec.derivative(z, a, p), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([spec.scalar_derivative_from_output(float(v), p) for v in a],
                               spec.derivative(z, a, p), rtol=1e-12, atol=1e-15)


def test_gains_are_pytorchs_and_recommendations_come_from_the_table():
    for name, spec in ACTIVATIONS.items():
        if name == "softsign":
            assert spec.gain(0.0) is None               # PyTorch's calculate_gain has no softsign
            continue
        param = 0.2 if name == "leaky_relu" else None
        assert spec.gain(0.2 if param else 0.0) == pytest.approx(init.calculate_gain(name, param), rel=1e-15)
    assert ACTIVATIONS["relu"].recommended == "he_normal" and ACTIVATIONS["tanh"].recommended == "glorot_uniform"
    assert math.isclose(ACTIVATIONS["leaky_relu"].param, 0.01)


def test_saturation_and_dead_rules():
    a = np.array([0.0, 0.98, -0.99, 0.5])
    assert ACTIVATIONS["tanh"].saturation(a) == 0.5 and ACTIVATIONS["softsign"].saturation(a) == 0.5
    assert ACTIVATIONS["sigmoid"].saturation(np.array([0.01, 0.5, 0.99, 0.98])) == 0.75
    assert ACTIVATIONS["relu"].saturation(a) is None
    assert {n for n, s in ACTIVATIONS.items() if s.can_die} == {"relu", "leaky_relu"}


def test_a_custom_activation_function_is_labelled_custom_and_has_no_jacobian():
    model = nn.Sequential(nn.Dense(5, 3, activation=lambda t: t * 2, dtype=np.float64))
    assert diagnostics.layer_statistics(model, X)[0].activation == "custom"
    with pytest.raises(ValueError, match="custom function"):
        diagnostics.layer_jacobians(model, X)


def test_unknown_activation_names_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'rleu'.*relu"):
        nn.Dense(2, 2, activation="rleu")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_scalar_forms_compile_with_numba(name):
    """The promise to kernel writers: the scalar forms are numba-jittable as they stand."""
    from numba import njit

    spec = ACTIVATIONS[name]
    forward, derivative = njit(spec.scalar_forward), njit(spec.scalar_derivative_from_output)
    for v in (-1.5, -0.0, 0.25, 3.0):
        y = spec.scalar_forward(v, spec.param)
        assert forward(v, spec.param) == pytest.approx(y, rel=1e-15, abs=0)
        assert derivative(y, spec.param) == pytest.approx(spec.scalar_derivative_from_output(y, spec.param), rel=1e-15)
    if name == "relu":
        assert math.copysign(1.0, forward(-2.0, 0.0)) == 1.0       # +0.0 for a negative input, never -0.0
