"""Where data sets are found: root=, $TINYNET_DATA, the user cache, the system directory."""
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from tinynet.data import DataNotFoundError, IdxFormatError, datasets, write_idx
from tinynet.data.download import Checksum


def make_set(directory, marker, n_train=4, n_test=2, gz=True):
    """Four tiny IDX files whose first train label is ``marker`` (tells the places apart)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    labels = np.full(n_train, marker, dtype=np.uint8)
    write_idx(directory / f"train-images{suffix}", np.zeros((n_train, 2, 2), np.uint8))
    write_idx(directory / f"train-labels{suffix}", labels)
    write_idx(directory / f"test-images{suffix}", np.zeros((n_test, 2, 2), np.uint8))
    write_idx(directory / f"test-labels{suffix}", np.zeros(n_test, np.uint8))
    return directory


@pytest.fixture
def places(tmp_path, monkeypatch):
    dirs = {name: tmp_path / name for name in ("root", "env", "cache", "system")}
    files = {role: (f"{role.replace('_', '-')}.gz", Checksum(content="0" * 64)) for role in datasets.ROLES}
    toy = datasets.RemoteDataset(name="toy", title="Toy", base_url="http://127.0.0.1:9/",
                                 files=files, system_dirs=(str(dirs["system"]),),
                                 apt_package="dataset-toy", image_shape=(2, 2))
    monkeypatch.setitem(datasets.DATASETS, "toy", toy)
    monkeypatch.setenv("TINYNET_DATA", str(dirs["env"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(dirs["cache"]))
    monkeypatch.delenv("TINYNET_DATA_URL", raising=False)
    return dirs


def first_label(**kwargs):
    (_, y), _ = datasets.load_dataset("toy", download=False, **kwargs)
    return int(y[0])


def test_search_order_root_env_cache_system(places):
    make_set(places["system"], 4)
    assert first_label() == 4
    make_set(places["cache"] / "tinynet" / "toy", 3)
    assert first_label() == 3
    make_set(places["env"] / "toy", 2)
    assert first_label() == 2
    make_set(places["root"], 1)
    assert first_label(root=places["root"]) == 1
    assert first_label() == 2  # root= only counts when given


def test_unpacked_files_are_found_too(places):
    make_set(places["system"], 7, gz=False)
    assert first_label() == 7


def test_incomplete_directory_is_skipped(places):
    make_set(places["system"], 4)
    partial = make_set(places["env"] / "toy", 2)
    os.remove(partial / "test-labels.gz")
    assert first_label() == 4


def test_cache_respects_xdg_and_defaults_to_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert datasets.cache_dir("mnist") == tmp_path / "xdg" / "tinynet" / "mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert datasets.cache_dir("mnist") == tmp_path / "home" / ".cache" / "tinynet" / "mnist"


def test_not_found_without_download_says_where_it_looked_and_how_to_fix(places):
    with pytest.raises(DataNotFoundError) as info:
        datasets.load_dataset("toy", root=places["root"], download=False)
    message = str(info.value)
    for label in ("root= argument", "$TINYNET_DATA", "user cache", "system directory"):
        assert label in message
    for where in (places["root"], places["env"] / "toy", places["cache"] / "tinynet" / "toy", places["system"]):
        assert str(where) in message
    for hint in ("download=True", "apt-get install dataset-toy", "TINYNET_DATA=DIR", "TINYNET_DATA_URL",
                 "http://127.0.0.1:9/"):
        assert hint in message
    assert isinstance(info.value, FileNotFoundError)


def test_image_and_label_count_mismatch(places):
    directory = make_set(places["system"], 1)
    write_idx(directory / "test-labels.gz", np.zeros(5, np.uint8))
    with pytest.raises(IdxFormatError, match=r"test split: 2 images in .*test-images.gz but 5 labels in .*test-labels.gz"):
        datasets.load_dataset("toy", download=False)


def test_wrong_image_shape_or_label_range(places):
    directory = make_set(places["system"], 1)
    write_idx(directory / "train-images.gz", np.zeros((4, 3, 3), np.uint8))
    with pytest.raises(IdxFormatError, match=r"expected uint8 images of shape \(N, 2, 2\), found uint8 \(4, 3, 3\)"):
        datasets.load_dataset("toy", download=False)
    make_set(places["system"], 12)
    with pytest.raises(IdxFormatError, match=r"label 12 is out of range 0..9"):
        datasets.load_dataset("toy", download=False)


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown data set 'cifar'; known: fashion-mnist, mnist"):
        datasets.load_dataset("cifar")


def test_fashion_mnist_content_checksums_match_the_system_copy():
    """The digests recorded in the code are those of the Debian package's arrays."""
    directory = Path(datasets.FASHION_MNIST.system_dirs[0])
    if datasets.files_in(datasets.FASHION_MNIST, directory) is None:
        pytest.skip(f"Fashion-MNIST is not installed in {directory} (apt-get install dataset-fashion-mnist)")
    from tinynet.data.download import sha256_of_content

    for filename, check in datasets.FASHION_MNIST.files.values():
        assert sha256_of_content(directory / filename) == check.content
    assert hashlib.sha256(b"").hexdigest() != datasets.FASHION_MNIST.files["train_images"][1].content
