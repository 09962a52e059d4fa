"""The init laboratory behind ``tinynet compare``: retrain one MLP with every
initialization scheme and measure, side by side, which schemes learn and why.

- ``config.py``   CompareConfig: the settings, validated (``LabError`` on a user's mistake);
- ``schemes.py``  the schemes and their command-line spelling (``random_normal:0.01``);
- ``datasets.py`` the data (synthetic by default, Fashion-MNIST/MNIST);
- ``run.py``      one run: build, measure at init, train, measure again;
- ``verdict.py``  the one-word verdict from the measurements (the rule is written there);
- ``compare.py``  the loop over schemes and seeds; ``report.py`` the table, JSON, figures;
- ``workers.py``  the fits shared among worker processes (``--jobs``).
"""
from .compare import Comparison, compare
from .config import ACTIVATIONS, DATASETS, OPTIMIZERS, CompareConfig
from .errors import LabError
from .run import build_model, run_one
from .schemes import DEFAULT_SCHEMES, Scheme, parse_scheme, parse_schemes
from .verdict import VERDICTS, verdict

__all__ = [
    "Comparison", "compare", "CompareConfig", "ACTIVATIONS", "DATASETS", "OPTIMIZERS", "LabError",
    "build_model", "run_one", "DEFAULT_SCHEMES", "Scheme", "parse_scheme", "parse_schemes",
    "VERDICTS", "verdict",
]
