"""Save and load a model's parameters as ``.npz``.

Saving goes through :mod:`tinynet.atomic`: an interrupted save (Ctrl-C, SIGTERM, a full
disk) never leaves a half-written checkpoint where a good one was, nor a hidden temporary
file behind. Loading never unpickles (``allow_pickle=False``), refuses a file that is not
a tinynet checkpoint with one line saying what is wrong with it, refuses arrays that are
not real floating-point numbers (complex or text values are never cast), and refuses a
checkpoint made for another architecture, naming the first parameter that differs.
"""
from __future__ import annotations

import os
import zipfile
import zlib

import numpy as np

from . import atomic


class CheckpointError(ValueError):
    """The file is not a tinynet checkpoint, or not one for this model."""


def save(model, path):
    """Write ``model``'s parameters and buffers to ``path`` (``.npz``), atomically."""
    path = os.fspath(path)
    state = model.state_dict()
    with atomic.open_for_write(path, "wb") as f:
        np.savez(f, **state)
    return path


def _not_a_checkpoint(path, what):
    return CheckpointError(f"{path} is not a tinynet checkpoint ({what})")


def read(path):
    """The parameter arrays stored at ``path``, name -> array, checked to be a checkpoint."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise _not_a_checkpoint(path, "it is a folder")
    if os.path.exists(path) and os.path.getsize(path) == 0:
        raise _not_a_checkpoint(path, "the file is empty")
    try:
        with open(path, "rb") as fh:
            magic = fh.read(6)
            fh.seek(0)
            if magic.startswith(b"\x80"):
                raise _not_a_checkpoint(path, "it is a Python pickle, which tinynet never loads")
            if not magic.startswith((b"PK", b"\x93NUMPY")):
                raise _not_a_checkpoint(path, f"not an .npz archive: it starts with {magic!r}")
            archive = np.load(fh, allow_pickle=False)
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise _not_a_checkpoint(path, "it holds a single .npy array, not an .npz archive of named "
                                              "parameters; write checkpoints with tinynet.save")
            with archive:
                state = {k: archive[k] for k in archive.files}
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise _not_a_checkpoint(path, f"not a complete .npz archive, perhaps truncated: {err}") from None
    except ValueError as err:
        if "pickle" in str(err):
            raise _not_a_checkpoint(path, "it holds pickled Python objects, which tinynet never loads") from None
        raise _not_a_checkpoint(path, str(err).split("\n")[0]) from None
    if not state:
        raise _not_a_checkpoint(path, "the archive holds no arrays")
    for name, value in state.items():
        if value.dtype.kind != "f":
            raise _not_a_checkpoint(path, f"parameter '{name}' holds {value.dtype} values; parameters are "
                                          "real floating-point numbers, and tinynet does not cast others")
    return state


def load(model, path):
    """Load parameters (and buffers, e.g. BatchNorm's running statistics) saved by
    :func:`save` into ``model`` (same architecture)."""
    state = read(path)
    own = list(model.named_parameters()) + list(model.named_buffers())
    saved = list(state.items())
    for i, (name, p) in enumerate(own):
        if i >= len(saved):
            raise CheckpointError(
                f"checkpoint {path!s} is for another architecture: it has {len(saved)} parameters, "
                f"the model has {len(own)} (first missing: '{name}' of shape {p.shape})"
            )
        s_name, s_value = saved[i]
        if s_name != name or s_value.shape != p.shape:
            raise CheckpointError(
                f"checkpoint {path!s} is for another architecture: the first differing parameter "
                f"is '{name}' with shape {p.shape} in the model, but the checkpoint has "
                f"'{s_name}' with shape {s_value.shape}"
            )
    if len(saved) > len(own):
        name, value = saved[len(own)]
        raise CheckpointError(
            f"checkpoint {path!s} is for another architecture: it has an extra parameter "
            f"'{name}' of shape {value.shape}"
        )
    model.load_state_dict(state)
    return model
