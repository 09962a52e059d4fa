"""The lab on real data: the principled schemes beat zeros, constant and sigma = 0.01 on
Fashion-MNIST (reduced from the README's ``--depth 3 --width 256 --epochs 1`` to one seed
and 150 steps so that it fits in CI)."""
import pytest

from tinynet.lab import CompareConfig, compare
from tinynet.lesson_tests import NO_FASHION_MNIST, have_fashion_mnist

pytestmark = pytest.mark.slow

GOOD = ["he_normal", "glorot_uniform", "orthogonal", "lsuv"]
BAD = ["zeros", "constant:0.5", "random_normal:0.01"]


@pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)
def test_principled_schemes_rank_above_failed_ones():
    result = compare(CompareConfig(dataset="fashion-mnist", depth=3, width=256, steps=150, seeds=1,
                                   inits=BAD + GOOD), progress=False, write=False)
    acc = {label: s["test_accuracy"]["mean"] for label, s in result.summaries.items()}
    assert min(acc[g] for g in GOOD) > max(acc[b] for b in BAD), acc
    assert min(acc[g] for g in GOOD) > 0.75
    assert acc["zeros"] == pytest.approx(0.1, abs=0.02) and acc["constant:0.5"] == pytest.approx(0.1, abs=0.02)
    verdicts = {label: s["verdict"] for label, s in result.summaries.items()}
    assert verdicts["zeros"] == "stalls" and verdicts["constant:0.5"] == "symmetric"
    assert verdicts["random_normal:0.01"] == "vanishes"
    assert all(verdicts[g] == "converges" for g in GOOD)
