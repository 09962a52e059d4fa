"""End to end: the data pipeline feeds a real network to the accuracy the lessons promise.

784-256-128-10 ReLU MLP, He-normal kernels, plain SGD with momentum, batch 128, three
epochs of Fashion-MNIST scaled to [0, 1] from ``DataLoader``: test accuracy >= 0.85
(published MLP baselines on Fashion-MNIST reach 0.87-0.89).
"""
import numpy as np
import pytest

import tinynet as tn
from tinynet import data, nn, optim
from tinynet.data import datasets

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        datasets.locate(datasets.FASHION_MNIST) is None,
        reason="Fashion-MNIST files absent; install with: apt-get install dataset-fashion-mnist",
    ),
]


def test_three_epochs_reach_85_percent():
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist(download=False)
    x_train, x_test = data.prepare_images(x_train), data.prepare_images(x_test)
    y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)

    tn.manual_seed(0)
    model = nn.Sequential(
        nn.Dense(784, 256, activation="relu", kernel_initializer="he_normal"),
        nn.Dense(256, 128, activation="relu", kernel_initializer="he_normal"),
        nn.Dense(128, 10, kernel_initializer="he_normal"),
    )
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loader = data.DataLoader(x_train, y_train, batch_size=128, shuffle=True, seed=0)
    for _ in range(3):
        for xb, yb in loader:
            loss = nn.functional.cross_entropy(model(tn.Tensor(xb)), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

    with tn.no_grad():
        logits = model(tn.Tensor(x_test)).data
    accuracy = float((logits.argmax(axis=1) == y_test).mean())
    assert np.isfinite(float(loss.data))
    assert accuracy >= 0.85, f"test accuracy {accuracy:.4f} after 3 epochs"
