"""Every differentiable function and fused loss in one namespace (as torch.nn.functional)."""
from ..activations import (  # noqa: F401
    exp, leaky_relu, log, log_softmax, relu, sigmoid, softmax, softsign, tanh,
)
from ..functional import add, div, linear, matmul, mean, mul, neg, pow, reshape, sub, sum, transpose  # noqa: F401
from ..conv_ops import avg_pool2d, conv2d, max_pool2d  # noqa: F401
from ..losses import binary_cross_entropy_with_logits, cross_entropy, mse  # noqa: F401
from .layers import dropout  # noqa: F401
