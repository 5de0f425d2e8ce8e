"""YAHPO Gym surrogate tasks: ``yahpo-<scenario>-<instance>`` (see :mod:`smarttune.yahpo`)."""

from __future__ import annotations

from smarttune.tasks.yahpo._catalog import yahpo_task_info
from smarttune.tasks.yahpo._task import YahpoTask

__all__ = ["YahpoTask", "yahpo_task_info"]
