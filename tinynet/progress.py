"""One progress line on stderr, rewritten in place: the mechanics every progress display
shares (``fit``'s bar and the lab's per-run lines).

A live line is redrawn at most every ``interval`` seconds and, with ``delay``, only once
the work has taken that long (short runs stay silent). On a terminal a finished line
(:meth:`ProgressLine.done`) replaces the live one; in a log file, where ``\\r`` does not
erase, ``live=False`` keeps only the finished lines.
"""
from __future__ import annotations

import sys
import time


def is_terminal(stream):
    return hasattr(stream, "isatty") and stream.isatty()


class ProgressLine:
    """``update(text)`` redraws the live line; ``done(text)`` prints a finished line;
    ``close()`` ends a live line that is still showing."""

    def __init__(self, enabled=True, stream=None, live=None, delay=0.0, interval=0.1):
        self.stream = stream or sys.stderr
        self.enabled = bool(enabled)
        self.live = self.enabled and (is_terminal(self.stream) if live is None else bool(live))
        self.delay, self.interval = delay, interval
        self.start = time.perf_counter()
        self._last = -float("inf")
        self._width = 0     # length of the text on the live line, to blank it when a shorter one follows
        self.shown = False

    def elapsed(self):
        return time.perf_counter() - self.start

    def update(self, text, force=False):
        """Redraw the live line with ``text`` (throttled unless ``force``); True if drawn."""
        if not self.live:
            return False
        now = time.perf_counter()
        if not force and (now - self.start < self.delay or now - self._last < self.interval):
            return False
        self._last = now
        self.stream.write("\r" + text + " " * max(self._width - len(text), 0))
        self.stream.flush()
        self._width, self.shown = len(text), True
        return True

    def done(self, text):
        """A finished line: it replaces the live one, if any, and stays."""
        if not self.enabled:
            return
        pad = " " * max(self._width - len(text), 0) if self.shown else ""
        self.stream.write(("\r" if self.shown else "") + text + pad + "\n")
        self.stream.flush()
        self._width, self.shown = 0, False

    def close(self):
        """End a live line that is still showing (the next output starts on a new line)."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self._width, self.shown = 0, False


__all__ = ["ProgressLine", "is_terminal"]
