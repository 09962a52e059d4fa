"""MNIST and Fashion-MNIST: where the files are looked for, how they are fetched and loaded.

Both sets are four IDX files (section ``idx``) with the same names, so each set lives in
its own directory. Files are looked for, in this order, in a directory that holds all four
(each either gzip-compressed ``*.gz`` or already unpacked):

1. ``root=`` given by the caller (also where a download goes, when given);
2. ``$TINYNET_DATA/<name>``;
3. the user cache, ``$XDG_CACHE_HOME/tinynet/<name>`` (default ``~/.cache/tinynet/<name>``);
4. the system directory of a distribution package, e.g. Debian's ``dataset-fashion-mnist``
   installs ``/usr/share/datasets/fashion-mnist``.

If none has them and ``download=True``, the files are fetched from the set's public URL
(``base_url=`` argument, else ``$TINYNET_DATA_URL``, else the URL recorded below) into the
cache, each verified against the SHA-256 recorded here before it is kept.

The arrays come back as Keras returns them: ``((x_train, y_train), (x_test, y_test))``,
images ``uint8 (N, 28, 28)`` with 0 = background, labels ``uint8 (N,)`` in 0..9.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .download import Checksum, fetch
from .idx import IdxFormatError, read_idx

ROLES = ("train_images", "train_labels", "test_images", "test_labels")


class DataNotFoundError(FileNotFoundError):
    """A data set is in none of the places searched, and downloading was not allowed."""


@dataclass(frozen=True)
class RemoteDataset:
    """Everything needed to find, fetch and check one IDX data set."""

    name: str
    title: str
    base_url: str
    files: dict  # role -> (file name, Checksum)
    system_dirs: tuple = ()
    apt_package: str | None = None
    classes: tuple = field(default=tuple(str(d) for d in range(10)))
    image_shape: tuple = (28, 28)


FASHION_MNIST = RemoteDataset(
    name="fashion-mnist",
    title="Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017, arXiv:1708.07747)",
    base_url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    # Content digests: SHA-256 of the unpacked IDX files, computed from Debian's
    # dataset-fashion-mnist. Debian's .gz files are recompressed (the published MD5 of the
    # original train-images archive is 8d4fb7e6c68d591d4c3dfef9ec88bf0d, Debian's differs),
    # so the archive digest of the original download is not recorded.
    files={
        "train_images": ("train-images-idx3-ubyte.gz", Checksum(
            content="c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888")),
        "train_labels": ("train-labels-idx1-ubyte.gz", Checksum(
            content="bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9")),
        "test_images": ("t10k-images-idx3-ubyte.gz", Checksum(
            content="5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b")),
        "test_labels": ("t10k-labels-idx1-ubyte.gz", Checksum(
            content="0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
    },
    system_dirs=("/usr/share/datasets/fashion-mnist",),
    apt_package="dataset-fashion-mnist",
    classes=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
)

MNIST = RemoteDataset(
    name="mnist",
    title="MNIST (LeCun, Cortes and Burges, 1998)",
    base_url="https://ossci-datasets.s3.amazonaws.com/mnist/",
    # Archive digests of the original .gz files, as published by several independent
    # projects; no local copy was available to recompute them.
    files={
        "train_images": ("train-images-idx3-ubyte.gz", Checksum(
            archive="440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609")),
        "train_labels": ("train-labels-idx1-ubyte.gz", Checksum(
            archive="3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c")),
        "test_images": ("t10k-images-idx3-ubyte.gz", Checksum(
            archive="8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6")),
        "test_labels": ("t10k-labels-idx1-ubyte.gz", Checksum(
            archive="f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")),
    },
)

DATASETS = {FASHION_MNIST.name: FASHION_MNIST, MNIST.name: MNIST}


def cache_dir(name):
    """The user cache directory for data set ``name`` (XDG base-directory rules)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return base / "tinynet" / name


def search_dirs(dataset, root=None):
    """``[(label, directory)]`` in the order they are searched."""
    places = []
    if root is not None:
        places.append(("root= argument", Path(root)))
    env = os.environ.get("TINYNET_DATA")
    if env:
        places.append(("$TINYNET_DATA", Path(env) / dataset.name))
    places.append(("user cache", cache_dir(dataset.name)))
    places.extend(("system directory", Path(d)) for d in dataset.system_dirs)
    return places


def files_in(dataset, directory):
    """``{role: path}`` if ``directory`` holds all four files (.gz or unpacked), else None."""
    found = {}
    for role, (filename, _) in dataset.files.items():
        for candidate in (directory / filename, directory / filename.removesuffix(".gz")):
            if candidate.is_file():
                found[role] = candidate
                break
        else:
            return None
    return found


