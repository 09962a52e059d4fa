"""The Tensor and its graph.

A :class:`Tensor` wraps a numpy array. When an operation runs on tensors that require
gradients, the result remembers the operation (its *context*, see ``autograd.py``) and
its inputs. ``backward()`` then walks that graph once, from the output back to the
leaves, applying the chain rule: each operation turns the gradient of its output into
the gradients of its inputs, and a tensor used twice receives the *sum* of both
contributions.

The walk is iterative (an explicit stack, not recursion), so a chain of 10,000
operations is as easy as a chain of three.

The operators call the Functions of ``ops``, ``reductions``, ``shaping`` and
``activations``, which sit below this module and see numpy arrays only; ``functional``
(above) offers the same operations as functions. Comparisons (``== != < <= > >=``) are
elementwise and return numpy boolean arrays, which have no gradient: use them as masks,
``t[t > 0]`` or ``tn.where(t > 0, t, 0.0)``. A Tensor stays hashable by identity (two
tensors with equal values are different graph nodes), so sets and dicts of tensors work;
``np.asarray(t)`` is ``t.data``.
"""
from __future__ import annotations

import numpy as np

from . import activations, ops, reductions, shaping
from .autograd import Context, grad_enabled, no_grad  # noqa: F401  (re-exported)
from .dtypes import as_array, get_default_dtype


