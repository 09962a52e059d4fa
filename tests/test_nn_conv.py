"""Conv2D, MaxPool2D, AvgPool2D, Flatten: shapes, errors, PyTorch equality, thread-invariance.

PyTorch is NCHW with (out, in, kh, kw) kernels; tinynet is NHWC with (kh, kw, in, out).
The comparison transposes both ways and asserts float64 agreement to 1e-9 forward and
backward; it skips where torch is not installed.
"""
import textwrap
from pathlib import Path

import numpy as np
import pytest

import tinynet as tn
from tinynet import conv_ops, init, nn
from tinynet.lessons import load_module


array_from_subprocess = load_module(Path(__file__).with_name("subprocess_arrays.py"),
                                    "subprocess_arrays").array_from_subprocess


def _random_geometry(rng):
    kh, kw = rng.integers(1, 5, 2)
    sh, sw = rng.integers(1, 4, 2)
    padding = rng.choice(["valid", "same", 0, 1, 2]).item()
    padding = int(padding) if padding.isdigit() else padding
    h, w = rng.integers(max(kh, 1), 11), rng.integers(max(kw, 1), 11)
    n, c, o = rng.integers(1, 4), rng.integers(1, 5), rng.integers(1, 5)
    return int(n), int(h), int(w), int(c), int(o), (int(kh), int(kw)), (int(sh), int(sw)), padding


def test_output_shapes_follow_keras_rules():
    x = np.zeros((2, 28, 28, 3))
    assert nn.Conv2D(3, 8, 3)(x).shape == (2, 26, 26, 8)                       # valid
    assert nn.Conv2D(3, 8, 3, padding="same")(x).shape == (2, 28, 28, 8)
    assert nn.Conv2D(3, 8, 3, stride=2, padding="same")(x).shape == (2, 14, 14, 8)   # ceil(28/2)
    assert nn.Conv2D(3, 8, 4, stride=3, padding="same")(x).shape == (2, 10, 10, 8)   # ceil(28/3)
    assert nn.Conv2D(3, 8, 5, padding=1)(x).shape == (2, 26, 26, 8)
    assert nn.Conv2D(3, 8, (3, 1), stride=(1, 2))(x).shape == (2, 26, 14, 8)
    assert nn.Conv2D(3, 8, 3).output_shape(x.shape) == (2, 26, 26, 8)
    assert nn.MaxPool2D(2)(x).shape == (2, 14, 14, 3)
    assert nn.AvgPool2D(3, strides=2)(x).shape == (2, 13, 13, 3)
    assert nn.Flatten()(x).shape == (2, 28 * 28 * 3)
    assert nn.Reshape((28, 28, 3))(np.zeros((2, 2352))).shape == (2, 28, 28, 3)


def test_kernel_in_keras_layout_and_its_fans():
    layer = nn.Conv2D(16, 32, 3)
    assert layer.kernel.shape == (3, 3, 16, 32) and layer.bias.shape == (32,)
    assert init.compute_fans(layer.kernel.shape) == (144, 288)
    assert np.all(layer.bias.data == 0)
    limit = np.sqrt(6 / (144 + 288))                                           # glorot_uniform
    assert np.abs(layer.kernel.data).max() <= limit and np.abs(layer.kernel.data).max() > 0.95 * limit


def test_a_1x1_convolution_is_a_dense_layer_on_every_pixel():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 4, 3))
    layer = nn.Conv2D(3, 6, 1, dtype=np.float64)
    expected = x.reshape(-1, 3) @ layer.kernel.data[0, 0] + layer.bias.data
    np.testing.assert_allclose(layer(x).data, expected.reshape(2, 5, 4, 6), rtol=1e-13, atol=1e-13)


