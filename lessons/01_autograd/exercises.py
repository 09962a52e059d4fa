"""Lesson 1 exercises: your own autograd engine.

Everything the later lessons train with can run on the engine you write here
(`tinynet lesson N --mine`): a Tensor that records its parents and a backward rule per op,
and backward(), which visits the graph so that every tensor's gradient is complete before
it is passed on to its parents. Arrays from the start (numpy, float64), so the same code
trains lesson 3's network.

How an op works, in words: compute the output's value from the inputs' values; make the
output Tensor(value, parents=(the inputs)); set output.backward_rule to a function of no
arguments that, when called, reads output.grad (dL/d output) and ADDS to each parent's
.grad its share, dL/d input = dL/d output · d output/d input, by the chain rule. Add, never
assign: a tensor used twice must receive the sum of both shares. Return the output.

Broadcasting: numpy stretches a (4,) or (3, 1) array to (3, 4) in the forward pass; the
gradient that comes back then has the stretched shape and must be summed back down to the
input's own shape (unbroadcast, the first exercise).

This file defines functions named sum and pow: inside it they hide Python's built-ins of
the same names (use np.sum, or builtins.sum, where you mean those).

Grade with `tinynet check 1` (or `pytest lessons/01_autograd/`); `tinynet hint 1 NAME`
gives one more hint each time you ask.
"""
import numpy as np


class Tensor:
    """An array that remembers its parents and how to send a gradient back to them (given).

    data           the value, a float64 numpy array
    grad           dL/d(this tensor), an array of data's shape; zeros until backward runs
    parents        the tensors this one was computed from (empty for an input or a weight)
    backward_rule  a function of no arguments, set by the op that made this tensor: it reads
                   this tensor's grad and ADDS each parent's share to that parent's grad
    The operators below call your functions (a + b is add(a, b)); t.backward() calls your
    backward(t). There is no @ operator: in lesson 2 you write the matrix product as the
    function matmul(a, b) and call it by name (x @ w on these Tensors raises TypeError).
    """

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
    """A number or an array becomes a Tensor with no parents (given)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def sub(a, b):
    """a − b = a + (−b) (given): its backward comes for free from add's and neg's."""
    return add(a, neg(b))


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: undo numpy's broadcasting for a gradient.

    If x of shape ``shape`` was broadcast to grad.shape in the forward pass, every copy
    of an element contributed to L, so dL/dx is the SUM over the copies:
    - axes that broadcasting added in front (grad has more dimensions): sum them away;
    - axes where ``shape`` has size 1 but grad does not: sum them, keeping the axis.
    Examples of shapes: (2, 3, 4) -> (3, 4); (3, 4) -> (3, 1); (3, 4) -> (); (5,) -> (1,).
    Return a float64 array of exactly ``shape``.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 unbroadcast` gives a hint")


def add(a, b):
    """out = a + b, elementwise with numpy broadcasting.

    ∂out/∂a = 1 and ∂out/∂b = 1, so dL/da = dL/dout summed down to a's shape (unbroadcast),
    and the same for b; each is added to that parent's grad.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 add` gives a hint")


def mul(a, b):
    """out = a ⊙ b, elementwise with numpy broadcasting.

    ∂out/∂a = b and ∂out/∂b = a (elementwise), so dL/da = dL/dout ⊙ b summed down to a's
    shape, and dL/db = dL/dout ⊙ a summed down to b's shape.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 mul` gives a hint")


def neg(a):
    """out = −a.   ∂out/∂a = −1: dL/da = −dL/dout.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 neg` gives a hint")


def div(a, b):
    """out = a / b, elementwise with numpy broadcasting.

    ∂out/∂a = 1/b and ∂out/∂b = −a/b², so dL/da = dL/dout / b and dL/db = −dL/dout ⊙ a / b²,
    each summed down to its input's shape.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 div` gives a hint")


def pow(a, k):
    """out = a ** k for a plain number k (not a Tensor).   ∂out/∂a = k · a^(k−1).
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 pow` gives a hint")


def exp(a):
    """out = e^a.   ∂out/∂a = e^a, which is out's own value: reuse it.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 exp` gives a hint")


def log(a):
    """out = ln a (natural log).   ∂out/∂a = 1/a.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 log` gives a hint")


def tanh(a):
    """out = tanh(a).   ∂out/∂a = 1 − tanh²(a), the square of tanh of the op's input a, which
    is 1 − out² with the output you already have (not 1 − a²).
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 tanh` gives a hint")


def relu(a):
    """out = max(a, 0).   ∂out/∂a = 1 where a > 0, else 0 (also at exactly 0, as PyTorch).
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 relu` gives a hint")


def sum(a, axis=None):
    """out = a summed over ``axis`` (an int), or over everything when axis is None (a 0-d array).

    Every summed element has slope 1, so each element of a receives the out.grad of the sum
    it went into: out.grad with the summed axis put back (size 1), stretched to a's shape.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 sum` gives a hint")


def mean(a, axis=None):
    """out = the mean of a over ``axis`` (an int), or over everything when axis is None.

    mean = sum / n with n the number of elements averaged (a.size, or a.shape[axis]), so
    each element of a receives out.grad / n, put back and stretched as in sum.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 mean` gives a hint")


def backward(root, grad=None):
    """Fill in dL/dt for every tensor t that ``root`` was computed from.

    1. Topological order: list every tensor reachable from root through .parents, each
       ONCE, every tensor after all of its parents (a depth-first search that appends a
       tensor after visiting its parents does it).
    2. Seed: root.grad = ones of root's shape when grad is None (d root / d root = 1), else
       a float64 copy of ``grad`` (the upstream gradient of a non-scalar root).
    3. Walk the list from the END (root first) and call each tensor's backward_rule (skip
       None: inputs and weights have none). In this order a tensor's grad holds the sum of
       all its consumers' shares before its own rule passes it on.
    Return nothing; the answers are in the tensors' .grad.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 backward` gives a hint")


def numerical_gradient(f, x, h=1e-6):
    """Central differences: g̃ᵢ = (f(x + h·eᵢ) − f(x − h·eᵢ)) / (2h) for every element i.

    ``f`` maps an array to a float. Return an array of x's shape; leave ``x`` unchanged
    when you return (perturb one element, evaluate, then restore it).
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 numerical_gradient` gives a hint")


def relative_difference(g, g_numerical):
    """‖g − g̃‖ / (‖g‖ + ‖g̃‖) with Euclidean norms over all elements; 0.0 when both are 0.

    Scale-free: 1e-9 means 'equal to nine digits' whether gradients are 1e-3 or 1e3.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 1 relative_difference` gives a hint")
