"""Grader for lesson 1: `tinynet check 1` or `pytest lessons/01_autograd/` grades your
exercises.py (TINYNET_GRADE=reference grades the reference solution).

Each op is graded on its own, against tinynet's autograd to 1e-12: the grader makes input
Tensors with your Tensor class, calls your op, sets out.grad to an upstream gradient and
calls out.backward_rule() once, so an op is graded without your backward(). backward()
is graded on small graphs whose rules the grader writes, so it is graded without your ops:
those rules record the order they run in and the gradient each one receives, which tells
an unseeded root from an ignored upstream gradient from rules called in the wrong order.
Last, when your ops exist, backward runs end to end on sum(tanh(w*w) + w) built with
them; if that fails because one of those ops fails its own exercise, the message says so.
"""
import numpy as np
import pytest

from tinynet.lesson_tests import call_exercise, expect, grade_op, graded_module, sum_to

LESSON = 1
# pairs of input shapes that broadcast, as numpy does
PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 3, 4), (3, 1)), ((5,), (1,)), ((3, 1), (1, 4)), ((), (2, 2))]
SHAPES = [(1,), (5,), (3, 4), (2, 3, 2)]


def _pair_cases(seed, positive_b=False):
    rng = np.random.default_rng(seed)
    cases = []
    for sa, sb in PAIRS:
        a = rng.standard_normal(sa)
        b = rng.uniform(0.5, 2.0, sb) * rng.choice([-1.0, 1.0], sb) if positive_b else rng.standard_normal(sb)
        upstream = rng.standard_normal(np.broadcast_shapes(sa, sb))
        cases.append(([a, b], upstream))
    return cases


def _unary_cases(seed, low=None, high=None, with_zero=False):
    rng = np.random.default_rng(seed)
    cases = []
    for shape in SHAPES:
        x = rng.uniform(low, high, shape) if low is not None else 2 * rng.standard_normal(shape)
        if with_zero and x.size > 1:
            x.flat[0] = 0.0
        cases.append(([x], rng.standard_normal(shape)))
    return cases


# --------------------------------------------------------------------------- the exercises
def check_unbroadcast(impl):
    rng = np.random.default_rng(0)
    for grad_shape, shape in [((2, 3, 4), (3, 4)), ((3, 4), (3, 1)), ((3, 4), ()), ((5,), (1,)),
                              ((3, 4), (3, 4)), ((2, 3, 4), (1, 4)), ((4, 1, 5), (3, 1))]:
        if np.broadcast_shapes(grad_shape, shape) != grad_shape:
            continue
        grad = rng.standard_normal(grad_shape)
        expected = expect(sum_to(grad, shape))
        got = np.asarray(call_exercise(impl.unbroadcast, grad.copy(), shape), dtype=np.float64)
        label = f"unbroadcast of a {grad_shape} gradient to {shape}"
        assert got.shape == tuple(shape), f"{label} returned shape {got.shape}"
        if np.allclose(got, expected, rtol=1e-12, atol=1e-12):
            continue
        copies = int(np.prod(grad_shape)) // max(int(np.prod(shape)), 1)
        if np.allclose(got * copies, expected, rtol=1e-9):
            raise AssertionError(f"{label}: you averaged the copies; each copy contributed to L, so SUM them")
        raise AssertionError(f"{label} has the right shape but wrong values: sum over every broadcast axis")


def check_add(impl):
    grade_op(impl.Tensor, "add", impl.add, lambda a, b: a + b, lambda a, b: a + b, _pair_cases(1), "ab")


def check_mul(impl):
    alternatives = [
        ("each input received its own value times the upstream gradient; ∂(a·b)/∂a is b",
         lambda a, b, g: [sum_to(g * a, a.shape), sum_to(g * b, b.shape)]),
        ("the upstream gradient out.grad is missing from the product (the chain rule multiplies by it)",
         lambda a, b, g: [sum_to(np.broadcast_to(b, g.shape), a.shape), sum_to(np.broadcast_to(a, g.shape), b.shape)]),
    ]
    grade_op(impl.Tensor, "mul", impl.mul, lambda a, b: a * b, lambda a, b: a * b, _pair_cases(2), "ab", alternatives)


def check_neg(impl):
    grade_op(impl.Tensor, "neg", impl.neg, lambda a: -a, lambda a: -a, _unary_cases(3), "a")


