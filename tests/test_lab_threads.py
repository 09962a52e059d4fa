"""tinynet's commands run BLAS on one thread, without overriding a user's own choice."""
import numpy as np

from tinynet.lab import threads


def test_command_environment_sets_one_blas_thread_unless_the_user_chose():
    env = threads.command_environment({"PATH": "/bin"})
    assert env["OPENBLAS_NUM_THREADS"] == "1" and env["PATH"] == "/bin"
    mine = {"OMP_NUM_THREADS": "4"}
    assert threads.command_environment(mine) == mine
    assert threads.command_environment(mine) is not mine


def test_single_blas_thread_restores_the_count():
    controls = threads._openblas_controls()
    np.ones((4, 4)) @ np.ones((4, 4))
    if controls is None:          # no OpenBLAS in this numpy: the block just runs
        with threads.single_blas_thread():
            pass
        return
    get, _ = controls
    before = get()
    with threads.single_blas_thread():
        assert get() == 1
    assert get() == before