def locate(dataset, root=None):
    """The files of the first complete directory in search order, or None."""
    for _, directory in search_dirs(dataset, root):
        found = files_in(dataset, directory)
        if found:
            return found
    return None


def _not_found_message(dataset, root):
    looked = "\n".join(f"  - {label}: {d}" for label, d in search_dirs(dataset, root))
    names = ", ".join(name for name, _ in dataset.files.values())
    ways = [f"  - call with download=True to fetch them from {dataset.base_url} into {cache_dir(dataset.name)}"]
    if dataset.apt_package:
        ways.append(f"  - on Debian/Ubuntu: sudo apt-get install {dataset.apt_package}")
    ways.append(f"  - put the four files in a directory and pass root=DIR, or set TINYNET_DATA=DIR "
                f"(files in DIR/{dataset.name})")
    ways.append("  - set TINYNET_DATA_URL to a mirror that serves the same files")
    return (f"{dataset.title}: the files {names} were found in none of these places:\n{looked}\n"
            "To get them:\n" + "\n".join(ways))


def download_files(dataset, directory=None, base_url=None, quiet=False):
    """Fetch the four files of ``dataset`` into ``directory`` (default: the cache).

    Files already there and verified are kept. In the cache a file that fails its checksum
    is replaced by a verified download; in a directory the caller chose it is an error.
    """
    own_cache = directory is None
    directory = Path(directory) if directory is not None else cache_dir(dataset.name)
    base = base_url or os.environ.get("TINYNET_DATA_URL") or dataset.base_url
    base = base if base.endswith("/") else base + "/"
    for filename, checksum in dataset.files.values():
        fetch(base + filename, directory / filename, checksum, quiet=quiet, replace_bad=own_cache)
    return files_in(dataset, directory)


def _check_pair(images, labels, paths, dataset, split):
    """Images (N, 28, 28) uint8 and labels (N,) uint8 in range, with the same N."""
    img_path, lab_path = paths
    if images.dtype.name != "uint8" or images.shape[1:] != dataset.image_shape:
        raise IdxFormatError(f"{img_path}: expected uint8 images of shape (N, {', '.join(map(str, dataset.image_shape))}), "
                             f"found {images.dtype} {images.shape}. Is this the right file?")
    if labels.dtype.name != "uint8" or labels.ndim != 1:
        raise IdxFormatError(f"{lab_path}: expected uint8 labels of shape (N,), found {labels.dtype} "
                             f"{labels.shape}. Is this the right file?")
    if len(images) != len(labels):
        raise IdxFormatError(f"{dataset.title} {split} split: {len(images)} images in {img_path} but "
                             f"{len(labels)} labels in {lab_path}; the two files must come from the same release.")
    if len(labels) and labels.max() >= len(dataset.classes):
        raise IdxFormatError(f"{lab_path}: label {labels.max()} is out of range 0..{len(dataset.classes) - 1}.")


def _read_all(found):
    """Read the four files, two at a time: zlib releases the GIL while it inflates, so the
    big train-images file and the three others decompress on two cores side by side."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {role: pool.submit(read_idx, path) for role, path in found.items()}
        return {role: future.result() for role, future in futures.items()}


def load_dataset(name, root=None, download=True, base_url=None, quiet=False):
    """Load an IDX data set by name (``"fashion-mnist"`` or ``"mnist"``); see the module doc."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}.")
    dataset = DATASETS[name]
    found = locate(dataset, root)
    if found is None:
        if not download:
            raise DataNotFoundError(_not_found_message(dataset, root))
        found = download_files(dataset, root, base_url=base_url, quiet=quiet)
    arrays = _read_all(found)
    _check_pair(arrays["train_images"], arrays["train_labels"],
                (found["train_images"], found["train_labels"]), dataset, "train")
    _check_pair(arrays["test_images"], arrays["test_labels"],
                (found["test_images"], found["test_labels"]), dataset, "test")
    return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])


def load_fashion_mnist(root=None, download=True, base_url=None, quiet=False):
    """Fashion-MNIST: 60000 train and 10000 test 28x28 grey images of 10 kinds of clothing.

    Returns ``((x_train, y_train), (x_test, y_test))``: uint8 ``(N, 28, 28)`` and ``(N,)``.
    A drop-in replacement for MNIST that is harder to fit (a linear model gets ~84 %, not
    ~92 %), which is why the lessons use it. Class names: ``FASHION_MNIST.classes``.
    """
    return load_dataset("fashion-mnist", root, download, base_url, quiet)


def load_mnist(root=None, download=True, base_url=None, quiet=False):
    """MNIST handwritten digits: 60000 train and 10000 test 28x28 grey images, labels 0-9.

    Returns ``((x_train, y_train), (x_test, y_test))``: uint8 ``(N, 28, 28)`` and ``(N,)``.
    """
    return load_dataset("mnist", root, download, base_url, quiet)
