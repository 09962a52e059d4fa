"""micrograd's test_engine.py, adapted to tinynet's Tensor (scalars in float64).

micrograd compares each expression with PyTorch; here the values are also checked
against the numbers micrograd's README prints for the same expressions and against the
hand-derived derivative, so the tests mean the same without torch (the torch comparison
runs when torch is installed). micrograd's tolerance, 1e-6, is kept.
"""
import math

import numpy as np
import pytest

import tinynet as tn


def scalar(v):
    return tn.Tensor(np.array(v, dtype=np.float64), requires_grad=True)


def sanity(x, relu):
    z = 2 * x + 2 + x
    q = relu(z) + z * x
    h = relu(z * z)
    return h + q + q * x


def more_ops(a, b, relu):
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + relu(b + a)
    d = d + 3 * d + relu(b - a)
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    return g


def test_sanity_check():
    x = scalar(-4.0)
    y = sanity(x, lambda t: t.relu())
    y.backward()
    # z = 3x + 2 = -10 < 0, so y = z² + zx + zx² = -20 and dy/dx = 6z + (3x + z) + (3x² + 2xz) = 46
    assert float(y.data) == -20.0
    assert float(x.grad) == 46.0


def test_more_ops():
    a, b = scalar(-4.0), scalar(2.0)
    g = more_ops(a, b, lambda t: t.relu())
    g.backward()
    tol = 1e-6
    assert abs(float(g.data) - 24.70408163265306) < tol      # micrograd README: 24.7041
    assert abs(float(a.grad) - 138.83381924198252) < tol     # 138.8338
    assert abs(float(b.grad) - 645.5772594752186) < tol      # 645.5773


@pytest.mark.parametrize("fn, derivative", [
    ("tanh", lambda x: 1 - math.tanh(x) ** 2),
    ("exp", math.exp),
])
def test_unary_tensor_fns(fn, derivative):
    for x in [-1.0, 0.123, 2.0]:
        t = scalar(x)
        y = getattr(t, fn)()
        y.backward()
        assert abs(float(y.data) - getattr(math, fn)(x)) < 1e-6
        assert abs(float(t.grad) - derivative(x)) < 1e-6


def test_against_pytorch():
    torch = pytest.importorskip("torch")
    x = scalar(-4.0)
    y = sanity(x, lambda t: t.relu())
    y.backward()
    xt = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)
    yt = sanity(xt, torch.relu)
    yt.backward()
    assert float(y.data) == yt.item() and float(x.grad) == xt.grad.item()

    a, b = scalar(-4.0), scalar(2.0)
    g = more_ops(a, b, lambda t: t.relu())
    g.backward()
    at, bt = (torch.tensor([v], dtype=torch.float64, requires_grad=True) for v in (-4.0, 2.0))
    gt = more_ops(at, bt, torch.relu)
    gt.backward()
    tol = 1e-6
    assert abs(float(g.data) - gt.item()) < tol
    assert abs(float(a.grad) - at.grad.item()) < tol and abs(float(b.grad) - bt.grad.item()) < tol
    for fn in ("tanh", "exp"):
        for v in [-1.0, 0.123, 2.0]:
            t, tt = scalar(v), torch.tensor([v], dtype=torch.float64, requires_grad=True)
            y, yt = getattr(t, fn)(), getattr(torch, fn)(tt)
            y.backward()
            yt.backward()
            assert abs(float(y.data) - yt.item()) < tol and abs(float(t.grad) - tt.grad.item()) < tol
