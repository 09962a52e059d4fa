"""Layers and models: Module, Dense, Sequential, activation layers, Dropout."""
from . import functional
from .dense import Dense
from .layers import Dropout, Identity, LeakyReLU, ReLU, Sigmoid, Softsign, Tanh, get_activation
from .module import Module, Parameter
from .sequential import Sequential

__all__ = [
    "functional", "Dense", "Dropout", "Identity", "LeakyReLU", "ReLU", "Sigmoid", "Softsign",
    "Tanh", "get_activation", "Module", "Parameter", "Sequential",
]
