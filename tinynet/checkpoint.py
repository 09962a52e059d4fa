"""Save and load a model's parameters as ``.npz``.

Saving writes to a temporary file in the target directory and renames it into place, so
an interrupted save never leaves a half-written checkpoint where a good one was. Loading
never unpickles (``allow_pickle=False``) and refuses a checkpoint made for another
architecture, naming the first parameter that differs.
"""
from __future__ import annotations

import os
import tempfile

import numpy as np


def save(model, path):
    """Write ``model``'s parameters to ``path`` (``.npz``), atomically."""
    path = os.fspath(path)
    state = model.state_dict()
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tinynet-", suffix=".npz.tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **state)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def load(model, path):
    """Load parameters saved by :func:`save` into ``model`` (same architecture)."""
    with np.load(os.fspath(path), allow_pickle=False) as f:
        state = {k: f[k] for k in f.files}
    own = list(model.named_parameters())
    saved = list(state.items())
    for i, (name, p) in enumerate(own):
        if i >= len(saved):
            raise ValueError(
                f"checkpoint {path!s} is for another architecture: it has {len(saved)} parameters, "
                f"the model has {len(own)} (first missing: '{name}' of shape {p.shape})"
            )
        s_name, s_value = saved[i]
        if s_name != name or s_value.shape != p.shape:
            raise ValueError(
                f"checkpoint {path!s} is for another architecture: the first differing parameter "
                f"is '{name}' with shape {p.shape} in the model, but the checkpoint has "
                f"'{s_name}' with shape {s_value.shape}"
            )
    if len(saved) > len(own):
        name, value = saved[len(own)]
        raise ValueError(
            f"checkpoint {path!s} is for another architecture: it has an extra parameter "
            f"'{name}' of shape {value.shape}"
        )
    model.load_state_dict(state)
    return model
