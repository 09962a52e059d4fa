"""Grader for lesson 2: `tinynet check 2` or `pytest lessons/02_dense_backprop/` grades your
exercises.py (TINYNET_GRADE=reference grades the reference solution).

matmul, Dense and softmax_cross_entropy run here on tinynet's reference Tensor (the
grader puts it in your module's ``Tensor``), so lesson 2 is graded on its own; with
`tinynet lesson N --mine` they run on your lesson-1 engine. Gradients are compared with
tinynet's autograd to 1e-12.
"""
import numpy as np
import pytest

import tinynet as tn
from tinynet.lesson_tests import call_exercise, expect, grade_op, graded_module, loss_rule_received
from tinynet.mine import reference
from tinynet.nn import functional as F

LESSON = 2
SIZES = [(1, 1, 1), (5, 3, 4), (8, 7, 2), (16, 2, 10)]   # (N, fan_in, fan_out)


def _engine(impl):
    """tinynet's reference engine, installed as the Tensor your lesson-2 code builds."""
    engine = reference(1)
    impl.Tensor = engine.Tensor
    return engine


def _same(name, got, expected, shape_of):
    got = np.asarray(got, dtype=np.float64)
    expect(expected)
    if got.shape != expected.shape:
        if got.shape == expected.shape[::-1] and got.ndim == 2:
            raise AssertionError(f"{name} has shape {got.shape}, {shape_of} is {expected.shape}: it is transposed")
        raise AssertionError(f"{name} has shape {got.shape}, but {shape_of} has shape {expected.shape}: a gradient "
                             "has the shape of what it is the gradient of")
    return np.allclose(got, expected, rtol=1e-12, atol=1e-12)


def _order_and_sign(returned, wanted):
    """A returned gradient that is another one of the three (the order), or minus its own."""
    for name, value in returned.items():
        value = np.asarray(value, dtype=np.float64)
        for other, want in wanted.items():
            if other != name and value.shape == want.shape and np.allclose(value, want, rtol=1e-12, atol=1e-12):
                raise AssertionError(f"dense_backward returns (dX, dW, db) in that order, but what it returns in the "
                                     f"place of {name} is {other}")
    for name, value in returned.items():
        value, want = np.asarray(value, dtype=np.float64), wanted[name]
        if value.shape == want.shape and np.any(want) and np.allclose(value, -want, rtol=1e-12, atol=1e-12):
            raise AssertionError(f"{name} has the wrong sign: backprop multiplies by dZ as it is, with no minus sign")


def check_dense_backward(impl):
    rng = np.random.default_rng(2)
    for n, fan_in, fan_out in SIZES:
        x, W, b = rng.standard_normal((n, fan_in)), rng.standard_normal((fan_in, fan_out)), rng.standard_normal(fan_out)
        dz = rng.standard_normal((n, fan_out))
        tx, tW, tb = (tn.Tensor(a.copy(), requires_grad=True) for a in (x, W, b))
        F.linear(tx, tW, tb).backward(dz)
        got = call_exercise(impl.dense_backward, x, W, b, dz)
        assert isinstance(got, (tuple, list)) and len(got) == 3, "dense_backward returns three arrays (dX, dW, db)"
        dx, dw, db = got
        _order_and_sign({"dX": dx, "dW": dw, "db": db},
                        {"dX": np.asarray(tx.grad), "dW": np.asarray(tW.grad), "db": np.asarray(tb.grad)})
        if not _same("dX", dx, np.asarray(tx.grad), "X"):
            raise AssertionError("dX is wrong: every input feeds every unit through its weight, so dX needs W")
        if not _same("dW", dw, np.asarray(tW.grad), "W"):
            raise AssertionError("dW is wrong: each weight W[i, j] multiplies input i of every example")
        if not _same("db", db, np.asarray(tb.grad), "b"):
            if np.allclose(np.asarray(db) * n, tb.grad, rtol=1e-12):
                raise AssertionError(f"db is the batch MEAN of dZ, {n} times too small: the bias is added to every "
                                     "row, so its gradient is the sum over the rows")
            raise AssertionError("db is wrong: the bias is added to every row of Z")


def check_matmul(impl):
    engine = _engine(impl)
    rng = np.random.default_rng(3)
    cases = [([rng.standard_normal((n, k)), rng.standard_normal((k, m))], rng.standard_normal((n, m)))
             for n, k, m in [(1, 1, 1), (4, 3, 2), (2, 5, 5), (6, 1, 3)]]
    alternatives = [("the upstream gradient is missing: dL/da is dL/dout · bᵀ, not a sum of b's rows",
                     lambda a, b, g: [np.ones_like(g) @ b.T, a.T @ np.ones_like(g)])]
    grade_op(engine.Tensor, "matmul", impl.matmul, lambda a, b: a @ b, lambda a, b: a @ b, cases, "ab", alternatives,
             kind="matmul")


