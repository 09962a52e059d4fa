"""The Tensor and its graph.

A :class:`Tensor` wraps a numpy array. When an operation runs on tensors that require
gradients, the result remembers the operation (its *context*, see ``autograd.py``) and
its inputs. ``backward()`` then walks that graph once, from the output back to the
leaves, applying the chain rule: each operation turns the gradient of its output into
the gradients of its inputs, and a tensor used twice receives the *sum* of both
contributions.

The walk is iterative (an explicit stack, not recursion), so a chain of 10,000
operations is as easy as a chain of three.
"""
from __future__ import annotations

import numpy as np

from .autograd import Context, grad_enabled, no_grad  # noqa: F401  (re-exported)
from .dtypes import as_array, get_default_dtype


class Tensor:
    """An n-dimensional array that can record how it was computed.

    >>> x = Tensor([[1.0, 2.0]], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    array([[2., 4.]], dtype=float32)
    """

    __slots__ = ("data", "requires_grad", "grad", "_ctx", "_hooks", "__weakref__")
    __array_priority__ = 1000  # numpy defers to Tensor in `array * tensor`

    def __init__(self, data, requires_grad=False, dtype=None):
        if isinstance(data, Tensor):
            data = data.data
        self.data = as_array(data, dtype)
        if requires_grad and not np.issubdtype(self.data.dtype, np.floating):
            raise TypeError(f"only floating tensors can require gradients, got dtype {self.data.dtype}")
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self._ctx = None
        self._hooks = None

    # ----------------------------------------------------------------- basics
    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def is_leaf(self):
        """A leaf was created by the user, not computed by an operation."""
        return self._ctx is None

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = np.array2string(self.data, prefix="Tensor(", precision=4, threshold=20)
        extra = f", dtype={self.dtype}" if self.dtype != get_default_dtype() else ""
        if self._ctx is not None:
            extra += f", grad_fn={self._ctx.op_name}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"Tensor({body}{extra})"

    def numpy(self):
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self):
        return self.data.item()

    def detach(self):
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return Tensor(self.data)

    def zero_grad(self):
        self.grad = None

    def register_hook(self, fn):
        """Call ``fn(grad)`` when this tensor's gradient is known during ``backward``.

        If ``fn`` returns an array, that array replaces the gradient flowing on.
        Returns a handle whose ``remove()`` unregisters the hook.
        """
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _HookHandle(self._hooks, fn)

    # --------------------------------------------------------------- backward
    def backward(self, grad=None, retain_graph=False):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``.

        ``grad`` is the gradient of some final scalar with respect to ``self``; it may be
        omitted only when ``self`` is a scalar (then it is 1). Gradients *add up* across
        calls, as in PyTorch: call ``zero_grad()`` (or the optimizer's) between steps.
        The graph's saved arrays are freed afterwards unless ``retain_graph=True``.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: none of its inputs had "
                "requires_grad=True (or it was computed under no_grad())."
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a scalar output, but this tensor has "
                    f"shape {self.shape}: reduce it first (e.g. .sum() or .mean()) or pass "
                    f"backward(grad) with an array of shape {self.shape}."
                )
            grad = np.ones_like(self.data)
        else:
            grad = np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=self.dtype)  # a copy: never alias the caller's array
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward(grad): grad has shape {grad.shape} but the tensor has shape {self.shape}"
                )

        order = self._topological_order()
        grads = {id(self): grad}
        handed_out = set()  # ids of arrays already given to a leaf in this pass
        for node in order:
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if node._hooks:
                for hook in list(node._hooks):
                    replaced = hook(g)
                    if replaced is not None:
                        g = np.asarray(replaced, dtype=node.dtype)
            ctx = node._ctx
            if ctx is None:  # a leaf: keep (or add to) the gradient
                if node.grad is not None:
                    node.grad = node.grad + g
                elif g.flags.owndata and id(g) not in handed_out:
                    node.grad = g  # a fresh array nobody else holds: no copy needed
                    handed_out.add(id(g))
                else:
                    node.grad = g.copy()  # a view, or an array already given to another leaf
                continue
            input_grads = ctx.run_backward(g)
            if not retain_graph:
                ctx.free()
            for parent, pg in zip(ctx.inputs, input_grads):
                if pg is None or parent is None or not parent.requires_grad:
                    continue
                if pg.dtype != parent.dtype:
                    pg = pg.astype(parent.dtype)
                key = id(parent)
                if key in grads:
                    grads[key] = grads[key] + pg
                else:
                    grads[key] = pg

    def _topological_order(self):
        """Nodes reachable from ``self``, each after every node that consumes it.

        Iterative depth-first search: a node is emitted once all its inputs are done, and
        the reversed post-order is a valid order for the chain rule.
        """
        post, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                post.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))
            if node._ctx is not None:
                for parent in node._ctx.inputs:
                    if parent is not None and parent.requires_grad and id(parent) not in visited:
                        stack.append((parent, False))
        post.reverse()
        return post

    # -------------------------------------------------------------- operators
    def __add__(self, other):
        return F.add(self, other)

    def __radd__(self, other):
        return F.add(other, self)

    def __sub__(self, other):
        return F.sub(self, other)

    def __rsub__(self, other):
        return F.sub(other, self)

    def __mul__(self, other):
        return F.mul(self, other)

    def __rmul__(self, other):
        return F.mul(other, self)

    def __truediv__(self, other):
        return F.div(self, other)

    def __rtruediv__(self, other):
        return F.div(other, self)

    def __pow__(self, other):
        return F.pow(self, other)

    def __rpow__(self, other):
        return F.pow(other, self)

    def __matmul__(self, other):
        return F.matmul(self, other)

    def __rmatmul__(self, other):
        return F.matmul(other, self)

    def __neg__(self):
        return F.neg(self)

    # Comparisons answer with plain boolean arrays: they have no gradient.
    def __lt__(self, other):
        return self.data < _raw(other)

    def __le__(self, other):
        return self.data <= _raw(other)

    def __gt__(self, other):
        return self.data > _raw(other)

    def __ge__(self, other):
        return self.data >= _raw(other)

    __hash__ = object.__hash__  # tensors are graph nodes, hashed by identity

    # ---------------------------------------------------------------- methods
    def sum(self, axis=None, keepdims=False):
        return F.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return F.mean(self, axis, keepdims)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return F.reshape(self, shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return F.transpose(self, axes or None)

    @property
    def T(self):
        return F.transpose(self, None)

    def exp(self):
        return F.exp(self)

    def log(self):
        return F.log(self)

    def relu(self):
        return F.relu(self)

    def leaky_relu(self, negative_slope=0.01):
        return F.leaky_relu(self, negative_slope)

    def tanh(self):
        return F.tanh(self)

    def sigmoid(self):
        return F.sigmoid(self)

    def softsign(self):
        return F.softsign(self)

    def log_softmax(self, axis=-1):
        return F.log_softmax(self, axis)


class _HookHandle:
    def __init__(self, hooks, fn):
        self._hooks, self._fn = hooks, fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


def _raw(x):
    return x.data if isinstance(x, Tensor) else x


def tensor(data, requires_grad=False, dtype=None):
    """Create a Tensor (``tn.tensor([1, 2])`` mirrors ``torch.tensor``)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


from . import autograd as _autograd  # noqa: E402
from . import functional as F  # noqa: E402  (functional builds on Tensor)

_autograd._tensor_class = Tensor
