"""Serial and parallel builds of the samplers: same bits, the documented choice, own cache files."""
import os

import numpy as np
import pytest

from tinynet.kernels import random as tr, samplers

DTYPES = [np.float32, np.float64]
FILLS = {"uniform": (tr.fill_uniform, {"low": -1.5, "high": 2.0}),
         "normal": (tr.fill_normal, {"mean": 0.5, "std": 3.0}),
         "truncated_normal": (tr.fill_truncated_normal, {"a": -2.0, "b": 2.0}),
         "truncated_far_tail": (tr.fill_truncated_normal, {"a": 4.0, "b": np.inf})}
BUILDS = ["_uniform_f32", "_uniform_f64", "_normal_f32", "_normal_f64",
          "_truncated_f32", "_truncated_f64"]
JIT = os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0")


def _per_task(dtype):
    return (8 if dtype == np.float32 else 4) * samplers.K * samplers.TILES_PER_TASK


def _fill(monkeypatch, sampler, dtype, n, offset, path):
    """``fill_*`` with the serial or the parallel build forced, whatever the size."""
    monkeypatch.setattr(samplers, "SERIAL_MAX_TASKS", 2**62 if path == "serial" else -1)
    fill, params = FILLS[sampler]
    out = np.full(n, np.nan, dtype)
    return fill(out, 21, 4, 3, offset=offset, **params)


def _sizes_around_threshold(dtype):
    """Sizes and offsets with ragged tile and task edges, spanning up to 8 tasks (the build is
    forced either way, so the sizes need not reach SERIAL_MAX_TASKS)."""
    limit = 4 * _per_task(dtype)
    tile = _per_task(dtype) // samplers.TILES_PER_TASK
    return [(0, 0), (1, 0), (100, 0), (tile + 1, 0), (limit - 1, 0), (limit, 0), (limit + 1, 0),
            (limit, tile - 3), (limit - tile, 5), (3, 2 * limit - 1)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sampler", list(FILLS))
def test_serial_and_parallel_builds_give_the_same_bits(monkeypatch, sampler, dtype):
    for n, offset in _sizes_around_threshold(dtype):
        serial = _fill(monkeypatch, sampler, dtype, n, offset, "serial")
        parallel = _fill(monkeypatch, sampler, dtype, n, offset, "parallel")
        assert not np.isnan(serial).any()
        # bit for bit: compare the raw bytes (NaN-safe, and -0.0 differs from 0.0)
        assert serial.tobytes() == parallel.tobytes(), (sampler, dtype, n, offset)


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_default_choice_is_the_documented_one(dtype):
    """Serial up to SERIAL_MAX_TASKS tasks of TILES_PER_TASK tiles, counted from the first tile."""
    builds = samplers._normal_f32 if dtype == np.float32 else samplers._normal_f64
    task, limit = _per_task(dtype), samplers.SERIAL_MAX_TASKS
    tile = task // samplers.TILES_PER_TASK
    pick = lambda n, offset=0: samplers.kernel(builds, np.empty(n, dtype), offset)
    assert limit >= 1
    for n in (0, 1, 100, task, limit * task):
        assert pick(n) is builds.serial
    assert pick(limit * task + 1) is builds.parallel
    assert pick(limit * task, offset=1) is builds.parallel          # one more tile spanned
    assert pick(limit * task - tile, offset=tile - 1) is builds.serial
    assert pick(2, offset=task - 1) is builds.serial                 # 2 tiles, 1 task


def test_every_sampler_has_both_builds_with_their_own_names():
    for name in BUILDS:
        builds = getattr(samplers, name)
        serial = getattr(builds.serial, "py_func", builds.serial)
        parallel = getattr(builds.parallel, "py_func", builds.parallel)
        assert serial.__qualname__ == name + "_serial"
        assert parallel.__qualname__ == name + "_parallel"
        assert serial.__code__ is parallel.__code__                  # one source, not a copy


@pytest.mark.skipif(not JIT, reason="no dispatchers (and no cache) without the JIT")
def test_serial_and_parallel_builds_have_distinct_cache_files():
    for name in BUILDS:
        builds = getattr(samplers, name)
        assert builds.serial.targetoptions.get("parallel") in (None, False)
        assert builds.parallel.targetoptions["parallel"]
        serial_file = builds.serial._cache._impl.filename_base
        parallel_file = builds.parallel._cache._impl.filename_base
        assert serial_file.startswith(f"samplers.{name}_serial-")
        assert parallel_file.startswith(f"samplers.{name}_parallel-")
