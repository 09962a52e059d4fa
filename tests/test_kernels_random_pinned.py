"""Pinned values of every random stream: a change to a sampler's arithmetic, the tile
layout or the Philox code cannot move a single bit without failing here.

The other tests check the laws (moments, tails) and the addressing contract, which a
change of method could keep while every weight of every lesson moves; these pin the
numbers themselves: the first values and a SHA-256 of a 10^5 draw per sampler and dtype,
draws above the serial/parallel threshold, far-tail intervals, and the initializers the
lessons use. If a change is meant to move the streams, it must say so and update them.
"""
import hashlib

import numpy as np
import pytest

from tinynet import init
from tinynet.kernels import random as tr


def sha(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]


# (sampler, dtype): (first three values of call 1 of stream (2024, 7), sha of its 10^5 values)
DRAWS = {
    ("uniform", "float32"): ([0.5696289539337158, 0.5732977986335754, 0.0015311837196350098], "871e543d72ee9443"),
    ("uniform", "float64"): ([0.5696289688932193, 0.5732978186058888, 0.0015311855319884993], "03c5ba0ea4d31718"),
    ("normal", "float32"): ([-0.0038563802372664213, 0.20047707855701447, 0.763311505317688], "0b45bda2390154c5"),
    ("normal", "float64"): ([0.3133974228853412, 0.05608358331253719, 0.29479766755451], "ea7eeb3a63a5fb39"),
    ("truncated_normal", "float32"): ([0.1673707515001297, 0.17627932131290436, -1.9736347198486328], "6425ea4d619aa7b0"),
    ("truncated_normal", "float64"): ([0.16737075445291114, 0.17627932624062337, -1.9736346899994226], "a5a29095f94880d5"),
}


@pytest.mark.parametrize("sampler, dtype", sorted(DRAWS))
def test_first_values_and_hash_of_a_draw_are_pinned(sampler, dtype):
    g = tr.Generator(2024, 7)
    g.uniform(3)                                 # call 0; call 1 is the pinned one
    a = getattr(g, sampler)(100_000, dtype=dtype)
    first, digest = DRAWS[sampler, dtype]
    assert a[:3].tolist() == first
    assert sha(a) == digest


@pytest.mark.parametrize("a, b, digest", [(0.5, 1.5, "0be7f25597447f73"),
                                          (5.0, np.inf, "d7f50b7b51c68acb"),
                                          (-38.2, -37.9, "991e2fe6e1e456ae")])   # subnormal Phi
def test_truncated_normal_intervals_are_pinned(a, b, digest):
    assert sha(tr.Generator(5).truncated_normal(100_000, a, b, dtype=np.float64)) == digest


def test_draws_above_the_serial_limit_are_pinned():
    # 1.1e6 float32 and 6e5 float64 values: more than SERIAL_MAX_TASKS tasks, the parallel build
    assert sha(tr.Generator(9).truncated_normal(1_100_000, dtype=np.float32)) == "703317a0fc579434"
    assert sha(tr.Generator(9).normal(600_000, dtype=np.float64)) == "ed2554c4baec7b6c"


INITS = {
    "he_normal": ("27b770a903e6c071", "74b57cc148a47796"),
    "he_uniform": ("14a71d4ce49429de", "d521d045a2e1e8e2"),
    "glorot_normal": ("76ba84572cc51177", "990160ab72021313"),
    "glorot_uniform": ("0ec078f86a50389d", "db4ec885c9058920"),
    "lecun_normal": ("219ffd4b732673ec", "ab12d062e227a481"),
    "lecun_uniform": ("321a28435e9bee3c", "401b87cdd3364f33"),
    "random_normal": ("b43075975e626627", "d7877d3fd03ba7b8"),
    "random_uniform": ("0fec9e8cbb3c5799", "c2653fe07f1ce2a1"),
    "truncated_normal": ("19ba39f313660a51", "05d9bd877c0bfdf2"),
    "orthogonal": ("05ec3055e2e4ea9c", "ccae8c1ff18363a6"),
}


@pytest.mark.parametrize("name", sorted(INITS))
@pytest.mark.parametrize("column, dtype", [(0, "float32"), (1, "float64")])
def test_initializer_weights_are_pinned(name, column, dtype):
    cls = type(init.get(name)).__name__
    w = init.get({"class_name": cls, "config": {"seed": 3}})((784, 256), dtype=dtype)
    assert sha(w) == INITS[name][column]
