"""Datasets for smarttune's built-in workloads: verified files, a data directory, downloads.

File-backed loaders read the original published files from a data directory, chosen in this
order: the ``data_dir`` argument, the environment variable ``SMARTTUNE_DATA_DIR``, then
``$XDG_CACHE_HOME/smarttune/datasets`` (``~/.cache/smarttune/datasets``). Inside it::

    mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
    fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
    california-housing/housing.csv

Every file's SHA-256 is checked against its published value on load (once per process while
the file is unchanged). A missing file is downloaded from its official URL unless
``download=False`` or ``SMARTTUNE_OFFLINE=1``; otherwise :class:`~smarttune.exceptions.DataError`
says where to get it. :func:`load_mnist_subset` needs neither a directory nor a network: a
stratified 6,000 + 1,000 image MNIST subset ships inside the package.

Errors: :class:`~smarttune.exceptions.DataError` (missing or malformed file) and its subclass
:class:`~smarttune.exceptions.ChecksumError` (wrong SHA-256).
"""

from __future__ import annotations

from smarttune.datasets._bundle import load_mnist_subset, load_mnist_subset_indices
from smarttune.datasets._dataset import Dataset
from smarttune.datasets._files import get_data_dir
from smarttune.datasets._housing import OCEAN_PROXIMITY_CATEGORIES, load_california_housing
from smarttune.datasets._mnist import FASHION_MNIST_CLASSES, load_fashion_mnist, load_mnist
from smarttune.datasets._sklearn import SKLEARN_DATASETS, load_sklearn, make_synthetic

__all__ = [
    "Dataset",
    "FASHION_MNIST_CLASSES",
    "OCEAN_PROXIMITY_CATEGORIES",
    "SKLEARN_DATASETS",
    "get_data_dir",
    "load_california_housing",
    "load_fashion_mnist",
    "load_mnist",
    "load_mnist_subset",
    "load_mnist_subset_indices",
    "load_sklearn",
    "make_synthetic",
]
