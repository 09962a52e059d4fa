"""A result folder that always holds one whole run.

    with ResultFolder("tinynet-results") as folder:     # refuses a folder another run is using
        ...train...
        write_file(folder.path("results.json"))         # into a private temporary folder
        folder.commit()                                 # every file moves into place together

- **One run at a time.** Entering takes a lock, the file ``.tinynet-lock`` in the folder,
  held with ``flock`` and holding the owner's pid. A second run on the same folder is
  refused with the owner's pid. The kernel drops a flock when its process dies, so a lock
  file left by a killed run (``kill -9``, a power cut) is recognised as stale and taken over.
- **All or nothing.** A run writes into a fresh hidden folder ``.tinynet-run-<pid>-XXXX``
  inside the result folder (on the same file system, so each move is a rename).
  :meth:`ResultFolder.commit` moves the earlier files aside, moves the new ones in, and
  records their names in ``.tinynet.json`` (names starting ``.tinynet-`` are temporary);
  should any rename fail, the earlier files are put back. Ctrl-C and SIGTERM are held
  back during those renames and take effect right after. Files an earlier run wrote that this one did not are removed, so the folder
  never mixes two runs; files the run did not write (a user's notes) are never touched.
- **Nothing lost.** Leaving the block without a commit because of Ctrl-C removes the
  temporary folder, and the earlier run stays as it was. Leaving it because of an error
  (a full disk, an unwritable file) keeps the temporary folder with what was written so
  far, and ``folder.kept`` says where.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import tempfile
import threading
import time

from .. import atomic, interrupts
from .errors import LabError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS: runs are not locked
    fcntl = None

LOCK = ".tinynet-lock"
MANIFEST = ".tinynet.json"
TEMP_PREFIX = ".tinynet-run-"


class ResultFolder:
    """The result folder ``out`` for one run (see the module docstring)."""

    def __init__(self, out, option="--out"):
        self.out = os.path.abspath(os.fspath(out))
        self.option = option
        self.given = os.fspath(out)
        self.tmp = None
        self.kept = None
        self.replaced, self.removed, self.took_over = [], [], None
        self._lock_fd = None
        self._committed = False

    # -- entering: the folder, the lock, the temporary folder ---------------------------
    def __enter__(self):
        self._make_folder()
        self._lock()
        try:
            self.tmp = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=self.out)
        except OSError as err:
            self._unlock()
            raise LabError(f"cannot write into {self.option} {self.given!r}: {err.strerror or err}; "
                           "choose a folder you can write to") from None
        return self

    def check(self):
        """Create the folder if needed and prove a file can be written there, before any
        training; a LabError says in one line why not. (No lock is taken.)"""
        self._make_folder()
        try:
            with tempfile.TemporaryFile(dir=self.out):
                pass
        except OSError as err:
            raise LabError(f"cannot write into {self.option} {self.given!r}: {err.strerror or err}; "
                           "choose a folder you can write to") from None
        return self

    def _make_folder(self):
        if os.path.exists(self.out) and not os.path.isdir(self.out):
            raise LabError(f"{self.option} {self.given!r} exists and is not a folder; choose a folder path")
        try:
            os.makedirs(self.out, exist_ok=True)
        except OSError as err:
            raise LabError(f"cannot create the output folder {self.option} {self.given!r}: "
                           f"{err.strerror or err}; choose a folder you can write to") from None

    def _lock(self):
        if fcntl is None:
            return
        path = os.path.join(self.out, LOCK)
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, atomic.public_mode())
            except OSError as err:
                raise LabError(f"cannot write into {self.option} {self.given!r}: {err.strerror or err}; "
                               "choose a folder you can write to") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                owner = _read_owner(fd)
                os.close(fd)
                who = f" (pid {owner['pid']}, started {owner.get('started', '?')})" if owner else ""
                raise LabError(f"{self.option} {self.given!r} is in use by another tinynet run{who}; "
                               "wait for it to finish or choose another folder") from None
            try:  # the holder before us may have removed the file just before we locked it
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        previous = _read_owner(fd)
        if previous and previous.get("pid") != os.getpid():
            self.took_over = previous["pid"]
            _remove_temp_folders(self.out, previous["pid"])
        stamp = json.dumps({"pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S")})
        os.ftruncate(fd, 0)
        os.pwrite(fd, (stamp + "\n").encode(), 0)
        self._lock_fd = fd

    # -- during the run ----------------------------------------------------------------
    def path(self, name):
        """Where this run's file ``name`` is written (inside the temporary folder)."""
        if self.tmp is None:
            raise RuntimeError("ResultFolder.path() is only available inside the `with` block")
        return os.path.join(self.tmp, name)

    def commit(self):
        """Move every file of the temporary folder into the result folder, together.

        Returns ``{name: final path}``; sets ``replaced`` (names that existed before) and
        ``removed`` (files of the earlier run that this run did not write)."""
        interrupts.raise_if_interrupted()
        names = sorted(n for n in os.listdir(self.tmp) if os.path.isfile(os.path.join(self.tmp, n)))
        for name in names:
            target = os.path.join(self.out, name)
            if os.path.isdir(target) and not os.path.islink(target):
                raise IsADirectoryError(errno.EISDIR, "a folder of that name is in the way", target)
        earlier = _read_manifest(self.out)
        stale = [n for n in earlier if n not in names and os.path.isfile(os.path.join(self.out, n))]
        aside = os.path.join(self.tmp, ".earlier")
        os.mkdir(aside)
        moved, placed = [], []
        with _signals_held():
            try:
                for name in names + stale:
                    if os.path.lexists(os.path.join(self.out, name)):
                        os.replace(os.path.join(self.out, name), os.path.join(aside, name))
                        moved.append(name)
                for name in names:
                    os.replace(os.path.join(self.tmp, name), os.path.join(self.out, name))
                    placed.append(name)
                atomic.write_text(os.path.join(self.out, MANIFEST), json.dumps(
                    {"files": names, "finished": time.strftime("%Y-%m-%d %H:%M:%S")}) + "\n")
            except BaseException:
                for name in placed:
                    os.replace(os.path.join(self.out, name), os.path.join(self.tmp, name))
                for name in moved:
                    os.replace(os.path.join(aside, name), os.path.join(self.out, name))
                raise
            self._committed = True
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.replaced = [n for n in moved if n in names]
        self.removed = [n for n in moved if n not in names]
        return {name: os.path.join(self.out, name) for name in names}

    # -- leaving -----------------------------------------------------------------------
    def __exit__(self, exc_type, exc, tb):
        try:
            if self.tmp and not self._committed:
                keep = exc_type is not None and issubclass(exc_type, Exception) and _has_files(self.tmp)
                if keep:
                    self.kept = self.tmp
                else:
                    shutil.rmtree(self.tmp, ignore_errors=True)
        finally:
            self._unlock()
        return False

    def _unlock(self):
        if self._lock_fd is None:
            return
        with contextlib.suppress(OSError):  # remove while still holding it (see _lock's inode check)
            os.unlink(os.path.join(self.out, LOCK))
        os.close(self._lock_fd)
        self._lock_fd = None


