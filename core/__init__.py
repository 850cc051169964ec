"""Dump Doctor's core: readers, evidence model, diagnosis, reports, CLI. Never imports Qt."""

from core.version import __version__

__all__ = ["__version__"]
