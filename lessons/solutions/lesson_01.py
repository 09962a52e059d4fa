"""Reference solution of lesson 1: the learner's autograd engine (same names as
lessons/01_autograd/exercises.py). Peek only when stuck."""
import numpy as np


class Tensor:
    """An array that remembers its parents and how to send a gradient back to them."""

    def __init__(self, data, parents=()):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self.parents = tuple(parents)
        self.backward_rule = None

    @property
    def shape(self):
        return self.data.shape

    def __repr__(self):
        return f"Tensor(shape={self.data.shape})"

    def __add__(self, other):
        return add(self, as_tensor(other))

    def __radd__(self, other):
        return add(as_tensor(other), self)

    def __mul__(self, other):
        return mul(self, as_tensor(other))

    def __rmul__(self, other):
        return mul(as_tensor(other), self)

    def __neg__(self):
        return neg(self)

    def __sub__(self, other):
        return sub(self, as_tensor(other))

    def __rsub__(self, other):
        return sub(as_tensor(other), self)

    def __truediv__(self, other):
        return div(self, as_tensor(other))

    def __rtruediv__(self, other):
        return div(as_tensor(other), self)

    def __pow__(self, k):
        return pow(self, k)

    def exp(self):
        return exp(self)

    def log(self):
        return log(self)

    def tanh(self):
        return tanh(self)

    def relu(self):
        return relu(self)

    def sum(self, axis=None):
        return sum(self, axis)

    def mean(self, axis=None):
        return mean(self, axis)

    def backward(self, grad=None):
        backward(self, grad)


def as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def sub(a, b):
    return add(a, neg(b))


def unbroadcast(grad, shape):
    grad = np.asarray(grad, dtype=np.float64)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad.reshape(shape)


def add(a, b):
    out = Tensor(a.data + b.data, (a, b))

    def rule():
        a.grad += unbroadcast(out.grad, a.shape)
        b.grad += unbroadcast(out.grad, b.shape)
    out.backward_rule = rule
    return out


def mul(a, b):
    out = Tensor(a.data * b.data, (a, b))

    def rule():
        a.grad += unbroadcast(out.grad * b.data, a.shape)
        b.grad += unbroadcast(out.grad * a.data, b.shape)
    out.backward_rule = rule
    return out


def neg(a):
    out = Tensor(-a.data, (a,))

    def rule():
        a.grad -= out.grad
    out.backward_rule = rule
    return out


def div(a, b):
    out = Tensor(a.data / b.data, (a, b))

    def rule():
        a.grad += unbroadcast(out.grad / b.data, a.shape)
        b.grad -= unbroadcast(out.grad * a.data / b.data ** 2, b.shape)
    out.backward_rule = rule
    return out


def pow(a, k):
    out = Tensor(a.data ** k, (a,))

    def rule():
        a.grad += out.grad * k * a.data ** (k - 1)
    out.backward_rule = rule
    return out


def exp(a):
    out = Tensor(np.exp(a.data), (a,))

    def rule():
        a.grad += out.grad * out.data
    out.backward_rule = rule
    return out


def log(a):
    out = Tensor(np.log(a.data), (a,))

    def rule():
        a.grad += out.grad / a.data
    out.backward_rule = rule
    return out


def tanh(a):
    out = Tensor(np.tanh(a.data), (a,))

    def rule():
        a.grad += out.grad * (1.0 - out.data ** 2)
    out.backward_rule = rule
    return out


def relu(a):
    out = Tensor(np.maximum(a.data, 0.0), (a,))

    def rule():
        a.grad += out.grad * (a.data > 0)
    out.backward_rule = rule
    return out


def sum(a, axis=None):
    out = Tensor(a.data.sum(axis=axis), (a,))

    def rule():
        g = out.grad if axis is None else np.expand_dims(out.grad, axis)
        a.grad += np.broadcast_to(g, a.shape)
    out.backward_rule = rule
    return out


def mean(a, axis=None):
    count = a.data.size if axis is None else a.data.shape[axis]
    out = Tensor(a.data.mean(axis=axis), (a,))

    def rule():
        g = out.grad if axis is None else np.expand_dims(out.grad, axis)
        a.grad += np.broadcast_to(g, a.shape) / count
    out.backward_rule = rule
    return out


def backward(root, grad=None):
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    root.grad = np.ones_like(root.data) if grad is None else np.asarray(grad, dtype=np.float64).copy()
    for node in reversed(order):
        if node.backward_rule is not None:
            node.backward_rule()


def numerical_gradient(f, x, h=1e-6):
    g = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        g[i] = (f_plus - f_minus) / (2.0 * h)
    return g


def relative_difference(g, g_numerical):
    g, g_numerical = np.asarray(g, dtype=np.float64), np.asarray(g_numerical, dtype=np.float64)
    denominator = np.linalg.norm(g) + np.linalg.norm(g_numerical)
    return 0.0 if denominator == 0 else float(np.linalg.norm(g - g_numerical) / denominator)


# Hand-written backward functions of section 2 (no graph), used by lesson 1's claims test.
def mul_backward(a, b, grad):
    return grad * b, grad * a


def tanh_backward(x, grad):
    return grad * (1.0 - np.tanh(x) ** 2)


def sum_backward(x, grad):
    return np.full(np.shape(x), grad, dtype=np.result_type(x, grad))
