"""Case-insensitive path lookup: Windows paths found on case-sensitive file systems (a mounted NTFS
volume or a copied Windows folder on Linux, where `system32` and `System32` are different names)."""

from __future__ import annotations

import os
import re
from pathlib import Path

_SEP = re.compile(r"[\\/]+")


def split_windows_path(path: str) -> list[str]:
    """Split a Windows-style relative path into parts (either slash, no empty parts)."""
    return [p for p in _SEP.split(path) if p and p != "."]


def find_child(folder: Path, name: str) -> Path | None:
    """The entry of `folder` called `name`, ignoring case. Exact match wins over case-folded."""
    exact = folder / name
    if exact.exists():
        return exact
    wanted = name.casefold()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.casefold() == wanted:
                    return folder / entry.name
    except OSError:
        return None
    return None


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