def check_Dense(impl):
    engine = _engine(impl)
    rng = np.random.default_rng(4)
    for n, fan_in, fan_out in SIZES:
        W, b = rng.standard_normal((fan_in, fan_out)), rng.standard_normal(fan_out)
        x, dz = rng.standard_normal((n, fan_in)), rng.standard_normal((n, fan_out))
        layer = call_exercise(impl.Dense, W.copy(), b.copy())
        for name, value in (("kernel", W), ("bias", b)):
            param = getattr(layer, name, None)
            assert param is not None and hasattr(param, "grad"), f"Dense has no Tensor attribute {name!r}"
            assert np.array_equal(param.data, value), f"Dense's {name} does not hold the array it was given"
        params = call_exercise(layer.parameters)
        assert [id(p) for p in params] == [id(layer.kernel), id(layer.bias)], (
            "Dense.parameters() must list the kernel, then the bias (the Tensors themselves)")
        tx = engine.Tensor(x.copy())
        kernel, bias = layer.kernel, layer.bias
        try:
            z = call_exercise(layer, tx)
        except AssertionError as error:
            if "for @" in str(error):
                raise AssertionError(f"{error}; the Tensor of lesson 1 has no @ operator: call your matmul "
                                     "function") from None
            raise
        assert layer.kernel is kernel and layer.bias is bias, (
            "Dense.__call__ replaced self.kernel or self.bias with a new Tensor: the parameters listed before the "
            "call (what an optimizer holds) would never receive a gradient; make the two Tensors once, in __init__")
        assert hasattr(z, "data"), f"calling Dense returned a {type(z).__name__}; return a Tensor"
        value = expect(x @ W + b)
        assert np.shape(z.data) == value.shape, f"Dense on x of shape {x.shape} returned shape {np.shape(z.data)}"
        if not np.allclose(z.data, value, rtol=1e-12, atol=1e-12):
            if np.allclose(z.data, x @ W, rtol=1e-12, atol=1e-12):
                raise AssertionError("Dense's output lacks the bias")
            raise AssertionError("Dense's output is not X · W + b")
        engine.backward(z, dz.copy())
        tt = [tn.Tensor(a.copy(), requires_grad=True) for a in (x, W, b)]
        F.linear(*tt).backward(dz)
        reached = {of: bool(np.any(np.asarray(g))) for of, g in (("X", tx.grad), ("kernel", layer.kernel.grad),
                                                                   ("bias", layer.bias.grad))}
        missing = [of for of, got in reached.items() if not got]
        if len(missing) == 3:
            raise AssertionError("no gradient reached X, the kernel or the bias: Dense's output is not connected to "
                                 "them in your engine's graph; compute it with your engine's operations on the "
                                 "Tensors (your matmul, then +), not with numpy on their .data")
        if {"X", "kernel"} <= set(missing):
            raise AssertionError("no gradient reached X or the kernel: the product must be your matmul on the "
                                 "Tensors x and self.kernel, not numpy on their .data")
        if "X" in missing:
            raise AssertionError("no gradient reached Dense's input X: the graph must start from the Tensor x it "
                                 "was called with, not a new Tensor of x's values")
        if missing:
            raise AssertionError(f"no gradient reached Dense's {missing[0]}: the graph must use the layer's own "
                                 "Tensors (self.kernel, self.bias), not new Tensors of their values")
        for label, got, want, of in (("dX", tx.grad, tt[0].grad, "X"), ("dW", layer.kernel.grad, tt[1].grad, "W"),
                                     ("db", layer.bias.grad, tt[2].grad, "b")):
            if not _same(f"Dense's {label}", got, np.asarray(want), of):
                raise AssertionError(f"Dense's {label} is wrong: the graph from x, kernel and bias to Z does not "
                                     "carry the gradient back as X · W + b does")


