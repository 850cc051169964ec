"""The scan skips walking its evidence through `public_text` / `display_path` for sources that say
they never rename files (issue 18). A source that renames without saying so would leak private paths
(a zip member's temporary copy) into reports: every source that overrides either method must say so."""

from __future__ import annotations

import importlib
import pkgutil

import core.sources
from core.sources.base import EvidenceSource


def _all_subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_all_subclasses(sub)]
    return out


def test_every_source_that_renames_files_says_so() -> None:
    for info in pkgutil.iter_modules(core.sources.__path__):
        if info.name != "live_win":  # Windows-only (ctypes.windll); it defines no source class
            importlib.import_module(f"core.sources.{info.name}")
    sources = _all_subclasses(EvidenceSource)
    assert {c.__name__ for c in sources} >= {"BundleSource", "OfflineSource", "LiveSource"}
    for cls in sources:
        overrides = any(name in vars(cls) for name in ("display_path", "public_text"))
        if overrides:
            assert cls.renames_files, f"{cls.__name__} renames files but its renames_files is False"
    assert not EvidenceSource.renames_files
