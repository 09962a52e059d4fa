"""Lesson 8 exercises: He init, PyTorch's gain table, and five tutorial bugs to fix.

Grade with `tinynet check 8`. ``shape`` is a Dense kernel's shape (fan_in, fan_out);
``rng`` is a numpy Generator: draw ONLY from it. Return float64 numpy arrays.
"""
import numpy as np


def he_normal(shape, rng):
    """He et al. (2015) init as Keras and tinynet draw it: Var(W) = 2 / fan_in.

    ReLU keeps E[a²] = Var(z)/2, so n_in·Var(W)·Var(z)/2 = Var(z) needs Var(W) = 2/n_in.
    Draw a normal truncated at two underlying standard deviations (redraw |z| > 2) and
    rescale so the FINAL std is sqrt(2 / fan_in) (the truncated std is c ≈ 0.8796).
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 8 he_normal` gives a hint")


def calculate_gain(nonlinearity, param=None):
    """PyTorch's recommended gain: the factor that restores unit variance after ``nonlinearity``.

    linear, conv1d, conv2d, conv3d, conv_transpose1d/2d/3d, sigmoid -> 1; tanh -> 5/3;
    relu -> sqrt(2); leaky_relu -> sqrt(2 / (1 + slope²)) with slope = param (default 0.01);
    selu -> 3/4. Anything else: raise ValueError naming the accepted nonlinearities.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 8 calculate_gain` gives a hint")


# --- Spot the bug -----------------------------------------------------------------------
# Each snippet below comes from a popular tutorial. Say (to yourself, then in
# what_it_draws) what it really draws, and write the fixed version with ``rng``.
#
# Snippet A, "Glorot uniform":
#     limit = np.sqrt(6 / (fan_in + fan_out))
#     W = np.random.normal(low=-limit, high=limit, size=(fan_in, fan_out))
# Snippet B, "He normal":
#     std = np.sqrt(2 / fan_in)
#     W = np.random.uniform(-std, std, size=(fan_in, fan_out))
# Snippet C, "LeCun normal":
#     W = np.random.normal(0, 1 / fan_in, size=(fan_in, fan_out))
# Snippet D, "LeCun uniform":
#     limit = 3 / fan_in
#     W = np.random.uniform(-limit, limit, size=(fan_in, fan_out))
# Snippet E, the kernel of a softmax classifier for MNIST (28 x 28 images, 10 classes):
#     W = glorot_uniform((768, 10))

def fixed_a(shape, rng):
    """Snippet A fixed: Glorot uniform, U[-sqrt(6/(fan_in+fan_out)), +sqrt(...)]."""
    raise NotImplementedError("not implemented yet: `tinynet hint 8 fixed_a` gives a hint")


def fixed_b(shape, rng):
    """Snippet B fixed: He normal as in the paper — an (untruncated) normal, std sqrt(2/fan_in)."""
    raise NotImplementedError("not implemented yet: `tinynet hint 8 fixed_b` gives a hint")


def fixed_c(shape, rng):
    """Snippet C fixed: LeCun normal — an (untruncated) normal with std sqrt(1/fan_in)."""
    raise NotImplementedError("not implemented yet: `tinynet hint 8 fixed_c` gives a hint")


def fixed_d(shape, rng):
    """Snippet D fixed: LeCun uniform, U[-sqrt(3/fan_in), +sqrt(3/fan_in)] (variance 1/fan_in)."""
    raise NotImplementedError("not implemented yet: `tinynet hint 8 fixed_d` gives a hint")


def fixed_e(rng):
    """Snippet E fixed: the Glorot-uniform kernel of an MNIST softmax classifier."""
    raise NotImplementedError("not implemented yet: `tinynet hint 8 fixed_e` gives a hint")


def what_it_draws(snippet, fan_in, fan_out):
    """The std of the weights the ORIGINAL snippet "A", "B", "C" or "D" draws, for these
    fans; None if the snippet cannot run at all."""
    raise NotImplementedError("not implemented yet: `tinynet hint 8 what_it_draws` gives a hint")