def check_softmax_cross_entropy(impl):
    engine = _engine(impl)
    rng = np.random.default_rng(5)
    for n, k, scale in [(1, 2, 1.0), (6, 3, 1.0), (10, 10, 3.0), (4, 5, 1000.0)]:
        logits = scale * rng.standard_normal((n, k))
        labels = rng.integers(0, k, size=n)
        t = tn.Tensor(logits.copy(), requires_grad=True)
        loss = F.cross_entropy(t, labels)
        loss.backward()
        mine = engine.Tensor(logits.copy())
        out = call_exercise(impl.softmax_cross_entropy, mine, labels)
        assert hasattr(out, "backward_rule") and any(p is mine for p in out.parents), (
            "softmax_cross_entropy must return a Tensor whose parents hold the logits Tensor")
        value = float(np.asarray(out.data))
        expected = expect(float(np.asarray(loss.data)))
        if not np.isfinite(value):
            raise AssertionError(f"softmax_cross_entropy is {value} for logits of size {scale:g}: e^z overflows; "
                                 "subtract each row's max before exp")
        if not np.isclose(value, expected, rtol=1e-12, atol=1e-12):
            if np.isclose(value, expected * n, rtol=1e-12):
                raise AssertionError(f"softmax_cross_entropy is the SUM over the batch ({n} times the mean)")
            raise AssertionError("softmax_cross_entropy's value (the forward pass) is wrong")
        want = expect(np.asarray(t.grad, dtype=np.float64))
        grad = loss_rule_received("softmax_cross_entropy", out, mine, want)
        if grad is None:
            continue
        if np.allclose(grad, want * n, rtol=1e-9):
            raise AssertionError(f"dL/dZ is {n} times too large: the loss is a MEAN over the batch, divide by N")
        onehot = np.eye(k)[labels]
        if np.allclose(grad, (logits - onehot) / n, rtol=1e-9):
            raise AssertionError("dL/dZ uses the logits where the probabilities belong: apply the softmax")
        if np.allclose(grad, -want, rtol=1e-9, atol=1e-15):
            raise AssertionError("dL/dZ has the wrong sign: it points uphill; the gradient is the probabilities "
                                 "minus the one-hot targets, not the other way round")
        if np.allclose(grad, want + onehot / n, rtol=1e-9, atol=1e-15):
            raise AssertionError("dL/dZ lacks the −1 at each row's label: the log-likelihood of the true class "
                                 "contributes −onehot(y)/N besides the probabilities")
        raise AssertionError("dL/dZ of the mean softmax cross-entropy is wrong")


EXERCISES = {
    "dense_backward": check_dense_backward,
    "matmul": check_matmul,
    "Dense": check_Dense,
    "softmax_cross_entropy": check_softmax_cross_entropy,
}

HINTS = {
    "dense_backward": [
        "Each gradient has the shape of the thing it is the gradient of; with that rule there is only one way "
        "to multiply dZ with X or W so that the shapes fit.",
        "Z = X·W + b with X (N, fan_in), W (fan_in, fan_out), dZ (N, fan_out). dX must be (N, fan_in): dZ times "
        "the transpose of W. dW must be (fan_in, fan_out): the transpose of X times dZ. db must be (fan_out,).",
        "Compute the input gradient from dZ and W transposed, the kernel gradient from X transposed and dZ, and "
        "the bias gradient by summing dZ over the rows (the batch). Return the three in that order.",
    ],
    "matmul": [
        "This is dense_backward without the bias, as an op of your engine: same shapes, same products.",
        "a (N, K), b (K, M), out (N, M). dL/da = dL/dout · bᵀ is (N, K); dL/db = aᵀ · dL/dout is (K, M). No "
        "broadcasting: the shapes already match.",
        "Make the output Tensor from the matrix product of the values with both inputs as parents; its rule "
        "adds the two products above into the parents' grads.",
    ],
    "Dense": [
        "A layer is a container for its parameters plus a forward function; the graph your engine records "
        "does the backward for you.",
        "kernel (fan_in, fan_out) and bias (fan_out,) become Tensors once, when the layer is made. For x (N, "
        "fan_in): Z = matmul(x, kernel) (N, fan_out), plus the bias broadcast over the N rows.",
        "In __init__, wrap the two arrays as Tensors and keep them as self.kernel and self.bias. In __call__, "
        "multiply the input by the kernel with your matmul and add the bias with +. parameters() lists them.",
    ],
    "softmax_cross_entropy": [
        "Fuse softmax and the negative log-likelihood into one op: its gradient is famously simple, and its "
        "forward can be made safe against overflow by shifting each row.",
        "Z (N, K). Shifting a row by a constant does not change its softmax. log softmax(z)ᵢ = zᵢ − m − log Σⱼ "
        "e^(zⱼ−m) with m the row max. L = mean over n of −log softmax(Zₙ)[yₙ], a 0-d array. dL/dZ = (softmax(Z) "
        "− onehot(y)) / N.",
        "Forward: shift each row by its max, take log-softmax, pick each row's entry at its label, average and "
        "negate. Keep the probabilities for the rule. Rule: probabilities minus 1 at each row's label, divided "
        "by N, times out.grad, added into the logits' grad.",
    ],
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
