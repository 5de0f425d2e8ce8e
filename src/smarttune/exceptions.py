"""The errors smarttune raises.

Every error smarttune raises on purpose derives from :class:`SmartTuneError`, so a caller
can catch everything of ours with one ``except`` clause::

    SmartTuneError
    ├── InvalidParameterError      (also a ValueError)  a value outside its allowed set
    │   └── MultiObjectiveError                         several objectives, one-objective sampler
    ├── UnknownNameError           (also a KeyError)    a sampler, pruner or task name
    ├── ObjectiveLoadError                              OBJECTIVE spec that cannot be loaded
    ├── StorageError                                    a storage URL or study that cannot be used
    ├── MissingDependencyError     (also an ImportError) an optional extra is not installed
    ├── DataError                                       a dataset file missing or corrupt
    │   └── ChecksumError                               a file whose SHA-256 does not match
    └── TrialValueError            (also a ValueError)  an objective returned NaN or inf

Errors caused by the user's input (everything above but unexpected internal failures) are
reported by the CLI as one line on standard error with exit status 2.
"""

from __future__ import annotations

__all__ = [
    "ChecksumError",
    "DataError",
    "InvalidParameterError",
    "MissingDependencyError",
    "MultiObjectiveError",
    "ObjectiveLoadError",
    "SmartTuneError",
    "StorageError",
    "TrialValueError",
    "UnknownNameError",
]


class SmartTuneError(Exception):
    """The root of every error smarttune raises on purpose."""


class InvalidParameterError(SmartTuneError, ValueError):
    """A parameter's value is outside the set its constraint allows."""


class MultiObjectiveError(InvalidParameterError):
    """A single-objective sampler was given a multi-objective study."""


class UnknownNameError(SmartTuneError, KeyError):
    """A name (sampler, pruner, task, …) is not one smarttune knows."""

    def __str__(self) -> str:
        # KeyError quotes its argument; we want the message as written.
        return str(self.args[0]) if self.args else ""


class ObjectiveLoadError(SmartTuneError):
    """An objective given as ``module:function`` or ``path.py:function`` cannot be loaded."""


class StorageError(SmartTuneError):
    """A storage URL cannot be opened, or a study is absent from it."""


class MissingDependencyError(SmartTuneError, ImportError):
    """An optional dependency is needed but not installed; the message says how to install it."""


class DataError(SmartTuneError):
    """A dataset file is missing and cannot be downloaded, or cannot be parsed."""


class ChecksumError(DataError):
    """A dataset file's SHA-256 digest does not match the published one."""


class TrialValueError(SmartTuneError, ValueError):
    """An objective returned a value that is not a finite number."""
