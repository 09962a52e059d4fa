"""Ctrl-C in the ``tinynet`` command: always one line ("tinynet: interrupted") and exit
code 130, never a traceback, whenever it comes.

- While the command is still starting (importing numpy, numba and matplotlib takes a few
  tenths of a second) there is nothing to clean up: the process exits at once.
- Later, Ctrl-C raises KeyboardInterrupt, which ``cli.main`` turns into that line after
  every ``finally`` has run (temporary files removed). Python cannot raise an exception
  out of a garbage-collector callback; a Ctrl-C that lands in one would print "Exception
  ignored in ..." and be lost. The command records it instead, and
  :func:`raise_if_interrupted` (called between training steps and before a result folder
  is committed) raises it at the next safe point.

A program that merely imports tinynet keeps Python's usual KeyboardInterrupt.
"""
import os
import signal
import sys

_pending = False


def launched_as_command():
    """True when this process is the ``tinynet`` command or ``python -m tinynet``."""
    script = os.path.basename(sys.argv[0]) if sys.argv else ""
    return script == "tinynet" or list(getattr(sys, "orig_argv", [])[1:3]) == ["-m", "tinynet"]


def _exit_at_once(signum, frame):
    sys.stderr.write("\ntinynet: interrupted\n")
    sys.stderr.flush()
    os._exit(130)  # nothing has been written yet: there is nothing to clean up


def quiet_while_starting():
    """Until :func:`command_handling` (called by ``cli.main``), Ctrl-C exits quietly with 130."""
    if launched_as_command() and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _exit_at_once)


def _interrupt(signum, frame):
    global _pending
    _pending = True
    raise KeyboardInterrupt


def _unraisable(hook):
    def quiet(info):
        if not issubclass(info.exc_type, KeyboardInterrupt):  # recorded in _pending, raised later
            hook(info)
    return quiet


def command_handling():
    """The command's Ctrl-C handling from now on (see the module docstring)."""
    global _pending
    _pending = False
    if signal.getsignal(signal.SIGINT) is _exit_at_once:  # the command itself, not cli.main called by a program
        signal.signal(signal.SIGINT, _interrupt)
        sys.unraisablehook = _unraisable(sys.unraisablehook)


def raise_if_interrupted():
    """Raise the KeyboardInterrupt of a Ctrl-C that Python could not deliver where it landed."""
    if _pending:
        raise KeyboardInterrupt
