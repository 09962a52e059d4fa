"""Every op's value and gradient against PyTorch's, in float64 (skipped without torch).

Same inputs, the same upstream gradient (a fixed random array), both libraries'
backward; values and gradients agree to 1e-12 relative. Inputs avoid ties and kinks,
where the two libraries document different choices (tinynet's max sends a tie's gradient
to the first arg-max: see test_tensor_ops.py).
"""
import numpy as np
import pytest

import tinynet as tn
from tinynet.nn import functional as F

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)


def _away(shape, low=0.2):
    return RNG.uniform(low, 2.0, shape) * RNG.choice([-1.0, 1.0], shape)


def _pos(shape):
    return RNG.uniform(0.5, 2.0, shape)


IDX = np.array([0, 2, 2, 1, 0])
MASK = RNG.random((3, 4)) > 0.5
COND = RNG.random((3, 4)) > 0.5
LABELS = np.array([0, 3, 1])

#: name -> (inputs, tinynet fn, torch fn)
CASES = {
    "add": ([_away((3, 4)), _away((4,))], lambda a, b: a + b, lambda a, b: a + b),
    "sub": ([_away((3, 1)), _away((1, 4))], lambda a, b: a - b, lambda a, b: a - b),
    "mul": ([_away((3, 4)), _away((3, 4))], lambda a, b: a * b, lambda a, b: a * b),
    "div": ([_away((3, 4)), _pos((4,))], lambda a, b: a / b, lambda a, b: a / b),
    "pow": ([_pos((3, 4)), _away((3, 4))], lambda a, b: a ** b, lambda a, b: a ** b),
    "neg": ([_away((3,))], lambda a: -a, lambda a: -a),
    "matmul": ([_away((3, 4)), _away((4, 2))], lambda a, b: a @ b, lambda a, b: a @ b),
    "matmul_batched": ([_away((2, 3, 4)), _away((4, 2))], lambda a, b: a @ b, lambda a, b: a @ b),
    "linear": ([_away((3, 4)), _away((4, 2)), _away((2,))], F.linear,
               lambda x, w, b: torch.nn.functional.linear(x, w.T, b)),
    "sum": ([_away((3, 4))], lambda a: a.sum(axis=1), lambda a: a.sum(dim=1)),
    "mean": ([_away((3, 4))], lambda a: a.mean(axis=0, keepdims=True), lambda a: a.mean(dim=0, keepdim=True)),
    "max": ([RNG.permutation(12).reshape(3, 4) * 1.0], lambda a: a.max(axis=1), lambda a: a.max(dim=1).values),
    "min": ([RNG.permutation(12).reshape(3, 4) * 1.0], lambda a: a.min(axis=0), lambda a: a.min(dim=0).values),
    "max_all": ([RNG.permutation(12).reshape(3, 4) * 1.0], lambda a: a.max(), lambda a: a.max()),
    "var": ([_away((3, 4))], lambda a: a.var(axis=1), lambda a: a.var(dim=1, correction=0)),
    "var_unbiased": ([_away((3, 4))], lambda a: a.var(ddof=1), lambda a: a.var()),
    "std": ([_away((3, 4))], lambda a: a.std(axis=0), lambda a: a.std(dim=0, correction=0)),
    "reshape": ([_away((3, 4))], lambda a: a.reshape(2, 6), lambda a: a.reshape(2, 6)),
    "transpose": ([_away((2, 3, 4))], lambda a: a.transpose(2, 0, 1), lambda a: a.permute(2, 0, 1)),
    "exp": ([_away((3,))], lambda a: a.exp(), torch.exp),
    "log": ([_pos((3,))], lambda a: a.log(), torch.log),
    "sqrt": ([_pos((3,))], lambda a: a.sqrt(), torch.sqrt),
    "abs": ([_away((3, 4))], lambda a: a.abs(), torch.abs),
    "clip": ([_away((3, 4))], lambda a: a.clip(-1.0, 1.0), lambda a: a.clamp(-1.0, 1.0)),
    "relu": ([_away((3, 4))], lambda a: a.relu(), torch.relu),
    "leaky_relu": ([_away((3, 4))], lambda a: a.leaky_relu(0.2), lambda a: torch.nn.functional.leaky_relu(a, 0.2)),
    "leaky_relu_default": ([_away((3, 4))], lambda a: a.leaky_relu(), torch.nn.functional.leaky_relu),
    "tanh": ([_away((3, 4))], lambda a: a.tanh(), torch.tanh),
    "sigmoid": ([_away((3, 4)) * 5], lambda a: a.sigmoid(), torch.sigmoid),
    "softsign": ([_away((3, 4))], lambda a: a.softsign(), torch.nn.functional.softsign),
    "log_softmax": ([_away((3, 4))], lambda a: a.log_softmax(axis=1), lambda a: torch.log_softmax(a, dim=1)),
    "softmax": ([_away((3, 4))], lambda a: a.softmax(axis=0), lambda a: torch.softmax(a, dim=0)),
    "index_int": ([_away((3, 4))], lambda a: a[1], lambda a: a[1]),
    "index_slice": ([_away((3, 4))], lambda a: a[1:, ::2], lambda a: a[1:, ::2]),
    "index_repeats": ([_away((3, 4))], lambda a: a[IDX % 3], lambda a: a[torch.as_tensor(IDX % 3)]),
    "index_pairs": ([_away((3, 4))], lambda a: a[np.arange(3), LABELS],
                    lambda a: a[torch.arange(3), torch.as_tensor(LABELS)]),
    "index_mask": ([_away((3, 4))], lambda a: a[MASK], lambda a: a[torch.as_tensor(MASK)]),
    "concatenate": ([_away((3, 4)), _away((2, 4))], lambda a, b: tn.concatenate([a, b, a]),
                    lambda a, b: torch.cat([a, b, a])),
    "stack": ([_away((3, 4)), _away((3, 4))], lambda a, b: tn.stack([a, b], axis=1),
              lambda a, b: torch.stack([a, b], dim=1)),
    "where": ([_away((3, 4)), _away((4,))], lambda a, b: tn.where(COND, a, b),
              lambda a, b: torch.where(torch.as_tensor(COND), a, b)),
    "cross_entropy": ([_away((3, 5))], lambda z: F.cross_entropy(z, LABELS),
                      lambda z: torch.nn.functional.cross_entropy(z, torch.as_tensor(LABELS))),
    "bce_with_logits": ([_away((3, 4))], lambda z: F.binary_cross_entropy_with_logits(z, MASK * 1.0),
                        lambda z: torch.nn.functional.binary_cross_entropy_with_logits(z, torch.as_tensor(MASK * 1.0))),
    "mse": ([_away((3, 4)), _away((3, 4))], lambda a, b: F.mse(a, b), torch.nn.functional.mse_loss),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_and_gradient_match_pytorch(name):
    inputs, ours, theirs = CASES[name]
    ts = [tn.Tensor(x.copy(), requires_grad=True) for x in inputs]
    ps = [torch.tensor(x.copy(), dtype=torch.float64, requires_grad=True) for x in inputs]
    out, ref = ours(*ts), theirs(*ps)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    upstream = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(upstream)
    ref.backward(torch.as_tensor(upstream))
    for i, (t, p) in enumerate(zip(ts, ps)):
        if name == "mse" and i == 1:
            assert t.grad is None       # deliberate: tinynet's mse treats the target as data
            continue
        np.testing.assert_allclose(t.grad, p.grad.numpy(), rtol=1e-12, atol=1e-14)
