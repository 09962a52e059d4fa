"""Layers and models: Module, Dense, Conv2D, pooling, BatchNorm, LayerNorm, Residual,
Sequential, activation layers, Dropout."""
from . import functional
from .conv import Conv2D
from .dense import Dense
from .flatten import Flatten, Reshape
from .layers import Dropout, Identity, LeakyReLU, ReLU, Sigmoid, Softsign, Tanh, get_activation
from .module import Module, Parameter
from .norm import BatchNorm, LayerNorm
from .pooling import AvgPool2D, MaxPool2D
from .residual import Residual
from .sequential import Sequential

__all__ = [
    "functional", "Dense", "Dropout", "Identity", "LeakyReLU", "ReLU", "Sigmoid", "Softsign",
    "Tanh", "get_activation", "Module", "Parameter", "Sequential",
    "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "Reshape", "BatchNorm", "LayerNorm", "Residual",
]
