"""Where Windows keeps crash dumps and drivers, shared by the live and offline sources.

Both sources answer "what file does this Windows path name?" differently (the live one asks the file
system, the offline one resolves case-insensitively under a mounted root); the rules for which paths
to look at are the same and live here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from core.registry.model import CrashControl

Resolve = Callable[[str], Path | None]

DEFAULT_DUMP_FILE = r"%SystemRoot%\MEMORY.DMP"
DEFAULT_MINIDUMP_DIR = r"%SystemRoot%\Minidump"
DRIVERS_DIR = r"%SystemRoot%\System32\drivers"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def dump_candidates(resolve: Resolve, crash_control: CrashControl | None) -> list[Path]:
    """Dump files at the configured places and at the defaults (dumps written before the setting was
    changed stay where they were), newest first by modification time."""
    files = [DEFAULT_DUMP_FILE]
    folders = [DEFAULT_MINIDUMP_DIR]
    if crash_control is not None:
        files.insert(0, crash_control.dump_file)
        folders.insert(0, crash_control.minidump_dir)
    found: dict[str, Path] = {}
    for win_path in files:
        path = resolve(win_path)
        if path is not None and path.is_file():
            found.setdefault(os.path.realpath(path), path)
    for win_path in folders:
        folder = resolve(win_path)
        if folder is None or not folder.is_dir():
            continue
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue  # an unreadable Minidump folder: the scan reports the dumps it could list
        for entry in entries:
            if entry.suffix.lower() == ".dmp" and entry.is_file():
                found.setdefault(os.path.realpath(entry), entry)
    return sorted(found.values(), key=_mtime, reverse=True)


def driver_image_candidates(file_name: str, image_path: str | None) -> list[str]:
    """Windows paths to try for a service's driver file: its ImagePath in any of the forms found in
    real hives, then the drivers folder by file name."""
    out: list[str] = []
    if image_path:
        text = image_path.strip().strip('"')
        lowered = text.lower()
        if lowered.startswith(("system32\\", "system32/")):
            text = "%SystemRoot%\\" + text
        elif not (lowered.startswith(("\\", "%")) or (len(text) > 1 and text[1] == ":")):
            text = "%SystemRoot%\\System32\\drivers\\" + text  # a bare file name
        out.append(text)
    name = file_name or (image_path or "").replace("/", "\\").rsplit("\\", 1)[-1]
    if name:
        out.append(f"{DRIVERS_DIR}\\{name}")
    return out


class WindowsPathFiles:
    """For sources that hold a whole Windows volume (this computer, an offline folder): dumps and driver
    files are found where the registry says they are, through the source's own `resolve`."""

    def resolve(self, win_path: str) -> Path | None:
        raise NotImplementedError

    def dump_files(self, crash_control: CrashControl | None) -> list[Path]:
        return dump_candidates(self.resolve, crash_control)

    def driver_file(self, file_name: str, image_path: str | None = None) -> Path | None:
        for candidate in driver_image_candidates(file_name, image_path):
            path = self.resolve(candidate)
            if path is not None and path.is_file():
                return path
        return None
