"""Planted bugs for lesson 2: each must fail its exercise's grader with its own diagnosis."""
import numpy as np

from tinynet.mine import reference

Tensor = reference(1).Tensor


def dense_backward_transposed_dw(x, W, b, dz):
    return dz @ W.T, (x.T @ dz).T, dz.sum(axis=0)      # dW in PyTorch's (out, in) layout


def dense_backward_mean_bias(x, W, b, dz):
    return dz @ W.T, x.T @ dz, dz.mean(axis=0)          # db averaged instead of summed


def dense_backward_forgets_weights_in_dx(x, W, b, dz):
    return dz @ np.ones_like(W).T, x.T @ dz, dz.sum(axis=0)


def dense_backward_db_per_example(x, W, b, dz):
    return dz @ W.T, x.T @ dz, dz                       # db not summed over the batch


def dense_backward_wrong_order(x, W, b, dz):
    return x.T @ dz, dz @ W.T, dz.sum(axis=0)          # (dW, dX, db)


def dense_backward_dx_sign(x, W, b, dz):
    return -(dz @ W.T), x.T @ dz, dz.sum(axis=0)


def matmul_assigns(a, b):
    out = Tensor(a.data @ b.data, (a, b))

    def rule():
        a.grad = out.grad @ b.data.T                    # replaces instead of adding
        b.grad = a.data.T @ out.grad
    out.backward_rule = rule
    return out


def matmul_forgets_upstream(a, b):
    out = Tensor(a.data @ b.data, (a, b))

    def rule():
        a.grad += np.ones_like(out.grad) @ b.data.T
        b.grad += a.data.T @ np.ones_like(out.grad)
    out.backward_rule = rule
    return out


def matmul_transposed_b_grad(a, b):
    out = Tensor(a.data @ b.data, (a, b))

    def rule():
        a.grad += out.grad @ b.data.T
        b.grad.__iadd__(out.grad.T @ a.data)            # (M, K): the transpose of b's gradient
    out.backward_rule = rule
    return out


def _matmul(a, b):
    out = Tensor(a.data @ b.data, (a, b))

    def rule():
        a.grad += out.grad @ b.data.T
        b.grad += a.data.T @ out.grad
    out.backward_rule = rule
    return out


class DenseNoBias:
    def __init__(self, kernel, bias):
        self.kernel, self.bias = Tensor(kernel), Tensor(bias)

    def __call__(self, x):
        return _matmul(x, self.kernel)

    def parameters(self):
        return [self.kernel, self.bias]


class DenseBiasFirst(DenseNoBias):
    def __call__(self, x):
        return _matmul(x, self.kernel) + self.bias

    def parameters(self):
        return [self.bias, self.kernel]


class DenseDetachedKernel(DenseBiasFirst):
    def __call__(self, x):
        return _matmul(x, Tensor(self.kernel.data)) + self.bias   # a copy: no gradient reaches the kernel

    def parameters(self):
        return [self.kernel, self.bias]


class DenseNumpyInside(DenseNoBias):
    def __call__(self, x):
        return Tensor(x.data @ self.kernel.data + self.bias.data)   # right values, no graph behind them


class DenseNewKernelEachCall(DenseNoBias):
    def __call__(self, x):
        self.kernel, self.bias = Tensor(self.kernel.data), Tensor(self.bias.data)   # fresh leaves every call
        return _matmul(x, self.kernel) + self.bias


class DenseAtOperator(DenseNoBias):
    def __call__(self, x):
        return x @ self.kernel + self.bias              # lesson 1's Tensor has no @


def _ce(logits, labels, value, grad_of):
    out = Tensor(value, (logits,))

    def rule():
        logits.grad += out.grad * grad_of()
    out.backward_rule = rule
    return out


def _softmax(z):
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def softmax_ce_no_batch_mean(logits, labels):
    z, n = logits.data, len(labels)
    value = -np.log(_softmax(z)[np.arange(n), labels]).mean()

    def grad():
        p = _softmax(z)
        p[np.arange(n), labels] -= 1.0
        return p                                        # the gradient of the SUM over the batch
    return _ce(logits, labels, value, grad)


def softmax_ce_unstable(logits, labels):
    z, n = logits.data, len(labels)
    with np.errstate(all="ignore"):
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)    # overflows for logits above ~709
        value = -np.log(p[np.arange(n), labels]).mean()
    return _ce(logits, labels, value, lambda: (p - np.eye(z.shape[1])[labels]) / n)


def softmax_ce_logits_minus_y(logits, labels):
    z, n = logits.data, len(labels)
    value = -np.log(_softmax(z)[np.arange(n), labels]).mean()
    return _ce(logits, labels, value, lambda: (z - np.eye(z.shape[1])[labels]) / n)   # forgot the softmax


def softmax_ce_sum(logits, labels):
    z, n = logits.data, len(labels)
    p = _softmax(z)
    value = -np.log(p[np.arange(n), labels]).sum()
    return _ce(logits, labels, value, lambda: (p - np.eye(z.shape[1])[labels]) / n)


def _ce_rule(logits, labels, rule_of):
    """The right forward value; the rule is rule_of(out, probabilities, onehot, n)."""
    z, n = logits.data, len(labels)
    p, onehot = _softmax(z), np.eye(z.shape[1])[labels]
    out = Tensor(-np.log(p[np.arange(n), labels]).mean(), (logits,))
    out.backward_rule = lambda: rule_of(out, p, onehot, n)
    return out


def softmax_ce_y_minus_p(logits, labels):
    def rule(out, p, onehot, n):
        logits.grad += out.grad * (onehot - p) / n
    return _ce_rule(logits, labels, rule)


def softmax_ce_no_minus_one(logits, labels):
    def rule(out, p, onehot, n):
        logits.grad += out.grad * p / n                 # the one-hot term forgotten
    return _ce_rule(logits, labels, rule)


def softmax_ce_forgets_upstream(logits, labels):
    def rule(out, p, onehot, n):
        logits.grad += (p - onehot) / n                 # dL/dout not multiplied in
    return _ce_rule(logits, labels, rule)


def softmax_ce_assigns(logits, labels):
    def rule(out, p, onehot, n):
        logits.grad = out.grad * (p - onehot) / n       # replaces instead of adding
    return _ce_rule(logits, labels, rule)


BUGS = {
    "dense_backward": [dense_backward_transposed_dw, dense_backward_mean_bias,
                       dense_backward_forgets_weights_in_dx, dense_backward_db_per_example,
                       dense_backward_wrong_order, dense_backward_dx_sign],
    "matmul": [matmul_assigns, matmul_forgets_upstream, matmul_transposed_b_grad],
    "Dense": [DenseNoBias, DenseBiasFirst, DenseDetachedKernel, DenseNumpyInside, DenseNewKernelEachCall,
              DenseAtOperator],
    "softmax_cross_entropy": [softmax_ce_no_batch_mean, softmax_ce_unstable, softmax_ce_logits_minus_y, softmax_ce_sum,
                              softmax_ce_y_minus_p, softmax_ce_no_minus_one, softmax_ce_forgets_upstream,
                              softmax_ce_assigns],
}
