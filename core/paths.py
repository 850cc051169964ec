"""Case-insensitive path lookup: Windows paths found on case-sensitive file systems (a mounted NTFS
volume or a copied Windows folder on Linux, where `system32` and `System32` are different names)."""

from __future__ import annotations

import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path

_SEP = re.compile(r"[\\/]+")


def split_windows_path(path: str) -> list[str]:
    """Split a Windows-style relative path into parts (either slash, no empty parts)."""
    return [p for p in _SEP.split(path) if p and p != "."]


# Folders already listed, by path: (the folder's mtime when listed, folded name -> real name). A scan
# looks up thousands of driver names in one System32\drivers; listing it again for every name that
# differs in case made the lookup quadratic (issue 18: 6,400 drivers took 46 s instead of 11 s).
_MAX_INDEXED_FOLDERS = 512
_folder_index: OrderedDict[str, tuple[int, dict[str, str]]] = OrderedDict()
_index_lock = threading.Lock()
_QUIET_NS = 100_000_000  # 0.1 s: well above any file system's timestamp granularity


def _names_of(folder: Path) -> dict[str, str] | None:
    """The folder's entries by folded name, listed once while the folder is unchanged."""
    key = os.fspath(folder)
    try:
        mtime = folder.stat().st_mtime_ns
    except OSError:
        return None
    listed_at = time.time_ns()
    with _index_lock:
        cached = _folder_index.get(key)
        if cached is not None and cached[0] == mtime:
            _folder_index.move_to_end(key)
            return cached[1]
    names: dict[str, str] = {}
    try:
        with os.scandir(key) as entries:
            for entry in entries:
                names.setdefault(entry.name.casefold(), entry.name)
    except OSError:
        return None
    if listed_at - mtime < _QUIET_NS:
        # Changed moments ago: a change within the same file-system clock tick would keep the same
        # mtime, so a listing taken now is not trusted later (evidence folders are quiet; a folder
        # being filled, as in tests, is listed afresh).
        return names
    with _index_lock:
        _folder_index[key] = (mtime, names)
        while len(_folder_index) > _MAX_INDEXED_FOLDERS:
            _folder_index.popitem(last=False)
    return names


def find_child(folder: Path, name: str) -> Path | None:
    """The entry of `folder` called `name`, ignoring case. Exact match wins over case-folded."""
    exact = folder / name
    if exact.exists():
        return exact
    names = _names_of(folder)
    if names is None:
        return None
    real = names.get(name.casefold())
    return None if real is None else folder / real


def resolve_ci(root: Path, relative: str) -> Path | None:
    """Resolve a Windows-style relative path under `root`, matching every part case-insensitively."""
    current = root
    for part in split_windows_path(relative):
        if part == "..":
            return None  # never leave the root we were given
        found = find_child(current, part)
        if found is None:
            return None
        current = found
    return current


def expand_system_root(path: str, system_root: str = r"C:\Windows") -> str:
    """Expand %SystemRoot% / \\SystemRoot\\ / %windir% the way Windows does for registry paths."""
    text = re.sub(r"%(SystemRoot|windir)%", lambda _m: system_root, path, flags=re.IGNORECASE)
    return re.sub(r"^\\SystemRoot\\", lambda _m: system_root + "\\", text, flags=re.IGNORECASE)


def windows_to_root_relative(path: str, system_root: str = r"C:\Windows") -> str | None:
    """Map an absolute Windows path (C:\\Windows\\MEMORY.DMP, %SystemRoot%\\Minidump, \\??\\C:\\x,
    system32\\drivers\\x.sys) to a path relative to the volume root; None if it is on another drive
    letter than the system root's."""
    text = expand_system_root(path.strip().strip('"'), system_root)
    text = re.sub(r"^\\(\?\?|\\\?)\\", "", text)
    drive = system_root[:2].upper()
    if re.match(r"^[A-Za-z]:", text):
        if text[:2].upper() != drive:
            return None
        return text[2:].lstrip("\\/")
    if text.lower().startswith(("system32\\", "system32/", "syswow64\\")):
        return system_root[3:] + "\\" + text  # relative to the Windows folder
    return text.lstrip("\\/")
