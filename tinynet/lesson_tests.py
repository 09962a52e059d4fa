"""What every lesson's tests share: which module a grader grades, how a learner's function
is called, how a test reaches its lesson's script, and whether the real data is here.

Each ``lessons/NN_name/test_exercises.py`` grades one module: the learner's own
``exercises.py`` next to it, so ``pytest lessons/NN_name/`` grades what the learner wrote
(lessons/conftest.py turns a stub's NotImplementedError into a skip, "not implemented
yet", and a diagnosis into a plain failure). ``TINYNET_GRADE=reference`` grades the
reference solution ``lessons/solutions/lesson_NN.py`` instead. The project's own tests
(tests/test_lesson_graders.py) call the graders' ``EXERCISES`` on the references and on
the planted bugs directly; ``tinynet check N`` loads the learner's file itself.
"""
from __future__ import annotations

import contextlib
import math
import os
import traceback
from pathlib import Path

import numpy as np

from .lessons import import_problem, load_module

_recording = None      # a list while the no-leak test records the graded cases' expected values


def graded_module(test_file, number):
    """The module the grader in ``test_file`` grades: the learner's file, or the reference."""
    lesson_dir = Path(test_file).resolve().parent
    if os.environ.get("TINYNET_GRADE") == "reference":
        path = lesson_dir.parent / "solutions" / f"lesson_{number:02d}.py"
    else:
        path = lesson_dir / "exercises.py"
    try:
        return load_module(path, f"{number:02d}_graded")
    except Exception as error:  # the same one line as `tinynet check N`, not "your code raised ..."
        raise AssertionError(import_problem(error)) from None


def expect(value):
    """Mark ``value`` as a graded case's expected answer and return it.

    Graders wrap what they compare against in ``expect(...)``; the project's no-leak test
    records those values and checks that no grader message shows them."""
    if _recording is not None:
        _recording.append(value)
    return value


@contextlib.contextmanager
def recording_expected():
    """Collect every value passed to :func:`expect` inside the block (for the no-leak test)."""
    global _recording
    previous, _recording = _recording, []
    try:
        yield _recording
    finally:
        _recording = previous


def lesson_script(test_file, number):
    """The lesson's ``lesson.py`` (next to ``test_file``) imported as a module, its cells
    guarded by ``if __name__ == "__main__"`` so importing measures nothing by itself."""
    return load_module(Path(test_file).resolve().parent / "lesson.py", f"{number:02d}_lesson")


def _shown(value, limit=60):
    """A short description of an argument for an error message (no 10,000-number arrays)."""
    if isinstance(value, np.random.Generator):
        return "rng"
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_shown(v, limit) for v in value[:3]) + (", ..." if len(value) > 3 else "")
        text = f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def call_exercise(fn, *args, **kwargs):
    """Call the learner's ``fn``: a stub's NotImplementedError passes through (the exercise is
    "not implemented yet"); any other crash becomes an AssertionError in plain words (the
    exercise failed), naming the call. Floating-point warnings are silenced because a wrong
    formula may well overflow, and the grader then says what is wrong in its own words."""
    try:
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:
        shown = ", ".join([_shown(a) for a in args] + [f"{k}={_shown(v)}" for k, v in kwargs.items()])
        raise AssertionError(f"{callable_name(fn)}({shown}) raised {type(error).__name__}: {error}"
                             f"{where_raised(error, fn)}") from None


def callable_name(fn):
    """How a learner's callable is named in a message: ``add``, ``Dense.parameters``, and
    for a layer object called like a function, ``Dense.__call__``."""
    qualname = getattr(fn, "__qualname__", None)
    if qualname and "<" not in qualname:
        return qualname
    if not hasattr(fn, "__name__") and callable(fn):
        return f"{type(fn).__qualname__}.__call__"
    return getattr(fn, "__name__", "your function")


def where_raised(error, fn):
    """' (exercises.py line N: <code>)': the deepest line of ``fn``'s file in the traceback."""
    code = (getattr(fn, "__code__", None) or getattr(getattr(fn, "__call__", None), "__code__", None)
            or getattr(getattr(fn, "__init__", None), "__code__", None))      # a function, a layer, a class
    if code is None:
        return ""
    home = str(Path(code.co_filename).resolve())
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if str(Path(frame.filename).resolve()) == home:
            text = f": {frame.line.strip()}" if frame.line else ""
            return f" ({Path(home).name} line {frame.lineno}{text})"
    return ""