def test_conv_equals_the_definition_by_loops():
    rng = np.random.default_rng(1)
    x, k, b = rng.standard_normal((2, 7, 6, 3)), rng.standard_normal((3, 2, 3, 4)), rng.standard_normal(4)
    out = conv_ops.conv2d(x, k, b, stride=(2, 1), padding=1).data
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            window = xp[:, 2 * i:2 * i + 3, j:j + 2, :]
            np.testing.assert_allclose(out[:, i, j], np.einsum("nhwc,hwco->no", window, k) + b, atol=1e-12)


def test_activation_is_applied():
    x = np.random.default_rng(2).standard_normal((1, 4, 4, 2))
    assert (nn.Conv2D(2, 3, 3, activation="relu")(x).data >= 0).all()


# ------------------------------------------------------------------ errors name both shapes
def test_wrong_channel_count_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 8, 8, 5\).*\(3, 3, 3, 16\)"):
        nn.Conv2D(3, 16, 3)(np.zeros((2, 8, 8, 5)))


def test_nchw_input_is_recognised():
    with pytest.raises(ValueError, match=r"\(2, 3, 28, 28\).*NCHW.*\(3, 3, 3, 16\).*transpose\(0, 2, 3, 1\)"):
        nn.Conv2D(3, 16, 3)(np.zeros((2, 3, 28, 28)))


def test_kernel_larger_than_a_valid_input_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(5, 5, 1, 4\).*larger than the input of shape \(1, 3, 3, 1\)"):
        nn.Conv2D(1, 4, 5)(np.zeros((1, 3, 3, 1)))
    assert nn.Conv2D(1, 4, 5, padding="same")(np.zeros((1, 3, 3, 1))).shape == (1, 3, 3, 4)


def test_rank_and_construction_errors():
    with pytest.raises(ValueError, match=r"NHWC.*\(4, 784\)"):
        nn.Conv2D(1, 4, 3)(np.zeros((4, 784)))
    with pytest.raises(ValueError, match="padding"):
        nn.Conv2D(1, 4, 3, padding="full")
    with pytest.raises(ValueError, match="in_channels"):
        nn.Conv2D(0, 4, 3)
    with pytest.raises(ValueError, match="pool window"):
        nn.MaxPool2D(4)(np.zeros((1, 3, 3, 1)))


# ------------------------------------------------------------------ PyTorch, float64, 1e-9
def _torch_conv(torch, x, k, b, stride, padding):
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    kt = torch.tensor(k.transpose(3, 2, 0, 1).copy(), requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    kh, kw = k.shape[:2]
    top, bottom, left, right = conv_ops.resolve_padding(padding, x.shape[1], x.shape[2], kh, kw, *stride)
    padded = torch.nn.functional.pad(xt, (left, right, top, bottom))
    out = torch.nn.functional.conv2d(padded, kt, bt, stride=stride)
    return xt, kt, bt, out


def test_conv_equals_torch_forward_and_backward():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(40):
        n, h, w, c, o, (kh, kw), stride, padding = _random_geometry(rng)
        pads = conv_ops.resolve_padding(padding, h, w, kh, kw, *stride)
        if h + pads[0] + pads[1] < kh or w + pads[2] + pads[3] < kw:
            continue
        x, k, b = rng.standard_normal((n, h, w, c)), rng.standard_normal((kh, kw, c, o)), rng.standard_normal(o)
        xs, ks, bs = (tn.Tensor(a, requires_grad=True) for a in (x, k, b))
        out = conv_ops.conv2d(xs, ks, bs, stride=stride, padding=padding)
        g = rng.standard_normal(out.shape)
        out.backward(g)
        xt, kt, bt, ot = _torch_conv(torch, x, k, b, stride, padding)
        ot.backward(torch.tensor(g.transpose(0, 3, 1, 2)))
        pairs = [(out.data, ot.detach().numpy().transpose(0, 2, 3, 1)),
                 (xs.grad, xt.grad.numpy().transpose(0, 2, 3, 1)),
                 (ks.grad, kt.grad.numpy().transpose(2, 3, 1, 0)), (bs.grad, bt.grad.numpy())]
        for ours, theirs in pairs:
            assert ours.shape == theirs.shape
            np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)
            worst = max(worst, float(np.abs(ours - theirs).max()))
    assert worst < 1e-9


