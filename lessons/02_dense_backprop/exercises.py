"""Lesson 2 exercises: a Dense layer's backward by hand, then matmul, Dense and softmax
cross-entropy in your engine.

Layout as in tinynet and Keras: X is (N, fan_in), W is (fan_in, fan_out), b is (fan_out,),
Z = X @ W + b is (N, fan_out). ``Tensor`` below is your lesson-1 Tensor: matmul, Dense
and softmax_cross_entropy make Tensors the way your lesson-1 ops do (a value, parents,
and a backward_rule that ADDS each parent's share to its grad). The grader runs them on
tinynet's reference Tensor, so this lesson can be graded before lesson 1 passes.

Grade with `tinynet check 2` (or `pytest lessons/02_dense_backprop/`); `tinynet hint 2 NAME`.
"""
import numpy as np

from tinynet.mine import engine

Tensor = engine(1).Tensor      # your Tensor, from lessons/01_autograd/exercises.py


def dense_backward(x, W, b, dz):
    """By hand, in numpy. Given dZ = dL/dZ (N, fan_out), return (dX, dW, db):

        dX = dZ · Wᵀ      (N, fan_in)
        dW = Xᵀ · dZ      (fan_in, fan_out)
        db = Σ_rows dZ    (fan_out,)

    Each gradient has the shape of the thing it is the gradient of.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 2 dense_backward` gives a hint")


def matmul(a, b):
    """out = a · b for 2-D Tensors a (N, K) and b (K, M); out is (N, M).

    The backward is dense_backward's: dL/da = dL/dout · bᵀ (N, K) and dL/db = aᵀ · dL/dout
    (K, M), each added to the parent's grad.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 2 matmul` gives a hint")


class Dense:
    """A fully connected layer on your engine: Z = X · W + b.

    ``Dense(kernel, bias)`` takes the initial arrays, kernel (fan_in, fan_out) and bias
    (fan_out,), and keeps them as the Tensors ``self.kernel`` and ``self.bias`` (the
    parameters, leaves of every graph). Calling the layer on a Tensor x (N, fan_in) returns
    the Tensor Z: your matmul, called as a function (lesson 1's Tensor has no @ operator),
    then + (broadcasting b over the rows, so add's unbroadcast gives db = Σ_rows dZ).
    Make the two Tensors once, in __init__: every call builds its graph from the same
    leaves, so their grads (and an optimizer holding them) see every call's gradient.
    ``parameters()`` returns [kernel, bias].
    """

    def __init__(self, kernel, bias):
        raise NotImplementedError("not implemented yet: `tinynet hint 2 Dense` gives a hint")

    def __call__(self, x):
        raise NotImplementedError("not implemented yet: `tinynet hint 2 Dense` gives a hint")

    def parameters(self):
        raise NotImplementedError("not implemented yet: `tinynet hint 2 Dense` gives a hint")


def softmax_cross_entropy(logits, labels):
    """L = −(1/N) Σₙ log softmax(Zₙ)[yₙ], the mean over the batch, as one op of your engine.

    logits: a Tensor (N, K); labels: an int array (N,) with values in [0, K). Return a
    Tensor holding the scalar L, with logits as its parent. Forward stably: subtract each
    row's max before exp (log softmax(z)ᵢ = zᵢ − max − log Σⱼ e^(zⱼ − max)). Backward, in one
    step: dL/dZ = dL/dout · (softmax(Z) − onehot(y)) / N, shape (N, K).
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 2 softmax_cross_entropy` gives a hint")