def have_fashion_mnist():
    """True when Fashion-MNIST's four files are on this machine, in any of the places
    ``tinynet.data.load_fashion_mnist`` searches (nothing is read or downloaded)."""
    from .data import datasets
    return datasets.locate(datasets.FASHION_MNIST) is not None


NO_FASHION_MNIST = "Fashion-MNIST not found (apt-get install dataset-fashion-mnist, or see `tinynet.data`)"


def stdout_per_thread_count(code, *argv, counts=("1", "2"), timeout=300, env=None):
    """What ``python -c code argv...`` prints, run in a fresh process once per thread count,
    with every BLAS pool (lab.threads.BLAS_THREAD_VARIABLES) and numba at that count (they
    read it only at start-up), plus the variables in ``env``. A lesson's claim test compares the outputs: its numbers must
    not depend on the machine's threads."""
    import subprocess
    import sys

    from .lab.threads import BLAS_THREAD_VARIABLES
    outputs = []
    for threads in counts:
        variables = dict(os.environ, **(env or {}),
                         **dict.fromkeys(BLAS_THREAD_VARIABLES + ("NUMBA_NUM_THREADS",), threads))
        done = subprocess.run([sys.executable, "-c", code, *argv], env=variables, capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(done.stdout)
    return outputs


# --------------------------------------------------------------------------- initializer graders
KURTOSIS = {"uniform": -1.2, "normal": 0.0, "truncated": -0.6345}   # excess kurtosis of each family
TRUNCATED_STD = 0.87962566103423978     # std of a standard normal cut at ±2


def _near(ratio, factor, rel=0.03):
    return abs(ratio / factor - 1) < rel


def _std_diagnosis(name, ratio, std, fans, bound=None):
    """Name what makes a sample std ``ratio`` times the intended ``std``: a missing square
    root, a uniform's limit used as its std, the truncation's factor, the wrong fan.
    (Sampling error is ~0.2% at the graders' sizes; the candidates differ by more than 1%.)"""
    if _near(ratio, std) or (bound is not None and _near(ratio, bound)):
        return (f"{name}: the std is far too small, by a factor about as small as the std itself: a square "
                "root is missing (a variance used as a std, or a limit without its root)")
    for label, fan in (fans or {}).items():
        if _near(ratio, fan, 0.01):
            return f"{name}: the std is off by a factor {ratio:.3g}, the one a different fan gives ({label})"
    for factor, words in ((math.sqrt(3), "sqrt(3) too large: a uniform on [-l, l] has std l/sqrt(3), "
                                         "so the limit is sqrt(3) times the std"),
                          (1 / math.sqrt(3), "sqrt(3) too small: a uniform on [-l, l] has std l/sqrt(3), "
                                             "not l"),
                          (TRUNCATED_STD, f"{TRUNCATED_STD:.4f} too small: cutting a normal at ±2 shrinks its "
                                          "std by that factor; rescale to undo it"),
                          (1 / TRUNCATED_STD, f"{1 / TRUNCATED_STD:.4f} too large: the truncation correction "
                                              "is applied to a draw that was not truncated (or twice)"),
                          (math.sqrt(2), "sqrt(2) too large: a factor 2 in the variance too many"),
                          (1 / math.sqrt(2), "sqrt(2) too small: the variance lacks a factor 2")):
        if _near(ratio, factor, 0.01):
            return f"{name}: the std is {words}"
    return (f"{name}: the std is off by {ratio - 1:+.1%}; check the fan, the factor, the square root, "
            "and std versus variance")


def check_distribution(name, w, std, family, bound=None, fans=None):
    """Mean ~0, std = ``std`` and the shape of ``family`` within ~6 standard errors of the
    sample size, and for a bounded family, weights filling [-bound, bound] and not beyond.

    A failure names what is wrong, never the intended values: weights clipped onto the
    bound instead of redrawn, a missing square root, a uniform's limit used as its std,
    the truncation factor, the wrong fan (``fans``: {description: the std ratio that fan
    would give}), the wrong family."""
    n, kurtosis = w.size, KURTOSIS[family]
    expect(std)
    if bound is not None:
        expect(bound)
    top = np.abs(w).max()
    if top > 0 and np.mean(np.abs(w) >= top * (1 - 1e-12)) > 0.001:
        raise AssertionError(f"{name}: {np.mean(np.abs(w) >= top * (1 - 1e-12)):.1%} of the weights sit exactly "
                             "on the largest magnitude: values beyond the cut were clipped onto it, not redrawn")
    assert abs(w.mean()) < 6 * std / math.sqrt(n), f"{name}: mean {w.mean():.3g} is not 0 (centre the weights)"
    ratio = w.std() / std
    if abs(ratio - 1) >= 6 * math.sqrt((kurtosis + 2) / (4 * n)):
        raise AssertionError(_std_diagnosis(name, ratio, std, fans, bound))
    measured = np.mean((w - w.mean()) ** 4) / w.var() ** 2 - 3
    if abs(measured - kurtosis) >= 0.12:
        family_of = min(KURTOSIS, key=lambda f: abs(KURTOSIS[f] - measured))
        raise AssertionError(f"{name}: the weights have the shape of a {family_of} distribution (excess kurtosis "
                             f"{measured:.2f}), not of a {family} one (uniform -1.2, normal 0, normal truncated "
                             "at ±2 std -0.63)")
    if bound is not None:
        assert top <= bound * (1 + 1e-12), f"{name}: some weights lie beyond the distribution's limit"
        assert top > 0.98 * bound, f"{name}: no weight comes near the distribution's limit"


# --------------------------------------------------------------------------- engine graders
def sum_to(g, shape):
    """``g`` summed down to ``shape`` (the gradient of a broadcast input)."""
    g = np.asarray(g, dtype=np.float64)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g.reshape(shape)


def tinynet_grads(op, arrays, upstream):
    """tinynet's gradients of ``op`` for the upstream gradient ``upstream`` (float64)."""
    import tinynet as tn

    leaves = [tn.Tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    out = op(*leaves)
    out.backward(np.array(upstream, dtype=np.float64))
    return [np.asarray(leaf.grad, dtype=np.float64) for leaf in leaves]


# What a gradient of the wrong shape means, per kind of op (see grade_op's ``kind``).
_SHAPE_ADVICE = {
    "elementwise": "the incoming gradient has the output's broadcast shape; sum it down to each input's shape "
                   "(unbroadcast)",
    "reduction": "the incoming gradient has the output's shape, which lacks the reduced axis; expand it, do not "
                 "unbroadcast: put the reduced axis back (size 1) and stretch the gradient to the input's shape",
    "matmul": "in a matrix product each input's gradient is a product of the incoming gradient with the OTHER "
              "input, one of the two transposed; a wrong transposition or the factors in the wrong order give "
              "another shape",
}


class _ShapeProbe:
    """Stands in for a parent's grad to record the shape of each share a rule adds to it."""

    def __init__(self):
        self.shapes = []

    def _record(self, other):
        self.shapes.append(np.shape(other))
        return self
    __iadd__ = __add__ = __radd__ = __isub__ = __sub__ = __rsub__ = _record


def _shares_shapes(tensor, op, arrays, upstream):
    """The shapes of the shares your rule adds to each parent's grad ([] where unknown)."""
    try:
        leaves = [tensor(np.array(a, dtype=np.float64)) for a in arrays]
        with np.errstate(all="ignore"):
            out = op(*leaves)
            probes = [_ShapeProbe() for _ in leaves]
            for leaf, probe in zip(leaves, probes):
                leaf.grad = probe
            out.grad = np.array(upstream, dtype=np.float64)
            out.backward_rule()
        return [leaf.grad.shapes if isinstance(leaf.grad, _ShapeProbe) else [] for leaf in leaves]
    except Exception:  # noqa: BLE001 - the rule needs a real array; the caller falls back to the general message
        return [[] for _ in arrays]


def _run_rule(tensor, name, op, arrays, upstream, kind="elementwise", which=None):
    """Your op on Tensors of ``arrays`` whose grads start at a known non-zero value; its
    rule called once with out.grad = upstream. Returns (out, what each parent received)."""
    rng = np.random.default_rng(99)
    leaves = [tensor(np.array(a, dtype=np.float64)) for a in arrays]
    before = [rng.standard_normal(np.shape(a)) for a in arrays]
    for leaf, start in zip(leaves, before):
        leaf.grad = start.copy()
    out = call_exercise(op, *leaves)
    assert hasattr(out, "backward_rule") and hasattr(out, "parents"), (
        f"{name} returned a {type(out).__name__}; return the output Tensor")
    assert all(any(p is leaf for p in out.parents) for leaf in leaves), (
        f"{name}: the output's parents do not hold the input Tensors themselves; pass them as parents=(...)")
    assert callable(out.backward_rule), f"{name}: the output has no backward_rule; set it to a function"
    out.grad = np.array(upstream, dtype=np.float64)
    try:
        with np.errstate(all="ignore"):
            out.backward_rule()
    except NotImplementedError:
        raise
    except ValueError as error:
        which = which or [f"input {i + 1}" for i in range(len(arrays))]
        for i, shares in enumerate(_shares_shapes(tensor, op, arrays, upstream)):
            wrong = [shape for shape in shares if shape != np.shape(arrays[i])]
            if wrong:
                label = f"{name}: dL/d{which[i]} for inputs of shapes {[np.shape(a) for a in arrays]}"
                raise AssertionError(_gradient_shape_message(label, kind, which[i], wrong[0], np.shape(arrays[i]))
                                     + f"{where_raised(error, out.backward_rule)}") from None
        if len({np.shape(a) for a in arrays} | {np.shape(upstream)}) > 1:
            raise AssertionError(
                f"{name}'s backward rule failed on inputs of shapes {[np.shape(a) for a in arrays]} with an output "
                f"of shape {np.shape(upstream)}: {_SHAPE_ADVICE[kind]} ({type(error).__name__}: {error})"
                f"{where_raised(error, out.backward_rule)}") from None
        raise AssertionError(f"{name}'s backward rule raised ValueError: {error}"
                             f"{where_raised(error, out.backward_rule)}") from None
    except Exception as error:
        raise AssertionError(f"{name}'s backward rule raised {type(error).__name__}: {error}"
                             f"{where_raised(error, out.backward_rule)}") from None
    return out, leaves, before


def _output_shape_message(name, kind, shapes, got, want):
    if kind == "reduction":
        return (f"{name} on an input of shape {shapes[0]}: the output has shape {got}, but this reduction leaves "
                f"shape {want} (the reduced axis disappears; with axis None everything is reduced to shape ())")
    if kind == "matmul":
        return f"{name} on inputs of shapes {shapes}: the output has shape {got}; the matrix product has shape {want}"
    return (f"{name} on inputs of shapes {shapes}: the output has shape {got}; it has the broadcast shape of the "
            "inputs")


def _gradient_shape_message(label, kind, which, got, want):
    text = f"{label}: the gradient has shape {got}, but {which} has shape {want}"
    if kind == "matmul" and len(got) == 2 and got == want[::-1]:
        return f"{text}: it is transposed"
    if kind == "reduction":
        return f"{text}: stretch the gradient to the input's shape (expand the reduced axis, do not unbroadcast)"
    if kind == "matmul":
        return f"{text}: {_SHAPE_ADVICE[kind]}"
    return f"{text}: sum the gradient down to the input's shape (unbroadcast)"


def grade_op(tensor, name, op, tinynet_op, forward, cases, which, alternatives=(), kind="elementwise"):
    """Grade one op of a learner's engine (``tensor``: the Tensor class its inputs are made
    of) on ``cases`` [(arrays, upstream)]: forward value, parents, and each
    input's gradient, naming the mistake when it matches one of ``alternatives``
    [(message, fn(arrays, upstream) -> per-input gradients)], a missing upstream factor,
    a flipped sign, or (``kind="matmul"``) a transposed gradient. ``kind`` ("elementwise",
    "reduction" or "matmul") says what a wrong shape means for this op."""
    for arrays, upstream in cases:
        shapes = [np.shape(a) for a in arrays]
        out, leaves, before = _run_rule(tensor, name, op, arrays, upstream, kind, which)
        with np.errstate(all="ignore"):
            value = expect(forward(*arrays))
        got_value = np.asarray(out.data, dtype=np.float64)
        assert got_value.shape == np.shape(value), _output_shape_message(name, kind, shapes, got_value.shape,
                                                                         np.shape(value))
        assert np.allclose(got_value, value, rtol=1e-12, atol=1e-12), (
            f"{name} on inputs of shapes {shapes}: the output's value (the forward pass) is wrong")
        expected = [expect(g) for g in tinynet_grads(tinynet_op, arrays, upstream)]
        without_upstream = tinynet_grads(tinynet_op, arrays, np.ones(np.shape(upstream)))
        for i, (leaf, start, exp_grad) in enumerate(zip(leaves, before, expected)):
            grad = np.asarray(leaf.grad, dtype=np.float64)
            label = f"{name}: dL/d{which[i]} for inputs of shapes {shapes}"
            assert grad.shape == start.shape, _gradient_shape_message(label, kind, which[i], grad.shape, start.shape)
            received = grad - start
            if np.allclose(received, exp_grad, rtol=1e-12, atol=1e-12):
                continue
            if np.allclose(grad, exp_grad, rtol=1e-12, atol=1e-12):
                raise AssertionError(f"{label}: your rule replaced {which[i]}.grad instead of adding to it; a "
                                     "tensor used twice must receive the sum of both shares")
            for message, alternative in alternatives:
                with np.errstate(all="ignore"):
                    alt = alternative(*[np.array(a, dtype=np.float64) for a in arrays], np.array(upstream))
                if np.shape(alt[i]) == received.shape and np.allclose(received, alt[i], rtol=1e-9, atol=1e-12):
                    raise AssertionError(f"{label}: {message}")
            if np.allclose(received, without_upstream[i], rtol=1e-9, atol=1e-12):
                raise AssertionError(f"{label}: the upstream gradient out.grad is not multiplied in; by the chain "
                                     f"rule {which[i]}'s share is dL/dout times dout/d{which[i]}, not dout/d{which[i]} "
                                     "alone")
            if np.allclose(received, -exp_grad, rtol=1e-12, atol=1e-12) and np.any(exp_grad != 0):
                raise AssertionError(f"{label}: the sign is flipped")
            if (kind == "matmul" and received.ndim == 2 and received.shape[0] == received.shape[1] > 1
                    and np.allclose(received, exp_grad.T, rtol=1e-9, atol=1e-12)):
                raise AssertionError(f"{label}: the gradient is the transpose of what it should be: check which "
                                     "factor is transposed and the order of the two factors")
            worst = float(np.max(np.abs(received - exp_grad)))
            raise AssertionError(f"{label} is off by up to {worst:.3g} against tinynet's autograd")


def loss_rule_received(name, out, logits, want, upstream=0.75):
    """Call a loss op's backward rule once, with out.grad = ``upstream`` (not 1, so that a
    missing dL/dout factor shows) on logits whose grad starts non-zero (so that assigning
    instead of adding shows). ``want`` is dL/dlogits for dL/dout = 1.

    Returns None when the logits received ``upstream · want``; otherwise what they received
    per unit of upstream gradient, for the caller to diagnose. Raises AssertionError for a
    replaced grad, a missing upstream factor, a crash or a gradient of the wrong shape."""
    start = np.random.default_rng(98).standard_normal(np.shape(logits.data))
    logits.grad = start.copy()
    out.grad = np.array(upstream, dtype=np.float64)
    try:
        with np.errstate(all="ignore"):
            out.backward_rule()
    except NotImplementedError:
        raise
    except Exception as error:
        raise AssertionError(f"{name}'s backward rule raised {type(error).__name__}: {error}"
                             f"{where_raised(error, out.backward_rule)}") from None
    grad = np.asarray(logits.grad, dtype=np.float64)
    assert grad.shape == start.shape, f"{name}: dL/dz has shape {grad.shape}, the logits {start.shape}"
    received = grad - start
    if np.allclose(received, upstream * want, rtol=1e-12, atol=1e-15):
        return None
    if np.allclose(grad, upstream * want, rtol=1e-12, atol=1e-15):
        raise AssertionError(f"{name}: the rule replaced logits.grad instead of adding to it; a tensor used "
                             "twice must receive the sum of both shares")
    if np.allclose(received, want, rtol=1e-9, atol=1e-15):
        raise AssertionError(f"{name}: the upstream gradient out.grad is not multiplied in; the rule must give "
                             "dL/dout times the loss's own derivative (out.grad is 1 only when the loss is the root)")
    return received / upstream
