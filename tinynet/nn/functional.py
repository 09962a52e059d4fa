"""Every differentiable function and fused loss in one namespace (as torch.nn.functional)."""
from ..functional import (  # noqa: F401
    abs, activate, add, argmax, clip, concatenate, div, exp, leaky_relu, linear, log, log_softmax,
    matmul, max, mean, min, mul, neg, pow, relu, reshape, sigmoid, softmax, softsign, sqrt, stack,
    std, sub, sum, tanh, transpose, var, where,
)
from ..conv_ops import avg_pool2d, conv2d, max_pool2d  # noqa: F401
from ..losses import binary_cross_entropy_with_logits, cross_entropy, mse  # noqa: F401
from .layers import dropout  # noqa: F401
