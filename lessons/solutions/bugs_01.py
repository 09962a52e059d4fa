"""Planted bugs for lesson 1: each must fail its exercise's grader with its own diagnosis.

An op's bug builds its output with the inputs' own Tensor class (``type(a)``), so it
plugs into whichever engine the grader hands it."""
import types
from pathlib import Path

import numpy as np

from tinynet.lessons import load_module


def _sum_to(g, shape):
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g.reshape(shape)


def _op(forward, shares, *inputs, assign=False):
    """out = forward(values); its rule adds shares(values, out value, out grad)[i] to input i."""
    out = type(inputs[0])(forward(*[t.data for t in inputs]), inputs)

    def rule():
        for t, share in zip(inputs, shares(*[t.data for t in inputs], out.data, out.grad)):
            if assign:
                t.grad = share
            else:
                t.grad += share
    out.backward_rule = rule
    return out


# --- unbroadcast
def unbroadcast_averages(grad, shape):
    out = _sum_to(np.asarray(grad, dtype=np.float64), shape)
    return out / (np.size(grad) // max(int(np.prod(shape)), 1))


def unbroadcast_leading_axes_only(grad, shape):
    grad = np.asarray(grad, dtype=np.float64)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    return grad                                   # (3, 4) stays (3, 4) for a (3, 1) input


# --- add
def add_assigns(a, b):
    return _op(lambda x, y: x + y, lambda x, y, o, g: (_sum_to(g, x.shape), _sum_to(g, y.shape)), a, b, assign=True)


def add_no_unbroadcast(a, b):
    return _op(lambda x, y: x + y, lambda x, y, o, g: (g, g), a, b)


# --- mul
def mul_swapped(a, b):
    return _op(lambda x, y: x * y, lambda x, y, o, g: (_sum_to(g * x, x.shape), _sum_to(g * y, y.shape)), a, b)


def mul_forgets_upstream(a, b):
    return _op(lambda x, y: x * y, lambda x, y, o, g: (_sum_to(np.broadcast_to(y, g.shape) * 1.0, x.shape),
                                                        _sum_to(np.broadcast_to(x, g.shape) * 1.0, y.shape)), a, b)


# --- neg
def neg_keeps_sign(a):
    return _op(lambda x: -x, lambda x, o, g: (g,), a)


# --- div
def div_missing_square(a, b):
    return _op(lambda x, y: x / y, lambda x, y, o, g: (_sum_to(g / y, x.shape), _sum_to(-g * x / y, y.shape)), a, b)


def div_wrong_sign(a, b):
    return _op(lambda x, y: x / y, lambda x, y, o, g: (_sum_to(g / y, x.shape), _sum_to(g * x / y ** 2, y.shape)), a, b)


# --- pow
def pow_missing_k(a, k):
    return _op(lambda x: x ** k, lambda x, o, g: (g * x ** (k - 1),), a)


def pow_exponent_not_reduced(a, k):
    return _op(lambda x: x ** k, lambda x, o, g: (g * k * x ** k,), a)


# --- exp, log, tanh, relu
def exp_times_input(a):
    return _op(np.exp, lambda x, o, g: (g * x,), a)


def exp_forgets_upstream(a):
    return _op(np.exp, lambda x, o, g: (o.copy(),), a)          # e^a without the factor out.grad


def log_times_input(a):
    return _op(np.log, lambda x, o, g: (g * x,), a)


def tanh_of_input(a):
    return _op(np.tanh, lambda x, o, g: (g * (1 - x ** 2),), a)


def tanh_missing_square(a):
    return _op(np.tanh, lambda x, o, g: (g * (1 - o),), a)


def relu_passes_everything(a):
    return _op(lambda x: np.maximum(x, 0), lambda x, o, g: (g.copy(),), a)


def relu_open_at_zero(a):
    return _op(lambda x: np.maximum(x, 0), lambda x, o, g: (g * (x >= 0),), a)


# --- sum, mean
def _spread(g, shape, axis):
    return np.broadcast_to(g if axis is None else np.expand_dims(g, axis), shape)


def sum_divides(a, axis=None):
    n = a.data.size if axis is None else a.data.shape[axis]
    return _op(lambda x: x.sum(axis=axis), lambda x, o, g: (_spread(g, x.shape, axis) / n,), a)


def sum_ignores_axis(a, axis=None):
    return _op(lambda x: x.sum(), lambda x, o, g: (np.broadcast_to(g, x.shape).copy(),), a)   # always sums all


def sum_no_expand(a, axis=None):
    return _op(lambda x: x.sum(axis=axis), lambda x, o, g: (np.broadcast_to(g, x.shape).copy(),), a)   # axis not put back


def mean_forgets_count(a, axis=None):
    return _op(lambda x: x.mean(axis=axis), lambda x, o, g: (_spread(g, x.shape, axis).copy(),), a)


def mean_divides_by_size(a, axis=None):
    return _op(lambda x: x.mean(axis=axis), lambda x, o, g: (_spread(g, x.shape, axis) / x.size,), a)


# --- backward
def backward_no_seed(root, grad=None):
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for parent in node.parents:
                visit(parent)
            order.append(node)
    visit(root)
    for node in reversed(order):                  # root.grad is still all zeros
        if node.backward_rule is not None:
            node.backward_rule()


def backward_breadth_first(root, grad=None):
    root.grad = np.ones_like(root.data) if grad is None else np.array(grad, dtype=np.float64)
    queue, seen = [root], {id(root)}
    while queue:                                   # a rule runs as soon as its tensor is reached
        node = queue.pop(0)
        if node.backward_rule is not None:
            node.backward_rule()
        for parent in node.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                queue.append(parent)


def backward_visits_twice(root, grad=None):
    order = []

    def visit(node):                               # no 'seen' set: a shared tensor is listed twice
        for parent in node.parents:
            visit(parent)
        order.append(node)
    visit(root)
    root.grad = np.ones_like(root.data) if grad is None else np.array(grad, dtype=np.float64)
    for node in reversed(order):
        if node.backward_rule is not None:
            node.backward_rule()


def _topological(root):
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for parent in node.parents:
                visit(parent)
            order.append(node)
    visit(root)
    return order


def backward_forward_order(root, grad=None):
    root.grad = np.ones_like(root.data) if grad is None else np.array(grad, dtype=np.float64)
    for node in _topological(root):               # no reversed(): the inputs' rules run first
        if node.backward_rule is not None:
            node.backward_rule()


def backward_ignores_grad(root, grad=None):
    root.grad = np.ones_like(root.data)           # the given upstream gradient is dropped
    for node in reversed(_topological(root)):
        if node.backward_rule is not None:
            node.backward_rule()


def backward_seeds_with_grad_itself(root, grad=None):
    root.grad = np.ones_like(root.data) if grad is None else np.asarray(grad, dtype=np.float64)   # no copy
    for node in reversed(_topological(root)):
        if node.backward_rule is not None:
            node.backward_rule()


def backward_seed_of_shape_one(root, grad=None):
    root.grad = np.ones(1) if grad is None else np.array(grad, dtype=np.float64)   # (1,), not the root's ()
    for node in reversed(_topological(root)):
        if node.backward_rule is not None:
            node.backward_rule()


def _engine_with(label, **ops):
    """A fresh copy of the reference engine with some ops replaced: its Tensor's methods
    (w * w, t.tanh(), ...) then call the replaced ops, as in a learner's file."""
    engine = load_module(Path(__file__).with_name("lesson_01.py"), f"01_{label}")
    for name, op in ops.items():
        setattr(engine, name, op)
    return types.SimpleNamespace(__name__=label, **{k: v for k, v in vars(engine).items() if not k.startswith("__")})


def _add_returns_nothing(a, b):
    a.data + b.data                               # the output is computed, never returned


# --- numerical_gradient, relative_difference
def numerical_gradient_forward(f, x, h=1e-6):
    g = np.zeros(x.shape)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        g[i] = (f(x) - f0) / h               # one-sided: error O(h), not O(h²)
        x[i] = saved
    return g


def numerical_gradient_no_restore(f, x, h=1e-6):
    g = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)                       # x[i] is left at x − h
        g[i] = (f_plus - f_minus) / (2 * h)
    return g


