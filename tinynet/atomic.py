"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Every file tinynet writes (checkpoints, figures, the lab's table and results, downloads,
IDX files) goes through :func:`open_for_write`: the bytes go into a hidden temporary file
in the target's own folder (same file system, so the final ``os.replace`` is atomic), are
flushed to disk, and only then renamed over the target. Any failure -- a full disk, a
Ctrl-C, a SIGTERM -- removes the temporary file and leaves the target as it was.

One permission rule for every output: the mode a plain ``open()`` would give
(``0o666 & ~umask``, usually 0644), although ``mkstemp`` creates its files 0600.
"""
from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading

TEMP_PREFIX = ".tinynet-"


class Terminated(SystemExit):
    """SIGTERM arrived while a file was being written (raised so that cleanup runs)."""

    def __init__(self):
        super().__init__(128 + signal.SIGTERM)


def public_mode():
    """The mode a plain ``open()`` gives a new file: 0o666 minus the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _raise_terminated(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def sigterm_raises():
    """Within the block a SIGTERM raises :class:`Terminated` instead of killing the process
    on the spot, so ``finally`` clauses (removing temporary files) still run. Only where
    SIGTERM still has its default action and in the main thread; elsewhere a no-op."""
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def check_folder(path):
    """The folder a file at ``path`` goes into; a missing one is an error naming ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        what = "is not a folder" if os.path.exists(directory) else "does not exist"
        raise FileNotFoundError(2, f"cannot write {path}: its folder {directory} {what}", os.fspath(path))
    return directory


@contextlib.contextmanager
def open_for_write(path, mode="wb", encoding=None, before_rename=None):
    """``with open_for_write(path) as f: f.write(...)`` -- ``path`` appears complete or not at all.

    ``mode`` is ``"wb"`` or ``"w"`` (text, UTF-8 unless ``encoding`` says otherwise).
    ``before_rename(tmp_path)``, if given, checks the finished temporary file (a download's
    checksum); an exception from it discards the file and leaves ``path`` as it was.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"open_for_write: mode must be 'wb' or 'w', got {mode!r}")
    path = os.fspath(path)
    directory = check_folder(path)
    with sigterm_raises():
        # (the target's name, cut short: a file name has at most 255 bytes)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX + os.path.basename(path)[:100] + ".", suffix=".tmp",
                                   dir=directory)
        try:
            if hasattr(os, "fchmod"):  # POSIX; elsewhere mkstemp's mode stands
                os.fchmod(fd, public_mode())
            kwargs = {} if mode == "wb" else {"encoding": encoding or "utf-8", "newline": ""}
            with os.fdopen(fd, mode, **kwargs) as f:
                yield f
                _to_disk(f, path)
            if before_rename is not None:
                before_rename(tmp)
            os.replace(tmp, path)
        except BaseException as err:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(err, OSError) and err.errno is not None and err.filename in (None, tmp):
                # name the target, not the hidden temporary file
                raise OSError(err.errno, err.strerror or str(err), path) from err
            raise


def _to_disk(f, path):
    """Flush ``f`` (to become ``path``) to the disk (a full disk shows here at the latest, not after the rename)."""
    f.flush()
    os.fsync(f.fileno())


def write_bytes(path, data):
    """Write ``data`` (bytes) to ``path`` atomically; returns ``path``."""
    with open_for_write(path, "wb") as f:
        f.write(data)
    return os.fspath(path)


def write_text(path, text, encoding="utf-8"):
    """Write ``text`` to ``path`` atomically; returns ``path``."""
    with open_for_write(path, "w", encoding=encoding) as f:
        f.write(text)
    return os.fspath(path)


__all__ = ["open_for_write", "write_bytes", "write_text", "public_mode", "sigterm_raises", "Terminated"]
