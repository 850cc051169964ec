"""Locate the resources/ folder both from a source checkout and inside a PyInstaller bundle."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any


@cache
def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@cache
def load_json(*parts: str) -> Any:
    """Load a knowledge file from resources/ (cached: they are read-only data)."""
    with resource_path(*parts).open(encoding="utf-8") as fh:
        return json.load(fh)
