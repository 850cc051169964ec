"""Kernel crash dump files: detect them by content, read their header and small-dump driver lists,
and find them on a Windows volume. See docs/architecture.md for the contract."""

from __future__ import annotations

from core.dumps import bugchecks
from core.dumps.bugchecks import BugCheckInfo, lookup
from core.dumps.detect import detect
from core.dumps.locate import find_dumps
from core.dumps.reader import read_dump, read_dump_stream

__all__ = ["BugCheckInfo", "bugchecks", "detect", "find_dumps", "lookup", "read_dump", "read_dump_stream"]
