"""tinynet.data: the data the lessons learn from, and the batches they learn in.

Stands apart from the rest of tinynet: numpy and the standard library only.

- ``idx``: the IDX file format of MNIST-style sets (``read_idx``, ``write_idx``).
- ``datasets``: ``load_fashion_mnist``, ``load_mnist`` -- found locally or downloaded and
  verified by SHA-256 (``download``).
- ``synthetic``: 2-D toy sets ``circles``, ``moons``, ``spirals``, ``xor``, ``blobs``.
- ``prepare``: ``prepare_images``, ``standardize``, ``one_hot``, ``train_test_split``.
- ``standardized``: ``load_standardized_fashion_mnist``, the lessons' MLP input (pixels
  standardized with the training images' mean and std).
- ``loader``: ``DataLoader``, shuffled mini-batches, reproducible per epoch.
"""
from .datasets import (
    DATASETS,
    FASHION_MNIST,
    MNIST,
    DataNotFoundError,
    cache_dir,
    download_files,
    load_dataset,
    load_fashion_mnist,
    load_mnist,
)
from .download import ChecksumError, DownloadError
from .idx import IdxFormatError, read_idx, write_idx
from .loader import DataLoader
from .prepare import one_hot, prepare_images, standardize, train_test_split
from .standardized import load_standardized_fashion_mnist
from .synthetic import blobs, circles, moons, spirals, xor

__all__ = [
    "load_fashion_mnist", "load_mnist", "load_dataset", "download_files", "cache_dir", "DATASETS",
    "FASHION_MNIST", "MNIST", "DataNotFoundError", "DownloadError", "ChecksumError",
    "read_idx", "write_idx", "IdxFormatError", "DataLoader",
    "prepare_images", "one_hot", "standardize", "train_test_split", "load_standardized_fashion_mnist",
    "circles", "moons", "spirals", "xor", "blobs",
]
