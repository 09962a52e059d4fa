"""How much memory an MLP run needs, estimated before anything is allocated.

``--width 1000000000`` or ``--depth 100000000`` would otherwise build layers until the
machine runs out of memory (or die with a MemoryError deep inside numpy). The estimate
counts, for hidden layers of ``width`` units:

- the parameters, their gradients and the optimizer's state (momentum: one more copy,
  adam: two), in the run's dtype;
- the activations kept for backprop, ``rows x width`` per layer, three arrays each
  (pre-activation, activation, gradient);
- about 9 KB of Python objects per layer (the layer, its parameters, graph nodes;
  measured with tracemalloc on tinynet's Dense).

It is a lower bound of the same order as the truth, enough to refuse what cannot fit.
"""
from __future__ import annotations

import os

from .errors import LabError

PER_LAYER_OVERHEAD = 9_000
OPTIMIZER_COPIES = {"sgd": 0, "momentum": 1, "nesterov": 1, "adam": 2}


def mlp_bytes(n_in, width, depth, classes, rows, itemsize=8, optimizer="momentum"):
    """Estimated peak bytes of training an MLP ``n_in -> depth x width -> classes`` on batches of ``rows``."""
    params = (n_in * width + width) + (depth - 1) * (width * width + width) + (width * classes + classes)
    weights = params * itemsize * (2 + OPTIMIZER_COPIES.get(optimizer, 2))
    activations = rows * (depth * width + classes) * itemsize * 3
    return weights + activations + (depth + 1) * PER_LAYER_OVERHEAD


def available_bytes():
    """Memory this process may still take: MemAvailable on Linux, else the physical memory."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def human(n):
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB", "EB"):
        if n < 1000 or unit == "EB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} EB"


def check_fits(need, what, fix, available=None):
    """A :class:`LabError` (one line, the sizes in it) if ``need`` bytes cannot fit."""
    available = available_bytes() if available is None else available
    if available is not None and need > available:
        raise LabError(f"{what} would need about {human(need)} of memory; this machine has "
                       f"{human(available)} available. {fix}")


def check_mlp(n_in, width, depth, classes, rows, itemsize=8, optimizer="momentum", available=None):
    need = mlp_bytes(n_in, width, depth, classes, rows, itemsize, optimizer)
    check_fits(need, f"an MLP of {depth:,} hidden layers of {width:,} units",
               "Choose a smaller --depth or --width.", available)
    return need