def check_div(impl):
    alternatives = [
        ("the derivative of 1/b is −1/b²: a square is missing",
         lambda a, b, g: [sum_to(g / b, a.shape), sum_to(-g * a / b, b.shape)]),
        ("dL/db is -dL/dout·a/b², the square of b, not b³ or b alone",
         lambda a, b, g: [sum_to(g / b, a.shape), sum_to(-g * a / b ** 3, b.shape)]),
    ]
    grade_op(impl.Tensor, "div", impl.div, lambda a, b: a / b, lambda a, b: a / b, _pair_cases(4, positive_b=True), "ab",
              alternatives)


def check_pow(impl):
    for k in (2, 3, 0.5, -1.5):
        alternatives = [
            (f"for k = {k} the factor k is missing", lambda a, g, k=k: [g * a ** (k - 1)]),
            (f"for k = {k} the exponent of the derivative is not reduced by one", lambda a, g, k=k: [g * k * a ** k]),
        ]
        grade_op(impl.Tensor, f"pow(a, {k})", lambda a, k=k: impl.pow(a, k), lambda a, k=k: a ** k,
                  lambda a, k=k: a ** k, _unary_cases(5, 0.3, 2.0), "a", alternatives)


def check_exp(impl):
    alternatives = [("you multiplied by the input a; the derivative of e^a is e^a itself", lambda a, g: [g * a])]
    grade_op(impl.Tensor, "exp", impl.exp, lambda a: a.exp(), np.exp, _unary_cases(6), "a", alternatives)


def check_log(impl):
    alternatives = [("you multiplied by a; the derivative of ln a is 1/a", lambda a, g: [g * a]),
                    ("you divided by ln a; the derivative of ln a is 1/a", lambda a, g: [g / np.log(a)])]
    grade_op(impl.Tensor, "log", impl.log, lambda a: a.log(), np.log, _unary_cases(7, 0.2, 3.0), "a", alternatives)


def check_tanh(impl):
    alternatives = [("you used 1 − a², with the input a itself; the derivative is 1 − tanh(a)², which is 1 minus "
                     "the output squared", lambda a, g: [g * (1 - a ** 2)]),
                    ("the square is missing: the derivative is 1 − tanh(a)², not 1 − tanh(a)",
                     lambda a, g: [g * (1 - np.tanh(a))])]
    grade_op(impl.Tensor, "tanh", impl.tanh, lambda a: a.tanh(), np.tanh, _unary_cases(8), "a", alternatives)


def check_relu(impl):
    alternatives = [("the gradient passes where a ≤ 0 too; relu blocks it wherever it output 0",
                     lambda a, g: [g.copy()]),
                    ("at a = 0 exactly the gradient must be 0 (slope 1 only where a > 0)",
                     lambda a, g: [g * (a >= 0)])]
    grade_op(impl.Tensor, "relu", impl.relu, lambda a: a.relu(), lambda a: np.maximum(a, 0), _unary_cases(9, with_zero=True),
              "a", alternatives)


def _reduction_cases(seed):
    rng = np.random.default_rng(seed)
    cases = []
    for shape, axis in [((5,), None), ((3, 4), None), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1)]:
        x = rng.standard_normal(shape)
        out_shape = () if axis is None else tuple(n for i, n in enumerate(shape) if i != axis)
        cases.append((x, axis, rng.standard_normal(out_shape)))
    return cases


def check_sum(impl):
    for x, axis, upstream in _reduction_cases(10):
        n = x.size if axis is None else x.shape[axis]
        alternatives = [("you divided by the number of elements: that is mean's backward, not sum's",
                         lambda a, g, n=n, axis=axis: [np.broadcast_to(g if axis is None else np.expand_dims(g, axis),
                                                                       a.shape) / n])]
        grade_op(impl.Tensor, f"sum(axis={axis})", lambda a, axis=axis: impl.sum(a, axis),
                  lambda a, axis=axis: a.sum(axis=axis), lambda a, axis=axis: a.sum(axis=axis),
                  [([x], upstream)], "a", alternatives, kind="reduction")


