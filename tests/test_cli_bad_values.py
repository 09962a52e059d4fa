"""Values with no sane meaning are one line on stderr and exit code 2: negative or huge
seeds, sizes that cannot fit in memory (refused before anything is allocated, saying how
much they would need), a non-finite scheme parameter, the same scheme written twice."""
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow   # each case starts a Python process (about a second)

CASES = {
    "doctor negative seed": (["doctor", "--seed", "-1"], "--seed must be a whole number from 0 to 2**64 - 1"),
    "doctor seed 2**64": (["doctor", "--seed", str(2 ** 64)], "--seed must be a whole number from 0 to 2**64 - 1"),
    "doctor deep": (["doctor", "--depth", "100000000", "--width", "4"], "would need about"),
    "doctor wide": (["doctor", "--width", "1000000000"], "would need about"),
    "compare wide": (["compare", "--width", "1000000000"], "would need about"),
    "compare deep": (["compare", "--depth", "1000000000"], "would need about"),
    "compare endless": (["compare", "--steps", "100000000000"], "Choose fewer --steps or --epochs"),
    "constant:inf": (["compare", "--inits", "constant:inf"], "must be finite"),
    "random_normal:nan": (["compare", "--inits", "random_normal:nan"], "must be finite"),
    "twice": (["compare", "--inits", "he_normal,HE_NORMAL"], "names the same scheme twice"),
    "twice by value": (["compare", "--inits", "random_normal:1,random_normal:1.0"], "names the same scheme twice"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_value_is_one_line_and_exit_2(name, tmp_path):
    args, expected = CASES[name]
    if args[0] == "compare":
        args = [*args, "--out", str(tmp_path / "out")]
    # a 4 GB address-space cap: a check that failed to refuse would die here, not swap the machine
    done = subprocess.run([sys.executable, "-c",
                           "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)); "
                           "from tinynet.cli import main; sys.exit(main(sys.argv[1:]))", *args],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("tinynet: error: ") and expected in lines[0], lines[0]
    assert not (tmp_path / "out").exists()


def test_the_memory_estimate_says_how_much_and_what_is_available():
    from tinynet.lab import LabError, memory

    with pytest.raises(LabError, match=r"would need about 800\.0 TB of memory; this machine has 8\.0 GB available"):
        memory.check_mlp(2, 64, 10 ** 9, 3, 450, available=8 * 10 ** 9)
    assert memory.check_mlp(784, 64, 5, 10, 128, available=8 * 10 ** 9) < 10 ** 8   # the defaults fit easily


def test_a_deep_run_prints_no_warnings(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tinynet", "compare", "--depth", "60", "--width", "8",
                           "--inits", "random_normal:1,random_normal:0.01", "--steps", "3", "--seeds", "1",
                           "--quiet", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    done = subprocess.run([sys.executable, "-m", "tinynet", "doctor", "--init", "random_normal:1", "--depth", "80",
                           "--width", "64"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
