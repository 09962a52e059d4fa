"""Stand-ins for tinynet's tn, nn, F and optim under `tinynet lesson N --mine`: the same
names a lesson trains with, running on the learner's engine (tinynet.mine.Kit).

Only what the lessons train with is replaced: ``tn.Tensor``; ``nn.Dense`` (activation
None/linear, relu, tanh or sigmoid) and ``nn.Sequential``; ``F.cross_entropy`` and
``F.binary_cross_entropy_with_logits``; ``optim.SGD`` (momentum kept by the stand-in, the
step by the learner's sgd_step). Every other name is tinynet's. A Dense draws its initial
weights by building tinynet's own Dense with the same arguments (same random stream, same
numbers) and copying them into the learner's layer. A model with a layer the learner's
engine lacks (Dropout, say) is built and run by tinynet instead, and says so.
"""
from __future__ import annotations

import numpy as np

from .mine import say

ACTIVATIONS = (None, "linear", "relu", "tanh", "sigmoid")


class _Proxy:
    def __init__(self, real, kit):
        self._real, self._kit = real, kit

    def __getattr__(self, name):
        return getattr(self._real, name)


def _is_mine(kit, x):
    return isinstance(x, kit.Tensor)


class TnStandIn(_Proxy):
    def Tensor(self, data, requires_grad=False, dtype=None):
        return self._kit.Tensor(np.array(np.asarray(data), dtype=np.float64))

    tensor = Tensor


class MineDense:
    """tinynet's Dense interface on the learner's Dense layer and activation ops."""

    def __init__(self, twin, activation, kit):
        self.twin, self.activation_name, self._kit = twin, activation, kit
        bias = twin.bias.data if twin.bias is not None else np.zeros(twin.out_features)
        self.layer = kit.Dense(np.array(twin.kernel.data, dtype=np.float64), np.array(bias, dtype=np.float64))
        self.kernel, self.bias = self.layer.kernel, self.layer.bias
        self.in_features, self.out_features = twin.in_features, twin.out_features
        self._hooks = []

    def __call__(self, x):
        x = x if _is_mine(self._kit, x) else self._kit.Tensor(np.asarray(getattr(x, "data", x), dtype=np.float64))
        z = self.layer(x)
        if self.activation_name == "relu":
            a = z.relu()
        elif self.activation_name == "tanh":
            a = z.tanh()
        elif self.activation_name == "sigmoid":
            a = 1.0 / (1.0 + (-z).exp())
        else:
            a = z
        if self._hooks:
            # tinynet's z.register_hook(fn): fn(dL/dz) once the loss's backward has run
            z.register_hook = lambda fn, z=z: self._kit.pending_hooks.append((z, fn))
        for hook in list(self._hooks):
            hook(self, x, z, a)
        return a

    def register_forward_hook(self, hook):
        """hook(layer, input, z, a) after every call, as tinynet's Dense; returns a handle."""
        self._hooks.append(hook)
        hooks = self._hooks
        return type("Handle", (), {"remove": lambda _self: hook in hooks and hooks.remove(hook)})()

    def parameters(self):
        return iter([self.kernel, self.bias])

    def dense_layers(self):
        return [self]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = np.zeros_like(p.data)


class MineSequential:
    def __init__(self, layers, kit):
        self.layers, self._kit = list(layers), kit

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return iter([p for layer in self.layers for p in layer.parameters()])

    def dense_layers(self):
        return list(self.layers)

    def zero_grad(self):
        for layer in self.layers:
            layer.zero_grad()

    def __iter__(self):
        return iter(self.layers)

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]


class _TinynetModel:
    """A tinynet model that accepts the learner's Tensors as input (for layers the learner's
    engine lacks); its outputs are tinynet Tensors, so losses and SGD go to tinynet's."""

    def __init__(self, model, kit):
        self._model, self._kit = model, kit

    def __call__(self, x):
        return self._model(x.data if _is_mine(self._kit, x) else x)

    def __getattr__(self, name):
        return getattr(self._model, name)


def _why_not(layer):
    """What the learner's engine lacks for this tinynet layer, in a few words."""
    if type(layer).__name__ != "Dense":
        return type(layer).__name__
    if layer.bias is None:
        return "a Dense without bias"
    if layer.dtype != np.float64:
        return f"{layer.dtype} layers"
    return f"a {layer.activation_name} Dense"


class NnStandIn(_Proxy):
    @property
    def functional(self):
        return FStandIn(self._real.functional, self._kit)

    def Dense(self, in_features, out_features, activation=None, kernel_initializer="glorot_uniform",
              bias_initializer="zeros", use_bias=True, dtype=None, name=None):
        twin = self._real.Dense(in_features, out_features, activation=activation,
                                kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                                use_bias=use_bias, dtype=dtype, name=name)
        if activation not in ACTIVATIONS or not use_bias or twin.dtype != np.float64:
            return twin             # the learner's engine is float64 with biases: tinynet runs this one
        return MineDense(twin, activation, self._kit)

    def Sequential(self, *layers):
        if all(isinstance(layer, MineDense) for layer in layers):
            return MineSequential(layers, self._kit)
        foreign = sorted({_why_not(layer) for layer in layers if not isinstance(layer, MineDense)})
        say(f"  (a model with {', '.join(foreign)} runs on tinynet's engine: yours has none)")
        real = [layer.twin if isinstance(layer, MineDense) else layer for layer in layers]
        return _TinynetModel(self._real.Sequential(*real), self._kit)


def _with_hooks(loss, kit):
    """loss.backward() that then calls the tensor hooks registered during the forward pass."""
    def backward(grad=None):
        type(loss).backward(loss, grad)
        pending, kit.pending_hooks[:] = list(kit.pending_hooks), []
        for z, fn in pending:
            fn(z.grad)
    if kit.pending_hooks:
        loss.backward = backward
    return loss


class FStandIn(_Proxy):
    def binary_cross_entropy_with_logits(self, logits, targets):
        if _is_mine(self._kit, logits):
            return _with_hooks(self._kit.bce_with_logits(logits, np.asarray(targets, dtype=np.float64)), self._kit)
        return self._real.binary_cross_entropy_with_logits(logits, targets)

    def cross_entropy(self, logits, labels):
        if _is_mine(self._kit, logits):
            return _with_hooks(self._kit.softmax_cross_entropy(logits, np.asarray(labels)), self._kit)
        return self._real.cross_entropy(logits, labels)


class MineSGD:
    """tinynet's SGD on the learner's parameters: the velocity kept here as tinynet keeps it
    (v ← μ·v + g), the step θ ← θ − lr·v taken by the learner's sgd_step."""

    def __init__(self, params, lr, momentum, kit):
        self.params, self.lr, self.momentum, self._kit = list(params), lr, float(momentum), kit
        self._velocity = [None] * len(self.params)

    def zero_grad(self):
        for p in self.params:
            p.grad = np.zeros_like(p.data)

    def step(self):
        steps = []
        for i, p in enumerate(self.params):
            g = p.grad
            if self.momentum:
                if self._velocity[i] is None:
                    self._velocity[i] = g.copy()
                else:
                    self._velocity[i] *= self.momentum
                    self._velocity[i] += g
                g = self._velocity[i]
            steps.append(g)
        self._kit.sgd_step([p.data for p in self.params], steps, self.lr)


class OptimStandIn(_Proxy):
    def SGD(self, params, lr=0.01, momentum=0.0, **options):
        params = list(params)
        if params and all(_is_mine(self._kit, p) for p in params) and not any(options.values()):
            return MineSGD(params, lr, momentum, self._kit)
        return self._real.SGD(params, lr=lr, momentum=momentum, **options)