def _read_owner(fd):
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        owner = json.loads(text) if text else None
        return owner if isinstance(owner, dict) and isinstance(owner.get("pid"), int) else None
    except (OSError, ValueError):
        return None


def _read_manifest(out):
    try:
        with open(os.path.join(out, MANIFEST), encoding="utf-8") as f:
            files = json.load(f).get("files", [])
        return [n for n in files if isinstance(n, str) and os.path.basename(n) == n and n not in (".", "..")]
    except (OSError, ValueError, AttributeError):
        return []


def _has_files(folder):
    return any(os.path.isfile(os.path.join(folder, n)) for n in os.listdir(folder))


def _remove_temp_folders(out, pid):
    """The temporary folders of a run that died holding the lock (it cannot commit them)."""
    for name in os.listdir(out):
        if name.startswith(f"{TEMP_PREFIX}{pid}-"):
            shutil.rmtree(os.path.join(out, name), ignore_errors=True)


@contextlib.contextmanager
def _signals_held():
    """Hold back SIGINT and SIGTERM during the block; deliver them (as KeyboardInterrupt or
    SystemExit) once it is over. Python runs signal handlers in the main thread only, so
    elsewhere this is a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived = []
    previous = {s: signal.signal(s, lambda signum, frame: arrived.append(signum))
                for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    for s in (signal.SIGINT, signal.SIGTERM):  # now let the first of them act as it would have
        if s in arrived:
            handler = previous[s]
            if callable(handler):  # Python's SIGINT handler raises KeyboardInterrupt
                handler(s, None)
            elif handler == signal.SIG_DFL:
                raise KeyboardInterrupt if s == signal.SIGINT else atomic.Terminated()


__all__ = ["ResultFolder", "LOCK", "MANIFEST"]