def check_mean(impl):
    for x, axis, upstream in _reduction_cases(11):
        spread = (lambda g, a, axis=axis: np.broadcast_to(g if axis is None else np.expand_dims(g, axis), a.shape))
        alternatives = [("not divided by the number of elements averaged: that is sum's backward",
                         lambda a, g, s=spread: [s(g, a).copy()])]
        if axis is not None:
            alternatives.append(("divided by all of a's elements; only those along the axis are averaged",
                                 lambda a, g, s=spread: [s(g, a) / a.size]))
        grade_op(impl.Tensor, f"mean(axis={axis})", lambda a, axis=axis: impl.mean(a, axis),
                  lambda a, axis=axis: a.mean(axis=axis), lambda a, axis=axis: a.mean(axis=axis),
                  [([x], upstream)], "a", alternatives, kind="reduction")


def _node(impl, value, parents, rule_of, log=None, name=None):
    """A Tensor of your class with the grader's own backward rule (no ops of yours involved);
    with ``log``, each call of the rule appends (name, a copy of out.grad, out.grad itself)."""
    out = impl.Tensor(np.array(value, dtype=np.float64), parents)

    def rule():
        if log is not None:
            log.append((name, np.array(out.grad, dtype=np.float64), out.grad))
        rule_of(out)
    out.backward_rule = rule
    return out


def _diamond(impl, x0, log=None):
    """x -> a = 2x -> b = 3a; root = a + b: x is reached along two paths (dL/dx = 8)."""
    x = impl.Tensor(np.array(x0, dtype=np.float64))

    def double(out):
        x.grad = x.grad + 2 * out.grad
    a = _node(impl, 2 * x.data, (x,), double, log, "a")

    def triple(out):
        a.grad = a.grad + 3 * out.grad
    b = _node(impl, 3 * a.data, (a,), triple, log, "b")

    def both(out):
        a.grad = a.grad + out.grad
        b.grad = b.grad + out.grad
    root = _node(impl, a.data + b.data, (a, b), both, log, "root")
    return x, root


def _check_seed_and_order(log, root, given, seed):
    """Diagnose backward from the calls of the diamond's rules: what the root's grad held
    when its rule ran (the seed), and in which order the rules ran."""
    names = [name for name, _, _ in log]
    if not names:
        raise AssertionError("backward called no backward_rule: walk the listed tensors and call each one's rule")
    if len(names) != len(set(names)):
        raise AssertionError("a tensor used along two paths had its rule called twice: list every tensor ONCE "
                             "(remember the tensors already visited)")
    if "root" in names:
        seen_at_root = log[names.index("root")][1]
        if seen_at_root.shape != np.shape(seed):
            raise AssertionError(f"the root's grad had shape {seen_at_root.shape} when its rule ran, but the root "
                                 f"has shape {np.shape(seed)}: the seed has the root's own shape")
        if not np.any(seen_at_root):
            raise AssertionError("the root's grad was still zero when its rule ran: seed root.grad before calling "
                                 "the rules")
        if given is not None and np.allclose(seen_at_root, 1.0) and not np.allclose(seed, 1.0):
            raise AssertionError("backward(root, grad) ignored its grad argument: the root was seeded with ones, "
                                 "but a given upstream gradient is the seed")
        if not np.allclose(seen_at_root, seed, rtol=1e-12):
            raise AssertionError("the root was seeded with something else than " + (
                "the upstream gradient it was given" if given is not None else "ones of its shape (dL/dL = 1)"))
    if set(names) == {"root", "a", "b"} and names == ["a", "b", "root"]:
        raise AssertionError("the rules ran in forward order, from the inputs up, so each one passed on a grad "
                             "that was still zero: walk the topological list from its END (the root first)")
    if set(names) != {"root", "a", "b"}:
        raise AssertionError("backward skipped some rules: call the rule of every tensor reachable from the root")
    if names.index("b") > names.index("a"):
        raise AssertionError("a tensor used along two paths did not receive the sum of both shares: its rule ran "
                             "before every consumer had added to its grad; call the rules in reverse "
                             "topological order")
    if given is not None and (root.grad is given or np.shares_memory(np.asarray(root.grad), given)):
        raise AssertionError("backward seeded the root with the very array it was given, not a float64 copy: a "
                             "rule that adds into root.grad in place would change the caller's array")


_END_TO_END_OPS = ("mul", "tanh", "add", "sum")     # what sum(tanh(w*w) + w) is made of


