"""``python -m smarttune``: the CLI."""

from __future__ import annotations

from smarttune.cli import entry_point

entry_point()
