"""Checkpoints: a file that is not one says so in one line naming the path; a save never
leaves a temporary file behind, even when killed by SIGTERM; every output gets one mode."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tinynet as tn
from tinynet import checkpoint, nn


def _model():
    return nn.Sequential(nn.Dense(3, 4, activation="relu"), nn.Dense(4, 2))


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.npz"
    tn.save(_model(), path)
    return path


def _bad_files(tmp_path, good):
    data = good.read_bytes()
    files = {
        "truncated": data[: len(data) // 2],
        "empty": b"",
        "junk": b"this is not an archive\n" * 20,
    }
    for name, content in files.items():
        (tmp_path / f"{name}.npz").write_bytes(content)
    np.save(tmp_path / "array.npy", np.ones(3))
    np.savez(tmp_path / "pickled.npz", **{"0.kernel": np.array([object()], dtype=object)})
    state = _model().state_dict()
    first = next(iter(state))
    np.savez(tmp_path / "complex.npz", **{**state, first: state[first].astype(np.complex128)})
    np.savez(tmp_path / "text.npz", **{**state, first: np.full(state[first].shape, "a")})
    return {
        "truncated.npz": "truncated",
        "empty.npz": "empty",
        "junk.npz": "not an .npz archive: it starts with",
        "array.npy": "single .npy array",
        "pickled.npz": "pickled",
        "complex.npz": "complex128",
        "text.npz": "<U1",
    }


def test_a_file_that_is_not_a_checkpoint_is_one_line_naming_it(tmp_path, good):
    for name, why in _bad_files(tmp_path, good).items():
        path = tmp_path / name
        with pytest.raises(checkpoint.CheckpointError) as info:
            tn.load(_model(), path)
        message = str(info.value)
        assert message.startswith(f"{path} is not a tinynet checkpoint (") and why in message, message
        assert "\n" not in message


def test_complex_and_text_arrays_are_refused_not_cast(tmp_path, good):
    _bad_files(tmp_path, good)
    model = _model()
    before = [p.data.copy() for p in model.parameters()]
    for name in ("complex.npz", "text.npz"):
        with pytest.raises(checkpoint.CheckpointError):
            tn.load(model, tmp_path / name)
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.data, b)      # nothing was loaded


def test_saving_into_a_missing_folder_names_the_target(tmp_path):
    target = tmp_path / "no-such-folder" / "model.npz"
    with pytest.raises(FileNotFoundError) as info:
        tn.save(_model(), target)
    assert str(target) in str(info.value) and ".tinynet-" not in str(info.value)


def test_every_output_gets_the_mode_a_plain_open_gives(tmp_path):
    from tinynet import atomic, plot

    old = os.umask(0o022)
    try:
        tn.save(_model(), tmp_path / "m.npz")
        atomic.write_text(tmp_path / "t.txt", "x")
        import matplotlib.pyplot as plt

        plot.save(plt.figure(), tmp_path / "f.png")
        with open(tmp_path / "plain", "w"):
            pass
    finally:
        os.umask(old)
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in tmp_path.iterdir()}
    assert set(modes.values()) == {"0o644"}, modes


SAVE_AND_WAIT = textwrap.dedent("""
    import sys, time
    import numpy as np
    import tinynet as tn
    from tinynet import nn
    original = np.savez
    def slow_savez(f, **arrays):      # the whole checkpoint is written; the rename has not happened
        original(f, **arrays)
        f.flush()
        print("PAUSE", flush=True)
        time.sleep(10)
    np.savez = slow_savez
    tn.save(nn.Sequential(nn.Dense(3, 4), nn.Dense(4, 2)), sys.argv[1])
""")


@pytest.mark.slow
def test_sigterm_in_the_middle_of_a_save_leaves_the_old_file_and_no_temporary(tmp_path, good):
    before = good.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", SAVE_AND_WAIT, str(good)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "PAUSE"
    assert any(n.startswith(".tinynet-") for n in os.listdir(tmp_path))   # the temporary file exists now
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in err
    assert os.listdir(tmp_path) == ["good.npz"] and good.read_bytes() == before