def _failing_ops(impl):
    """Which of the ops the end-to-end graph uses fail their own exercise (None: one is a stub)."""
    failing = []
    for name in _END_TO_END_OPS:
        try:
            EXERCISES[name](impl)
        except NotImplementedError:
            return None
        except Exception:  # noqa: BLE001 - any failure of that op counts; its own exercise reports it
            failing.append(name)
    return failing


def _ops_first(failing, what):
    ops = ", ".join(_END_TO_END_OPS[:-1]) + f" and {_END_TO_END_OPS[-1]}"
    return (f"backward passes the grader's own graphs, but {what} on sum(tanh(w*w) + w) built with your ops {ops}; "
            f"{' and '.join(failing)} {'fails' if len(failing) == 1 else 'fail'} {'its' if len(failing) == 1 else 'their'} "
            "own exercise: fix that first, then grade backward again")


def check_backward(impl):
    x0 = np.array([0.5, -1.5, 2.0])
    upstream = np.array([1.0, -2.0, 0.25])
    log = []
    x, root = _diamond(impl, x0, log)
    given = upstream.copy()
    call_exercise(impl.backward, root, given)
    _check_seed_and_order(log, root, given, upstream)
    got = np.asarray(x.grad, dtype=np.float64)
    expected = expect(8 * upstream)
    if not np.allclose(got, expected, rtol=1e-12):
        raise AssertionError("a tensor used along two paths did not receive the sum of both shares: call every "
                             "rule once, in reverse topological order")
    # a scalar root without an upstream gradient is seeded with 1
    log = []
    x, root = _diamond(impl, np.float64(1.25), log)
    call_exercise(impl.backward, root)
    _check_seed_and_order(log, root, None, np.ones(()))
    assert np.allclose(x.grad, 8.0), ("backward(root) without a gradient: seed the root with ones of its "
                                      "shape (dL/dL = 1)")
    # a long chain: every rule in order, none skipped
    x = impl.Tensor(np.array([1.0, 2.0]))
    node = x
    for _ in range(50):
        node = _node(impl, node.data, (node,), lambda out, parent=node: setattr(parent, "grad", parent.grad + out.grad))
    call_exercise(impl.backward, node, np.ones(2))
    assert np.allclose(x.grad, 1.0), "along a chain of 50 tensors the gradient did not reach the input"
    # the backward of your own engine, end to end, against central differences
    try:
        w = impl.Tensor(np.array([[0.3, -0.2], [0.1, 0.4]]))
        with np.errstate(all="ignore"):
            loss = ((w * w).tanh() + w).sum()
    except NotImplementedError:
        return            # your ops are not written yet; the graphs above grade backward alone
    except Exception as error:
        failing = _failing_ops(impl)
        if failing is None:
            return
        if failing:
            raise AssertionError(_ops_first(failing, f"building the graph raised {type(error).__name__}")) from None
        raise
    call_exercise(impl.backward, loss)
    numeric = np.zeros((2, 2))
    for i in np.ndindex(2, 2):
        plus, minus = w.data.copy(), w.data.copy()
        plus[i] += 1e-6
        minus[i] -= 1e-6
        numeric[i] = (np.sum(np.tanh(plus * plus) + plus) - np.sum(np.tanh(minus * minus) + minus)) / 2e-6
    if not np.allclose(w.grad, numeric, rtol=1e-6, atol=1e-8):
        failing = _failing_ops(impl)
        if failing:
            raise AssertionError(_ops_first(failing, "the gradient disagrees with central differences"))
        raise AssertionError("your engine's gradient of sum(tanh(w*w) + w) disagrees with central differences, "
                             "though backward and the ops it uses pass on their own: does some rule assume its "
                             "tensor is used only once?")


