"""Robustness under load: each lesson and the default compare, on an idle machine and with one
core kept busy by another process.

    python benchmarks/load.py                      # every lesson folder + the default compare
    python benchmarks/load.py --only 8,9 --no-compare --no-write

For every ``lessons/NN_*`` folder that has a lesson.py, ``tinynet lesson NN`` runs twice in a
fresh process: once with nothing else running, once while ``python -c "while True: pass"``
(started by this script, stopped right after) keeps one core busy. The same for
``tinynet compare`` with its defaults. Figures go to a temporary folder (``TINYNET_OUT``
and ``--out``), so nothing in the repository is overwritten. The goal: busy / idle <= 1.5
for each (on a 2-core machine, the busy process takes one core away; a program whose
threads wait for each other, or spin, loses far more than that).

The idle and busy runs of one command follow each other (idle first, after a pause), so a
slow drift of the machine's background load falls on both alike. Results go to the "load"
section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results_md import machine, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.5
PAUSE = 2.0   # seconds of rest before each run


def lessons(only=None):
    """(number, folder name) of every lesson folder with a lesson.py, in order."""
    found = []
    for folder in sorted((ROOT / "lessons").iterdir()):
        match = re.match(r"(\d\d)_", folder.name)
        if match and (folder / "lesson.py").is_file():
            number = int(match.group(1))
            if only is None or number in only:
                found.append((number, folder.name))
    return found


def timed(command, env):
    """Wall seconds of one run of ``command`` (a list), or None if it failed."""
    time.sleep(PAUSE)
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        print(f"  failed ({' '.join(command)}): {proc.stderr.strip().splitlines()[-1:]}", flush=True)
        return None
    return seconds


def busy_core():
    """Start the process that keeps one core busy; the caller stops it."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def idle_and_busy(command, env):
    idle = timed(command, env)
    spinner = busy_core()
    try:
        time.sleep(0.5)            # let it reach full speed
        busy = timed(command, env)
    finally:
        spinner.kill()
        spinner.wait()
    return idle, busy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="comma-separated lesson numbers (default: all)")
    parser.add_argument("--no-compare", action="store_true", help="leave out the default compare")
    parser.add_argument("--no-write", action="store_true", help="print only; do not touch RESULTS.md")
    args = parser.parse_args()
    only = None if args.only is None else {int(n) for n in args.only.split(",")}
    load_before = os.getloadavg()[0]
    rows, misses = [], []
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, TINYNET_OUT=out, MPLBACKEND="Agg")
        commands = [(f"lesson {n} ({name})", [sys.executable, "-m", "tinynet", "lesson", str(n)])
                    for n, name in lessons(only)]
        if not args.no_compare:
            commands.append(("default `tinynet compare`",
                             [sys.executable, "-m", "tinynet", "compare", "--quiet",
                              "--out", os.path.join(out, "compare")]))
        for label, command in commands:
            print(f"{label} ...", flush=True)
            idle, busy = idle_and_busy(command, env)
            if idle is None or busy is None:
                rows.append(f"| {label} | {idle or 'failed'} | {busy or 'failed'} | | |")
                continue
            ratio = busy / idle
            met = ratio <= GOAL
            if not met:
                misses.append(label)
            rows.append(f"| {label} | {idle:.1f} | {busy:.1f} | {ratio:.2f} | {'yes' if met else 'NO'} |")
            print(f"  idle {idle:.1f} s, busy {busy:.1f} s, x{ratio:.2f}", flush=True)
    only_flag = f" --only {args.only}" if args.only else ""
    body = "\n".join([
        "## load: each lesson and the default compare, idle and with one core busy",
        "",
        f"Machine: {machine()}. Load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (the busy process itself adds 1).",
        f"Command: `python benchmarks/load.py{only_flag}{' --no-compare' if args.no_compare else ''}`. "
        "One idle and one busy run per command, each a fresh process after a 2 s pause; busy = "
        "`python -c \"while True: pass\"` running alongside. Goal: busy / idle <= 1.5.",
        "",
        "| command | idle (s) | one core busy (s) | busy / idle | <= 1.5 |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "- goal met for every command" if not misses else f"- goal MISSED for: {', '.join(misses)}",
    ])
    print(body)
    if not args.no_write:
        write_section("load", body)


if __name__ == "__main__":
    main()