def numerical_gradient_divides_by_h(f, x, h=1e-6):
    g = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        g[i] = (f_plus - f_minus) / h
    return g


def relative_difference_no_denominator(g, g_numerical):
    return float(np.linalg.norm(np.asarray(g) - np.asarray(g_numerical)))


def relative_difference_max_abs(g, g_numerical):
    g, gn = np.asarray(g, float), np.asarray(g_numerical, float)
    d = np.abs(g).max() + np.abs(gn).max()
    return 0.0 if d == 0 else float(np.abs(g - gn).max() / d)


def relative_difference_nan_on_zero(g, g_numerical):
    g, gn = np.asarray(g, float), np.asarray(g_numerical, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.linalg.norm(g - gn) / (np.linalg.norm(g) + np.linalg.norm(gn)))


def tanh_backward_of_x_not_tanh(x, grad):
    """Section 2's hand-written tanh backward with 1 − x² (used by lesson 1's claims test)."""
    return grad * (1.0 - x ** 2)


BUGS = {
    "unbroadcast": [unbroadcast_averages, unbroadcast_leading_axes_only],
    "add": [add_assigns, add_no_unbroadcast],
    "mul": [mul_swapped, mul_forgets_upstream],
    "neg": [neg_keeps_sign],
    "div": [div_missing_square, div_wrong_sign],
    "pow": [pow_missing_k, pow_exponent_not_reduced],
    "exp": [exp_times_input, exp_forgets_upstream],
    "log": [log_times_input],
    "tanh": [tanh_of_input, tanh_missing_square],
    "relu": [relu_passes_everything, relu_open_at_zero],
    "sum": [sum_divides, sum_ignores_axis, sum_no_expand],
    "mean": [mean_forgets_count, mean_divides_by_size],
    "backward": [backward_no_seed, backward_breadth_first, backward_visits_twice, backward_forward_order,
                 backward_ignores_grad, backward_seeds_with_grad_itself, backward_seed_of_shape_one,
                 # backward itself is right; an op it uses is wrong (the message says to fix that op first)
                 _engine_with("backward_through_tanh_of_input", tanh=tanh_of_input),
                 _engine_with("backward_through_add_returning_nothing", add=_add_returns_nothing)],
    "numerical_gradient": [numerical_gradient_forward, numerical_gradient_no_restore, numerical_gradient_divides_by_h],
    "relative_difference": [relative_difference_no_denominator, relative_difference_max_abs,
                            relative_difference_nan_on_zero],
}