def test_torch_same_padding_matches_for_stride_one():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    for kh, kw in [(3, 3), (5, 3), (2, 2), (4, 1)]:       # even kernels pad unevenly
        x, k = rng.standard_normal((2, 9, 8, 3)), rng.standard_normal((kh, kw, 3, 2))
        ours = conv_ops.conv2d(x, k, None, padding="same").data
        theirs = torch.nn.functional.conv2d(torch.tensor(x.transpose(0, 3, 1, 2)),
                                            torch.tensor(k.transpose(3, 2, 0, 1).copy()), padding="same")
        np.testing.assert_allclose(ours, theirs.numpy().transpose(0, 2, 3, 1), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_equals_torch_forward_and_backward(kind):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    ours_fn = {"max": conv_ops.max_pool2d, "avg": conv_ops.avg_pool2d}[kind]
    theirs_fn = {"max": torch.nn.functional.max_pool2d, "avg": torch.nn.functional.avg_pool2d}[kind]
    for _ in range(30):
        k = tuple(int(v) for v in rng.integers(1, 4, 2))
        s = tuple(int(v) for v in rng.integers(1, 4, 2))
        n, c = int(rng.integers(1, 3)), int(rng.integers(1, 4))
        h, w = int(rng.integers(k[0], 10)), int(rng.integers(k[1], 10))
        x = rng.standard_normal((n, h, w, c))
        xs = tn.Tensor(x, requires_grad=True)
        out = ours_fn(xs, k, s)
        g = rng.standard_normal(out.shape)
        out.backward(g)
        xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
        ot = theirs_fn(xt, k, s)
        ot.backward(torch.tensor(g.transpose(0, 3, 1, 2)))
        np.testing.assert_allclose(out.data, ot.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(xs.grad, xt.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-9, atol=1e-9)


# ------------------------------------------------------------------ thread-invariance
@pytest.mark.slow
def test_conv_gives_the_same_bits_with_one_and_two_threads():
    """On tinynet's numba GEMM (the default backend) a conv layer's forward and
    backward do not depend on the thread count: im2col/col2im are serial copies and sums in
    a fixed order and the GEMM's summation order ignores the thread count."""
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import tinynet as tn
        from tinynet.conv_ops import conv2d
        rng = np.random.default_rng(3)
        x = tn.Tensor(rng.standard_normal((16, 14, 14, 8)).astype(np.float32), requires_grad=True)
        k = tn.Tensor(rng.standard_normal((3, 3, 8, 32)).astype(np.float32), requires_grad=True)
        out = conv2d(x, k, None, stride=1, padding="same")
        out.backward(np.cos(out.data))
        np.save(sys.argv[1], np.concatenate([out.data.ravel(), x.grad.ravel(), k.grad.ravel()]))
    """)
    results = [array_from_subprocess(code, NUMBA_NUM_THREADS=threads) for threads in ("1", "2")]
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.slow
def test_window_kernels_run_without_jit():
    """NUMBA_DISABLE_JIT=1: the numba window kernels (col2im, max pooling) run as plain Python
    and give the same numbers as the compiled ones."""
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import tinynet as tn
        from tinynet.conv_ops import conv2d, max_pool2d
        rng = np.random.default_rng(4)
        x = tn.Tensor(rng.standard_normal((2, 6, 5, 3)), requires_grad=True)
        k = tn.Tensor(rng.standard_normal((3, 2, 3, 4)), requires_grad=True)
        out = max_pool2d(conv2d(x, k, None, stride=(1, 2), padding=1), 2, 1)
        out.backward(np.cos(out.data))
        np.save(sys.argv[1], np.concatenate([out.data.ravel(), x.grad.ravel(), k.grad.ravel()]))
    """)
    results = [array_from_subprocess(code, NUMBA_DISABLE_JIT=disable) for disable in ("1", "0")]
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12, atol=1e-12)
