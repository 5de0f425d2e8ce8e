"""The registry of dataset files: where each lives in the data directory, its digest, its URLs.

The SHA-256 digests and sizes are the published values of the original files (the same ones
torchvision, TensorFlow Datasets and the Fashion-MNIST README list). A loader names a file by
its key, which is also its path relative to the data directory, e.g.
``"mnist/t10k-labels-idx1-ubyte.gz"``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FILES", "RemoteFile"]

_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
_FASHION_MNIST_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
_HOUSING_URL = (
    "https://raw.githubusercontent.com/ageron/handson-ml2/master/datasets/housing/housing.csv"
)


@dataclass(frozen=True)
class RemoteFile:
    """One published dataset file.

    Attributes:
        key: The file's path relative to the data directory (``"<dataset>/<file name>"``).
        sha256: The published SHA-256 digest, lower-case hex.
        size: The file's size in bytes.
        urls: Where to download it, tried in order (mirrors of one another).
    """

    key: str
    sha256: str
    size: int
    urls: tuple[str, ...]


def _mirrored(
    dataset: str, name: str, sha256: str, size: int, mirrors: tuple[str, ...]
) -> RemoteFile:
    return RemoteFile(f"{dataset}/{name}", sha256, size, tuple(m + name for m in mirrors))


_TABLE = [
    # dataset, file name, sha256, bytes
    ("mnist", "train-images-idx3-ubyte.gz",
     "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9_912_422),
    ("mnist", "train-labels-idx1-ubyte.gz",
     "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28_881),
    ("mnist", "t10k-images-idx3-ubyte.gz",
     "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1_648_877),
    ("mnist", "t10k-labels-idx1-ubyte.gz",
     "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4_542),
    ("fashion-mnist", "train-images-idx3-ubyte.gz",
     "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880),
    ("fashion-mnist", "train-labels-idx1-ubyte.gz",
     "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515),
    ("fashion-mnist", "t10k-images-idx3-ubyte.gz",
     "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102),
    ("fashion-mnist", "t10k-labels-idx1-ubyte.gz",
     "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148),
]  # fmt: skip

#: Every file smarttune can load, by key. Tests replace entries to point at a local server.
FILES: dict[str, RemoteFile] = {
    f"{dataset}/{name}": _mirrored(
        dataset,
        name,
        sha256,
        size,
        _MNIST_MIRRORS if dataset == "mnist" else _FASHION_MNIST_MIRRORS,
    )
    for dataset, name, sha256, size in _TABLE
}
FILES["california-housing/housing.csv"] = RemoteFile(
    "california-housing/housing.csv",
    "8a3727f4cf54ac1a327f69b1d5b4db54c5834ea81c6e4efc0d163300022a685e",
    1_423_529,
    (_HOUSING_URL,),
)
