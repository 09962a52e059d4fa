"""DataLoader: every example once per epoch, reshuffled per epoch from the seed, drop_last."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinynet.data import DataLoader


def epoch_ids(loader):
    return [yb.copy() for _, yb in loader]


@settings(deadline=None, max_examples=60)
@given(n=st.integers(0, 60), batch=st.integers(1, 17), shuffle=st.booleans(), drop_last=st.booleans())
def test_every_example_once_per_epoch(n, batch, shuffle, drop_last):
    x = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n)
    loader = DataLoader(x, y, batch_size=batch, shuffle=shuffle, seed=3, drop_last=drop_last)
    expected_batches = n // batch if drop_last else math.ceil(n / batch)
    assert len(loader) == expected_batches
    for _ in range(2):
        batches = list(loader)
        assert len(batches) == expected_batches
        seen = np.concatenate([yb for _, yb in batches]) if batches else np.array([], int)
        for xb, yb in batches:
            assert np.array_equal(xb[:, 0], 2 * yb)  # rows stay paired with their labels
            assert len(yb) == batch or (not drop_last and yb is batches[-1][1])
        if drop_last:
            assert len(seen) == expected_batches * batch and len(np.unique(seen)) == len(seen)
        else:
            assert sorted(seen.tolist()) == list(range(n))
        if not shuffle:
            assert seen.tolist() == list(range(len(seen)))


def test_reshuffles_each_epoch_deterministically_from_the_seed():
    y = np.arange(100)
    a = DataLoader(y, y, batch_size=10, seed=5)
    b = DataLoader(y, y, batch_size=10, seed=5)
    a1, a2 = np.concatenate(epoch_ids(a)), np.concatenate(epoch_ids(a))
    b1, b2 = np.concatenate(epoch_ids(b)), np.concatenate(epoch_ids(b))
    assert np.array_equal(a1, b1) and np.array_equal(a2, b2)
    assert not np.array_equal(a1, a2)          # a new order each epoch
    assert not np.array_equal(a1, np.arange(100))
    c1 = np.concatenate(epoch_ids(DataLoader(y, y, batch_size=10, seed=6)))
    assert not np.array_equal(a1, c1)          # another seed, another order


def test_restarting_at_an_epoch_reproduces_its_batches():
    y = np.arange(50)
    run = DataLoader(y, y, batch_size=8, seed=1)
    for _ in range(3):
        list(run)
    fourth = epoch_ids(run)
    resumed = DataLoader(y, y, batch_size=8, seed=1)
    resumed.epoch = 3
    assert all(np.array_equal(p, q) for p, q in zip(fourth, epoch_ids(resumed)))


def test_drop_last_drops_only_the_short_batch():
    y = np.arange(10)
    sizes = [len(yb) for _, yb in DataLoader(y, y, batch_size=4, drop_last=True)]
    assert sizes == [4, 4]
    sizes = [len(yb) for _, yb in DataLoader(y, y, batch_size=4, drop_last=False)]
    assert sizes == [4, 4, 2]


def test_without_labels_yields_inputs_and_unshuffled_batches_are_views():
    x = np.arange(12.0).reshape(6, 2)
    batches = list(DataLoader(x, batch_size=4, shuffle=False))
    assert [b.shape for b in batches] == [(4, 2), (2, 2)]
    assert np.shares_memory(batches[0], x)


@pytest.mark.parametrize("kwargs, message", [
    ({"x": np.zeros((3, 2)), "y": np.zeros(4)}, "x has 3 examples but y has 4"),
    ({"x": np.zeros((3, 2)), "batch_size": 0}, "batch_size must be a positive integer, got 0"),
    ({"x": np.zeros((3, 2)), "batch_size": 2.5}, "batch_size must be a positive integer, got 2.5"),
])
def test_mistakes_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(**kwargs)