def check_numerical_gradient(impl):
    rng = np.random.default_rng(4)
    for shape in SHAPES:
        x = rng.standard_normal(shape)
        before = x.copy()
        got = np.asarray(call_exercise(impl.numerical_gradient, lambda v: float(np.sum(v ** 3)), x, 1e-4),
                         dtype=np.float64)
        assert np.array_equal(x, before), "numerical_gradient changed x: restore every element after perturbing it"
        assert got.shape == x.shape, f"numerical_gradient returned shape {got.shape} for an x of shape {x.shape}"
        # For f = Σ x³ the central difference is exactly 3x² + h² (error O(h²)); a one-sided
        # difference is off by about 3·x·h, and 1/h instead of 1/(2h) doubles it.
        exact = expect(3 * before ** 2)
        if np.max(np.abs(got - exact)) < 1e-6:
            continue
        if np.allclose(got, 2 * exact, rtol=1e-4):
            raise AssertionError("numerical_gradient is twice the slope: (f(x+h) − f(x−h)) spans 2h, "
                                 "so divide by 2h")
        if np.allclose(got, exact + 3 * before * 1e-4, rtol=1e-3, atol=1e-7):
            raise AssertionError("numerical_gradient of sum(x**3) is off by about 3·x·h, the error of a ONE-SIDED "
                                 "difference (f(x+h) − f(x)) / h; a central difference's error is only h²")
        raise AssertionError(f"numerical_gradient of sum(x**3) with h=1e-4 is off by up to "
                             f"{np.max(np.abs(got - exact)):.3g}, far more than a central difference's h²")


def check_relative_difference(impl):
    cases = [
        (np.array([1.0, 1.0]), np.array([1.0, 0.0]), 1.0 / (np.sqrt(2) + 1.0)),
        (np.array([[3.0, 4.0]]), np.array([[3.0, 4.0]]), 0.0),
        (np.array([1e-8, 0.0]), np.array([-1e-8, 0.0]), 1.0),
        (np.array([2e3, -1e3, 0.5]), np.array([2e3, -1e3, 0.5 + 1e-6]), 1e-6 / (2 * np.sqrt(5e6 + 0.25))),
    ]
    for g, gn, value in cases:
        got = call_exercise(impl.relative_difference, g, gn)
        if np.isclose(got, expect(value), rtol=1e-9, atol=1e-15):
            continue
        if np.isclose(got, np.linalg.norm(g - gn), rtol=1e-9):
            raise AssertionError(f"relative_difference({g.tolist()}, {gn.tolist()}) is the norm of the difference "
                                 "alone: divide by ||g|| + ||g̃|| to make it scale-free")
        raise AssertionError(f"relative_difference({g.tolist()}, {gn.tolist()}) is wrong: Euclidean norms over "
                             "ALL elements (not the largest element), difference over the sum of the two norms")
    zero = call_exercise(impl.relative_difference, np.zeros(3), np.zeros(3))
    assert zero == 0.0, f"relative_difference of two zero gradients is {zero}; they agree, return 0.0 (guard 0/0)"


EXERCISES = {
    "unbroadcast": check_unbroadcast, "add": check_add, "mul": check_mul, "neg": check_neg,
    "div": check_div, "pow": check_pow, "exp": check_exp, "log": check_log, "tanh": check_tanh,
    "relu": check_relu, "sum": check_sum, "mean": check_mean, "backward": check_backward,
    "numerical_gradient": check_numerical_gradient, "relative_difference": check_relative_difference,
}

_OP = ("Make the output Tensor from the inputs' values with the inputs as its parents, give it a rule "
       "that adds each parent's share of out.grad to parent.grad, and return it.")
