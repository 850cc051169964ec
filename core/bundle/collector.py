"""Save the collector (resources/collector: collect.cmd and README.txt) where the user wants it, e.g.
on a USB stick for a Windows 7 machine that cannot run Dump Doctor itself."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.errors import UsageError
from core.resources import resource_path

COLLECTOR_FILES = ("collect.cmd", "README.txt")


def collector_dir() -> Path:
    return resource_path("collector")


def save_collector(dest: Path) -> list[Path]:
    """Copy the collector files into `dest` (created if needed). Returns the files written.
    Raises UsageError when the folder cannot be created or written."""
    dest = Path(dest)
    written: list[Path] = []
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for name in COLLECTOR_FILES:
            target = dest / name
            # Byte-for-byte: cmd.exe needs the CRLF line endings the file was written with.
            shutil.copyfile(collector_dir() / name, target)
            written.append(target)
    except FileExistsError as exc:
        raise UsageError("a file with this name exists; choose a folder", path=dest) from exc
    except OSError as exc:
        raise UsageError(f"the collector could not be saved: {exc.strerror or exc}",
                         path=exc.filename or dest) from exc
    return written
