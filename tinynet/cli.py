"""The ``tinynet`` command line.

    tinynet compare [options]     retrain one MLP with every initialization scheme (tinynet.lab)
    tinynet doctor [options]      diagnose a freshly initialized MLP (tinynet.diagnostics)
    tinynet lessons               the list of lessons, with your progress
    tinynet lesson N              run lesson N's experiment
    tinynet lesson N --mine       run it on the pieces you wrote (tinynet's where unfinished)
    tinynet check N               grade your exercises for lesson N
    tinynet notebook N|all        write lesson N as a Jupyter notebook (tinynet.notebook)
    tinynet hint N EXERCISE       one more hint level per call (--reset starts over)

A user's mistake (an unknown name, a non-positive size, a folder that cannot be written)
ends with one line on stderr and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad option as one line ("tinynet: error: ...") and code 2."""

    def error(self, message):
        self.exit(USER_ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _fail(message):
    print(f"tinynet: error: {message}", file=sys.stderr)
    return USER_ERROR


def _add_model_options(p, depth=5, width=64):
    p.add_argument("--activation", default="relu", help="relu, tanh, sigmoid or leaky_relu (default relu)")
    p.add_argument("--depth", type=int, default=depth, help=f"number of hidden layers (default {depth})")
    p.add_argument("--width", type=int, default=width, help=f"units per hidden layer (default {width})")


def _compare_parser(sub):
    p = sub.add_parser("compare", help="compare initialization schemes by training the same MLP",
                       description="Retrain the same MLP with every initialization scheme and report, side "
                                   "by side, which schemes learn and why: a table, figures and results.json.")
    p.add_argument("--dataset", default="spirals",
                   help="spirals (default), circles, moons, blobs, xor, fashion-mnist or mnist")
    p.add_argument("--inits", default=None,
                   help="comma-separated schemes, e.g. 'zeros,constant:0.5,random_normal:0.01,he_normal,lsuv' "
                        "(default: the 11-scheme catalogue)")
    _add_model_options(p)
    p.add_argument("--model", default="mlp",
                   help="mlp (default), cnn (conv layers on the images; --depth conv layers of --width "
                        "channels, default 4 x 8) or resmlp (--depth residual blocks)")
    p.add_argument("--norm", default="none", help="none (default), batch or layer normalization in every hidden layer")
    p.set_defaults(depth=None, width=None)   # each model has its own default size (lab/models.py)
    p.add_argument("--optimizer", default="momentum", help="sgd, momentum (default, 0.9), nesterov or adam")
    p.add_argument("--lr", type=float, default=0.05, help="learning rate (default 0.05)")
    p.add_argument("--steps", type=int, default=None, help="optimizer steps per run (default 200 on synthetic sets)")
    p.add_argument("--epochs", type=int, default=None, help="epochs per run (default 1 on image sets)")
    p.add_argument("--seeds", type=int, default=3, help="seeds per scheme (default 3)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="mini-batch size (default: full batch on synthetic sets, 128 on images)")
    p.add_argument("--threshold", type=float, default=None, help="loss counted as converged (default 0.5 ln K)")
    p.add_argument("--dtype", default=None, help="float64 (default on synthetic sets) or float32 (images)")
    p.add_argument("--out", default="tinynet-results", help="output folder (default ./tinynet-results)")
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes that share the fits (default: the CPUs this process may use; "
                        "1 runs them in this process); the results are the same for any value")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.set_defaults(handler=_compare)


def _compare(args):
    from .lab import DEFAULT_SCHEMES, CompareConfig, LabError, compare
    from .lab.compare import check_memory
    from .lab.folder import ResultFolder

    try:
        config = CompareConfig(
            dataset=args.dataset, inits=args.inits if args.inits is not None else list(DEFAULT_SCHEMES),
            activation=args.activation, depth=args.depth, width=args.width, optimizer=args.optimizer,
            lr=args.lr, steps=args.steps, epochs=args.epochs, seeds=args.seeds, batch_size=args.batch_size,
            threshold=args.threshold, dtype=args.dtype, out=args.out, model=args.model, norm=args.norm,
            jobs=args.jobs)
        check_memory(config)
        ResultFolder(config.out).check()
        if not args.quiet:
            print(f"tinynet compare: {len(config.schemes)} schemes x {config.seeds} seeds on {config.dataset}",
                  file=sys.stderr)
            if config.model == "cnn":
                from .lab.config import CNN_MINUTES
                print(f"A CNN comparison ({config.depth} conv layers of {config.width} channels, {config.steps or '?'} "
                      f"steps per run) takes about {CNN_MINUTES} minutes on 2 cores.", file=sys.stderr)
        result = compare(config, progress=not args.quiet)
    except LabError as err:
        return _fail(str(err))
    print(result.table())
    print(f"\nTook {result.seconds:.1f} s. Wrote into {os.path.abspath(config.out)}:")
    for path in result.files.values():
        print(f"  {path}")
    if result.took_over:
        print(f"Took over {config.out}, left locked by a run (pid {result.took_over}) that is no longer running.")
    if result.replaced:
        print(f"Replaced the earlier run's {', '.join(result.replaced)}.")
    if result.removed:
        print(f"Removed the earlier run's {', '.join(result.removed)}, which this run does not write.")
    return 0


def _doctor_parser(sub):
    p = sub.add_parser("doctor", help="diagnose an MLP at initialization",
                       description="Build an MLP, initialize it, and report vanishing, exploding, "
                                   "saturated, dead or symmetric layers with a recommended scheme.")
    p.add_argument("--init", default="glorot_uniform", help="scheme for every kernel (default glorot_uniform)")
    _add_model_options(p, depth=20, width=128)
    p.add_argument("--inputs", type=int, default=64, help="input features (default 64)")
    p.add_argument("--batch", type=int, default=256, help="standard-normal examples to measure on (default 256)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(handler=_doctor)


def _doctor(args):
    import numpy as np

    from . import manual_seed, nn
    from .diagnostics import doctor
    from .lab import ACTIVATIONS, LabError, memory, parse_scheme

    try:
        scheme = parse_scheme(args.init)
        if args.activation not in ACTIVATIONS:
            raise LabError(f"unknown activation {args.activation!r}; expected one of: {', '.join(ACTIVATIONS)}")
        for name in ("depth", "width", "inputs", "batch"):
            if getattr(args, name) <= 0:
                raise LabError(f"--{name} must be a positive whole number, got {getattr(args, name)}")
        if not 0 <= args.seed < 2 ** 64:
            raise LabError(f"--seed must be a whole number from 0 to 2**64 - 1, got {args.seed}")
        memory.check_mlp(args.inputs, args.width, args.depth, 10, args.batch, itemsize=4, optimizer="sgd")
    except LabError as err:
        return _fail(str(err))
    manual_seed(args.seed)
    layers = [nn.Dense(args.inputs if i == 0 else args.width, args.width, activation=args.activation,
                       kernel_initializer=scheme.initializer()) for i in range(args.depth)]
    model = nn.Sequential(*layers, nn.Dense(args.width, 10, kernel_initializer=scheme.initializer()))
    x = np.random.default_rng(args.seed).standard_normal((args.batch, args.inputs)).astype(np.float32)
    if scheme.data_dependent:
        from . import init

        init.lsuv(model, x)
    with np.errstate(all="ignore"), warnings.catch_warnings():  # overflow is a finding here, reported as such
        warnings.simplefilter("ignore", RuntimeWarning)
        report = doctor(model, x)
    print(report)
    return 0


def _lesson_parsers(sub):
    sub.add_parser("lessons", help="list the lessons and your progress").set_defaults(handler=_lessons)
    p = sub.add_parser("lesson", help="run lesson N's experiment")
    p.add_argument("n", type=int, help="lesson number")
    p.add_argument("--mine", action="store_true",
                   help="run it on the pieces you wrote in the lessons' exercises.py (tinynet's where unfinished)")
    p.set_defaults(handler=_lessons)
    p = sub.add_parser("check", help="grade your exercises for lesson N")
    p.add_argument("n", type=int, help="lesson number")
    p.set_defaults(handler=_lessons)
    p = sub.add_parser("hint", help="one more hint for an exercise of lesson N, each time you ask")
    p.add_argument("n", type=int, help="lesson number")
    p.add_argument("exercise", nargs="?", default=None, help="exercise name (omit to list them)")
    p.add_argument("--reset", action="store_true", help="forget the hints shown, start from the first")
    p.set_defaults(handler=_lessons)


def _lessons(args):
    try:
        from . import lessons
    except ImportError as err:
        return _fail(f"the lessons are not available in this installation ({err})")
    if args.command == "lessons":
        return lessons.list_lessons()
    if args.command == "lesson":
        return lessons.run_lesson(args.n, mine=True) if args.mine else lessons.run_lesson(args.n)
    if args.command == "hint":
        return lessons.show_hint(args.n, args.exercise, reset=args.reset)
    return lessons.check_lesson(args.n)


def _notebook_parser(sub):
    p = sub.add_parser("notebook", help="write lesson N (or all) as a Jupyter notebook",
                       description="Write a lesson as a Jupyter notebook generated from its README.md and "
                                   "lesson.py (needs the notebook extra: pip install -e '.[notebook]').")
    p.add_argument("n", metavar="N", help="lesson number, or 'all'")
    p.add_argument("--out", default="notebooks", help="output folder (default ./notebooks)")
    p.add_argument("--execute", action="store_true", help="run the notebook and keep its outputs and figures")
    p.set_defaults(handler=_notebook)


def _notebook(args):
    from . import notebook

    return notebook.command(args.n, out=args.out, run=args.execute)


def build_parser():
    parser = _Parser(prog="tinynet", description="tinynet: learn weight initialization by experiment.")
    sub = parser.add_subparsers(dest="command", metavar="command", parser_class=_Parser)
    _compare_parser(sub)
    _doctor_parser(sub)
    _lesson_parsers(sub)
    _notebook_parser(sub)
    return parser


def main(argv=None):
    """Entry point of the ``tinynet`` command; returns the exit code."""
    from . import atomic, interrupts

    interrupts.command_handling()  # from here on Ctrl-C is a KeyboardInterrupt, handled below
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return USER_ERROR
    try:
        with atomic.sigterm_raises():  # SIGTERM unwinds like Ctrl-C, so temporary files are removed
            return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("\ntinynet: interrupted", file=sys.stderr)
        return 130
    except MemoryError:  # the size checks should prevent it; if it happens anyway, still one line
        return _fail("ran out of memory; choose smaller sizes (--depth, --width, --batch-size)")
    except BrokenPipeError:  # the output went to a pager or `head` that closed early: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
