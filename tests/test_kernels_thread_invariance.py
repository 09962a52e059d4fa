"""Training gives the same bits on one thread and on two (the claim of tinynet.kernels).

A 200-step Fashion-MNIST training (784-256-128-10 ReLU, batch 128, SGD with momentum,
float32, the default backend) runs in two fresh processes, one with every thread pool
at one thread and one at two; the loss of every step and the final weights must be equal
bit for bit. Any thread-dependent summation on the training path (a BLAS call, a parallel
reduction) would show up here as a difference in the last bits within a few steps.
"""
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest

from tinynet.kernels.pool import usable_cpus
from tinynet.lesson_tests import NO_FASHION_MNIST, have_fashion_mnist

TRAIN = textwrap.dedent("""
    import sys
    import numpy as np
    import numba
    import tinynet as tn
    from tinynet import data, kernels, nn, optim
    from tinynet.kernels import gemm_team

    assert kernels.backend() == "numba"
    if sys.argv[2] == "shared":      # every product through the pool, however small
        kernels.numba_backend.PARALLEL_MIN_MACS = 0
    (x, y), _ = data.load_fashion_mnist(download=False, quiet=True)
    x = data.prepare_images(x)
    tn.manual_seed(0)
    model = nn.Sequential(nn.Dense(784, 256, activation="relu", kernel_initializer="he_normal"),
                          nn.Dense(256, 128, activation="relu", kernel_initializer="he_normal"),
                          nn.Dense(128, 10))
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    order = np.random.default_rng(0).permutation(len(x))
    losses = []
    for step in range(200):
        idx = order[step * 128:(step + 1) * 128]
        loss = nn.functional.cross_entropy(model(tn.Tensor(x[idx])), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data)
    weights = [p.data for p in model.parameters()]
    np.savez(sys.argv[1], losses=np.array(losses), threads=numba.get_num_threads(),
             helped=gemm_team.blocks_helped(), *weights)
""")


def train_with_threads(threads, folder, paths="default"):
    path = os.path.join(folder, f"run{threads}{paths}.npz")
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               OMP_NUM_THREADS=str(threads))
    proc = subprocess.run([sys.executable, "-c", TRAIN, path, paths], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    with np.load(path) as run:
        return {name: run[name] for name in run.files}


@pytest.mark.slow
@pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)
def test_fashion_mnist_training_is_bit_identical_on_one_and_two_threads():
    """One thread; two threads (the hidden layers' products shared, the output layer's
    below matmul.PARALLEL_MIN_MACS and serial); two threads with every product shared."""
    with tempfile.TemporaryDirectory() as folder:
        one = train_with_threads(1, folder)
        two = train_with_threads(2, folder)
        shared = train_with_threads(2, folder, "shared")
    assert int(one.pop("threads")) == 1 and int(two.pop("threads")) == 2
    assert int(shared.pop("threads")) == 2
    assert int(one.pop("helped")) == 0
    two_helped, shared_helped = int(two.pop("helped")), int(shared.pop("helped"))
    if usable_cpus() >= 2:   # on one CPU the pool has one thread and nothing is shared
        assert two_helped > 0 and shared_helped > 0
    assert one["losses"].shape == (200,) and np.isfinite(one["losses"]).all()
    assert one["losses"][-20:].mean() < one["losses"][:20].mean()   # it did learn
    for other in (two, shared):
        np.testing.assert_array_equal(one["losses"], other["losses"])
    one.pop("losses")
    assert len(one) == 6   # kernel and bias of three layers
    for name in one:
        assert one[name].dtype == np.float32
        np.testing.assert_array_equal(one[name], two[name], err_msg=name)
        np.testing.assert_array_equal(one[name], shared[name], err_msg=name)
