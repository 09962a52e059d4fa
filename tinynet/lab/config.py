"""CompareConfig: every setting of one ``tinynet compare`` run, checked before any training.

Defaults are chosen so the whole default comparison (11 schemes x 3 seeds) finishes in
well under a minute on two cores and still shows every failure mode: a 5-hidden-layer
ReLU MLP of width 64 is deep enough for sigma = 0.01 to vanish (each layer multiplies the
activation std by about 0.01 * sqrt(64/2) = 0.06) and for sigma = 1 to explode (x 5.7).
"""
from __future__ import annotations

import difflib
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from ..activations import ACTIVATIONS as _TABLE
from ..dtypes import DtypeError, float_dtype
from . import workers
from .errors import LabError
from .models import DEFAULT_SIZES, MODELS, NORMS
from .schemes import DEFAULT_SCHEMES, parse_schemes

SYNTHETIC = ("spirals", "circles", "moons", "blobs", "xor")
IMAGES = ("fashion-mnist", "mnist")
DATASETS = SYNTHETIC + IMAGES
#: every nonlinear row of the activation table (tinynet/activations.py)
ACTIVATIONS = tuple(name for name in _TABLE if name != "linear")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam")
#: optimizer steps of a CNN run when neither --steps nor --epochs is given: 11 schemes x 3
#: seeds then take a few minutes on two cores (``CNN_MINUTES``), said before the runs start
#: (measured: 336 s, 1 min 50 s of user CPU, on 2 cores shared with other jobs, load ~7)
CNN_STEPS = 100
CNN_MINUTES = "3-6"
#: training / test examples a CNN comparison uses (the first ones; an MLP uses them all)
CNN_EXAMPLES = (10_000, 2_000)


@dataclass
class CompareConfig:
    """Settings of a comparison. ``steps`` (optimizer steps per run) wins over ``epochs``;
    when neither is given, synthetic sets train for 200 full-batch steps and image sets for
    one epoch of mini-batches of 128 (a CNN: ``CNN_STEPS`` steps). ``model`` and ``norm``
    choose the network (``lab/models.py``); ``depth``/``width`` default to the model's
    ``DEFAULT_SIZES`` (MLP 5 x 64; CNN 4 conv layers of 8 channels). ``threshold`` (the
    loss a run must reach to count as converged; default 0.5 * ln K) and ``dtype`` (default float64 on synthetic sets, so that
    symmetric units stay equal to the last bit, float32 on images, for speed) are optional.
    ``jobs`` is how many worker processes share the fits (default: the CPUs this process
    may use; see :attr:`workers`); it decides how fast, never what is computed, so it is
    not among the settings that ``as_dict`` (and results.json) records.
    """

    dataset: str = "spirals"
    inits: list = field(default_factory=lambda: list(DEFAULT_SCHEMES))
    activation: str = "relu"
    depth: int | None = None
    width: int | None = None
    optimizer: str = "momentum"
    lr: float = 0.05
    steps: int | None = None
    epochs: int | None = None
    seeds: int = 3
    batch_size: int | None = None
    threshold: float | None = None
    dtype: str | None = None
    samples: int = 600
    out: str = "tinynet-results"
    model: str = "mlp"
    norm: str = "none"
    jobs: int | None = None

    def __post_init__(self):
        self.model = _choice("model", self.model, MODELS)
        self.norm = _choice("norm", self.norm, NORMS)
        default_depth, default_width = DEFAULT_SIZES[self.model]
        self.depth = default_depth if self.depth is None else self.depth
        self.width = default_width if self.width is None else self.width
        self.dataset = _choice("dataset", self.dataset, DATASETS)
        self.activation = _choice("activation", self.activation, ACTIVATIONS)
        self.optimizer = _choice("optimizer", self.optimizer, OPTIMIZERS)
        self.schemes = parse_schemes(self.inits)
        self.inits = [s.label for s in self.schemes]
        for name in ("depth", "width", "seeds", "samples"):
            _positive_int(name, getattr(self, name))
        for name in ("steps", "epochs", "batch_size"):
            if getattr(self, name) is not None:
                _positive_int(name, getattr(self, name))
        if self.jobs is not None and (isinstance(self.jobs, bool) or not isinstance(self.jobs, (int, np.integer))
                                      or self.jobs <= 0):
            raise LabError(f"--jobs must be a positive whole number of worker processes, got {self.jobs!r}; "
                           f"1 runs the fits in this process, the default is {workers.usable_cpus()} "
                           "(the CPUs this process may use)")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise LabError(f"--lr must be a positive number, got {self.lr!r}; try 0.05 (SGD) or 0.001 (adam)")
        if self.threshold is not None and not self.threshold > 0:
            raise LabError(f"--threshold must be a positive loss value, got {self.threshold!r}")
        if self.dtype is None:
            self.dtype = "float64" if self.synthetic else "float32"
        try:
            self.dtype = float_dtype(self.dtype, "--dtype").name
        except DtypeError as err:
            raise LabError(str(err)) from None
        if self.model == "cnn" and self.synthetic:
            raise LabError(f"--model cnn needs images: use --dataset fashion-mnist or mnist "
                           f"(got {self.dataset!r}, whose examples are points, not images)")
        if self.steps is None and self.epochs is None:
            if self.model == "cnn":
                self.steps = CNN_STEPS
            elif self.synthetic:
                self.steps = 200
            else:
                self.epochs = 1
        if self.batch_size is None and not self.synthetic:
            self.batch_size = 128

    @property
    def examples(self):
        """(training, test) examples to use, None meaning all of them."""
        return CNN_EXAMPLES if self.model == "cnn" else (None, None)

    @property
    def synthetic(self):
        return self.dataset in SYNTHETIC

    @property
    def np_dtype(self):
        return np.dtype(self.dtype)

    @property
    def workers(self):
        """Worker processes the fits will run on: ``jobs`` (default: the CPUs this process
        may use), at most one per fit; 1 means in this process, as on platforms where
        workers cannot be forked (see :mod:`tinynet.lab.workers`)."""
        if not workers.fork_available():
            return 1
        jobs = workers.usable_cpus() if self.jobs is None else int(self.jobs)
        return max(1, min(jobs, len(self.schemes) * self.seeds))

    def as_dict(self):
        d = asdict(self)
        d.pop("schemes", None)
        d.pop("jobs", None)
        return d


def _choice(what, value, options):
    text = str(value).strip().lower().replace("_", "-") if what == "dataset" else str(value).strip().lower()
    if text not in options:
        close = difflib.get_close_matches(text, options, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise LabError(f"unknown {what} {value!r}.{hint} Expected one of: {', '.join(options)}")
    return text


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise LabError(f"--{name.replace('_', '-')} must be a positive whole number, got {value!r}")