HINTS = {
    "unbroadcast": [
        "Broadcasting copies an element many times in the forward pass; each copy sends a gradient back, "
        "and the element's gradient is the total of what its copies received.",
        "grad has the output's shape, e.g. (2, 3, 4); shape is the input's, e.g. (3, 1). Extra leading axes "
        "(here the 2) are summed away; an axis where shape has 1 and grad has more (here the 4) is summed "
        "keeping a size-1 axis. () means sum everything.",
        "While grad has more dimensions than shape, sum over the first axis. Then for each axis where "
        "shape has size 1 but grad does not, sum over it keeping the dimension. Return it in the given shape.",
    ],
    "add": [
        "Adding passes the upstream gradient through unchanged to both inputs; the only work is shapes.",
        "∂(a + b)/∂a = 1: dL/da has out's broadcast shape and is summed down to a's shape; the same for b. "
        "Add the result into each parent's grad (a tensor can be an input of several ops).",
        _OP + " Here each share is out.grad, unbroadcast to that parent's shape.",
    ],
    "mul": [
        "In a product each factor's slope is the OTHER factor's value.",
        "∂(a ⊙ b)/∂a = b: dL/da = dL/dout ⊙ b (broadcast shape), summed down to a's shape; dL/db = dL/dout ⊙ a, "
        "summed down to b's shape.",
        _OP + " Multiply out.grad by the other input's values before unbroadcasting.",
    ],
    "neg": [
        "Negation flips the sign of whatever flows through it, forward and backward.",
        "∂(−a)/∂a = −1 elementwise, and out has a's shape, so no unbroadcasting is needed.",
        _OP + " The share is the upstream gradient with its sign flipped.",
    ],
    "div": [
        "Write a / b as a times b to the power −1 and differentiate each factor.",
        "∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −a/b². Both shares are multiplied by dL/dout (broadcast shape) and "
        "summed down to their input's shape.",
        _OP + " Two shares, one per parent; mind the sign and the square in b's.",
    ],
    "pow": [
        "The power rule from calculus, with the exponent a fixed number, so only a gets a gradient.",
        "∂(a^k)/∂a = k·a^(k−1) elementwise; out has a's shape. Multiply by dL/dout.",
        _OP + " k is a Python number, not a Tensor; it has no grad.",
    ],
    "exp": [
        "e^a is its own derivative, and you have already computed it.",
        "∂e^a/∂a = e^a elementwise = out.data; dL/da = dL/dout ⊙ e^a, a's shape.",
        _OP + " Reuse the output's value in the rule instead of recomputing it.",
    ],
    "log": [
        "The slope of the natural log shrinks as its input grows.",
        "∂ln a/∂a = 1/a elementwise; dL/da = dL/dout divided by a, a's shape.",
        _OP + " Divide out.grad by the INPUT's values.",
    ],
    "tanh": [
        "tanh's slope can be written with tanh itself, which is the output you already have.",
        "∂tanh(a)/∂a = 1 − tanh(a)² elementwise, i.e. 1 minus the output squared, a's shape.",
        _OP + " Use the output's value, not the input's, inside 1 − (...)².",
    ],
    "relu": [
        "relu is a gate: where it let the input through, the gradient goes through; elsewhere it is stopped.",
        "∂max(a, 0)/∂a = 1 where a > 0 and 0 where a ≤ 0 (0 at exactly 0); a mask of a's shape times dL/dout.",
        _OP + " Build the mask from the input's values with a strict comparison.",
    ],
    "sum": [
        "Every element of a enters the sum with slope 1, so each receives the gradient of the sum it went into.",
        "With axis None, out is a 0-d array and each element of a gets the scalar dL/dout. With axis k, out "
        "lacks axis k; put a size-1 axis back at k and stretch it to a's shape.",
        _OP + " Reinsert the summed axis (when there is one) and broadcast to a's shape before adding.",
    ],
    "mean": [
        "A mean is a sum divided by how many elements were averaged; the gradient follows the same recipe.",
        "n = a.size when axis is None, a.shape[axis] otherwise; each element of a receives dL/dout / n, "
        "reshaped and stretched as in sum.",
        _OP + " Compute n in the forward pass and use it in the rule.",
    ],
    "backward": [
        "A tensor may only pass its gradient on once it has received everything from the tensors that used "
        "it. Order the tensors so that every one comes after the tensors it was computed from.",
        "Depth-first search from the root through .parents, appending a tensor after all its parents, with a "
        "set of already-visited tensors so each appears once. The seed is dL/dL = ones of root's shape (or "
        "the given upstream gradient). Reversed, the list starts at the root.",
        "Build the list; set the root's grad to the seed; walk the list from the end to the start and call "
        "each tensor's backward_rule when it has one. Rules add into grads, so nothing else is needed.",
    ],
    "numerical_gradient": [
        "Nudge one element at a time a little up and a little down, and see how much f changes.",
        "g̃ᵢ = (f(x + h·eᵢ) − f(x − h·eᵢ)) / (2h): eᵢ changes only element i; the result has x's shape. The "
        "central difference's error is O(h²), a one-sided difference's O(h).",
        "For each index of x: remember its value; set it to value + h and evaluate f; set it to value − h "
        "and evaluate f; put the value back; store the difference of the two over twice h.",
    ],
    "relative_difference": [
        "Compare two gradients by the size of their difference relative to their own sizes, so the answer "
        "does not depend on their units.",
        "Euclidean norms over every element: ‖g − g̃‖ / (‖g‖ + ‖g̃‖), a float between 0 and 1; when both "
        "gradients are zero the two agree and the answer is 0.",
        "Turn both into float arrays, compute the denominator first, return 0.0 when it is zero, otherwise "
        "the norm of the difference over it, as a float.",
    ],
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