def _binary(op, reflected=False):
    """The Tensor method for a binary operator: ``op`` applied to (self, other), or to
    (other, self) for the reflected form (``__radd__``)."""
    def method(self, other):
        other = as_tensor(other, self)
        return op.apply(other, self) if reflected else op.apply(self, other)

    method.__name__ = f"__{'r' if reflected else ''}{op.__name__.lower()}__"
    method.__doc__ = f"{'other ' if reflected else ''}{op.__name__}({'other, self' if reflected else 'self, other'}): {op.__doc__.splitlines()[0]}"
    return method


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
    shape = property(lambda self: self.data.shape, doc="The array's shape.")
    dtype = property(lambda self: self.data.dtype, doc="The array's dtype.")
    ndim = property(lambda self: self.data.ndim, doc="The number of axes.")
    size = property(lambda self: self.data.size, doc="The number of elements.")

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
        return HookHandle(self._hooks, fn)

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
                if pg.dtype != parent.data.dtype:
                    pg = pg.astype(parent.data.dtype)
                key = id(parent)
                earlier = grads.get(key)
                grads[key] = pg if earlier is None else earlier + pg

    def _topological_order(self):
        """Nodes reachable from ``self``, each after every node that consumes it.

        Iterative depth-first search: a node is emitted once all its inputs are done, and
        the reversed post-order is a valid order for the chain rule. A stack entry
        ``(node, True)`` means "its inputs are done: emit it". A leaf has no inputs, so it
        is emitted as soon as it is reached (the same place in the order as pushing
        ``(leaf, True)`` and popping it straight back).
        """
        post, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                post.append(node)
                continue
            key = id(node)
            if key in visited:
                continue
            visited.add(key)
            ctx = node._ctx
            if ctx is None:
                post.append(node)
                continue
            stack.append((node, True))
            for parent in ctx.inputs:
                if parent is not None and parent.requires_grad and id(parent) not in visited:
                    stack.append((parent, False))
        post.reverse()
        return post

    @staticmethod
    def wrap_result(array):
        """A plain Tensor around an operation's output array, as is (no dtype rule applied;
        what ``Function.apply`` calls, also for a Parameter input)."""
        out = Tensor.__new__(Tensor)
        out.data, out.requires_grad, out.grad, out._ctx, out._hooks = np.asarray(array), False, None, None, None
        return out

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(tensor)`` is the tensor's array (no copy unless asked for, numpy 2's
        protocol: ``copy=False`` with another dtype is an error, as a copy would be needed)."""
        same = dtype is None or np.dtype(dtype) == self.data.dtype
        if same and not copy:
            return self.data
        if copy is False:
            raise ValueError(f"np.asarray(tensor, dtype={dtype}, copy=False): a {self.data.dtype} "
                             f"tensor cannot be viewed as {dtype} without a copy")
        return np.array(self.data, dtype=dtype, copy=True)

    # -------------------------------------------------------------- operators
    # ``a + b`` runs Add.apply(a, b); ``2 + t`` runs t.__radd__(2), the same op reflected.
    # A Python number takes the tensor's dtype (``as_tensor``), so ``t * 2`` stays float32.
    __add__, __radd__ = _binary(ops.Add), _binary(ops.Add, reflected=True)
    __sub__, __rsub__ = _binary(ops.Sub), _binary(ops.Sub, reflected=True)
    __mul__, __rmul__ = _binary(ops.Mul), _binary(ops.Mul, reflected=True)
    __truediv__, __rtruediv__ = _binary(ops.Div), _binary(ops.Div, reflected=True)
    __pow__, __rpow__ = _binary(ops.Pow), _binary(ops.Pow, reflected=True)
    __matmul__, __rmatmul__ = _binary(ops.MatMul), _binary(ops.MatMul, reflected=True)

    def __neg__(self):
        return ops.Neg.apply(self)

    def __abs__(self):
        return ops.Abs.apply(self)

    def __getitem__(self, key):
        """``t[key]``: ints, slices, None, ..., integer arrays, boolean masks (numpy's rules);
        the gradient scatters back and adds up where an index repeats."""
        return shaping.Index.apply(self, key=_raw_key(key))

    # Comparisons are elementwise and answer with plain numpy boolean arrays: they have no
    # gradient. Defining == removes Python's default hash, so it is put back: tensors are
    # graph nodes, hashed (and found in sets and dicts) by identity, never by value.
    def __eq__(self, other):
        return self.data == _raw(other)

    def __ne__(self, other):
        return self.data != _raw(other)

    def __lt__(self, other):
        return self.data < _raw(other)

    def __le__(self, other):
        return self.data <= _raw(other)

    def __gt__(self, other):
        return self.data > _raw(other)

    def __ge__(self, other):
        return self.data >= _raw(other)

    __hash__ = object.__hash__

    # ---------------------------------------------------------------- methods
    def sum(self, axis=None, keepdims=False):
        return reductions.Sum.apply(self, axis=_axis(axis), keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return reductions.Mean.apply(self, axis=_axis(axis), keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        """Largest element over ``axis``; the gradient goes to the first arg-max (see ``Max``)."""
        return reductions.Max.apply(self, axis=_axis(axis), keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        """Smallest element over ``axis``; the gradient goes to the first arg-min."""
        return reductions.Min.apply(self, axis=_axis(axis), keepdims=keepdims)

    def argmax(self, axis=None):
        """Index of the largest element (a numpy integer array, no gradient)."""
        return np.argmax(self.data, axis=axis)

    def argmin(self, axis=None):
        return np.argmin(self.data, axis=axis)

    def var(self, axis=None, keepdims=False, ddof=0):
        """Variance over ``axis``, Σ(a − mean)² / (n − ddof): numpy's default ddof=0
        (PyTorch's ``var`` defaults to the unbiased ddof=1; pass ``ddof=1`` for it)."""
        axis = _axis(axis)
        centred = self - self.mean(axis=axis, keepdims=True)
        n = self.size if axis is None else int(np.prod([self.shape[i] for i in np.atleast_1d(axis)]))
        return (centred * centred).sum(axis=axis, keepdims=keepdims) / max(n - ddof, 1)

    def std(self, axis=None, keepdims=False, ddof=0):
        """sqrt(var): numpy's ddof=0 by default, as ``var``."""
        return self.var(axis, keepdims, ddof).sqrt()

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return shaping.Reshape.apply(self, shape=tuple(shape))

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return shaping.Transpose.apply(self, axes=tuple(axes) if axes else None)

    @property
    def T(self):
        return shaping.Transpose.apply(self, axes=None)

    def exp(self):
        return ops.Exp.apply(self)

    def log(self):
        return ops.Log.apply(self)

    def sqrt(self):
        """√a as a ** 0.5 (so its backward is Pow's: g · 0.5 · a^(-1/2), inf at a = 0)."""
        return self ** 0.5

    def abs(self):
        return ops.Abs.apply(self)

    def clip(self, low=None, high=None):
        """Values limited to [low, high]; gradient 1 inside (bounds included), 0 outside."""
        return ops.Clip.apply(self, low=low, high=high)

    def activate(self, name, param=None):
        """The activation ``name`` of the table in ``activations.py`` (param: its parameter)."""
        spec = activations.lookup(name)
        return activations.Activate.apply(self, name=spec.name, param=float(spec.param if param is None else param))

    def relu(self):
        return self.activate("relu")

    def leaky_relu(self, negative_slope=0.01):
        return self.activate("leaky_relu", negative_slope)

    def tanh(self):
        return self.activate("tanh")

    def sigmoid(self):
        return self.activate("sigmoid")

    def softsign(self):
        return self.activate("softsign")

    def log_softmax(self, axis=-1):
        return reductions.LogSoftmax.apply(self, axis=axis)

    def softmax(self, axis=-1):
        """exp(log_softmax): probabilities along ``axis``, differentiable through both ops."""
        return self.log_softmax(axis).exp()


class HookHandle:
    """What ``register_hook`` and ``register_forward_hook`` return: ``remove()`` unregisters."""

    def __init__(self, hooks, fn):
        self._hooks, self._fn = hooks, fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


def _raw(x):
    return x.data if isinstance(x, Tensor) else x


def _raw_key(key):
    """An index with any Tensors in it replaced by their arrays (indices carry no gradient)."""
    if isinstance(key, tuple):
        return tuple(_raw(k) for k in key)
    return _raw(key)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def as_tensor(x, like=None):
    """``x`` if it is a Tensor, else a new Tensor of it (no gradient).

    A Python number next to a tensor ``like`` takes ``like``'s dtype, so ``t * 2`` keeps a
    float64 tensor float64 and a float32 one float32.
    """
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, (int, float, bool, np.integer)):
        return Tensor(np.asarray(x, dtype=like.dtype))
    return Tensor(x)


def tensor(data, requires_grad=False, dtype=None):
    """Create a Tensor (``tn.tensor([1, 2])`` mirrors ``torch.tensor``)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)
