"""Evidence sources: this computer, an offline Windows folder, or a support bundle.

`open_source` decides which from what the user pointed at; everything downstream sees the same
EvidenceSource interface and never knows where evidence came from.
"""

from __future__ import annotations

import sys
from pathlib import Path

from core.errors import DumpDoctorError, UsageError
from core.safefs import open_regular
from core.sources.base import EventInput, EvidenceSource, RegistryHives
from core.sources.bundle import folder_bundle, loose_bundle, zip_bundle
from core.sources.identify import is_zip
from core.sources.offline import OfflineSource, find_windows_dir

NOT_WINDOWS = ("This computer is not Windows. Point Dump Doctor at evidence: a mounted Windows folder, "
               "a support bundle (.zip or folder), or dump/hive/.evtx/.reg files.")

__all__ = ["NOT_WINDOWS", "EventInput", "EvidenceSource", "RegistryHives", "open_source"]


def _is_zip(path: Path) -> bool:
    if path.suffix.lower() == ".zip":
        return True
    try:
        with open_regular(path) as fh:  # a pipe or device is not opened: the loose-file reader says what
            return is_zip(fh.read(4))
    except (OSError, DumpDoctorError):
        return False


def _open_path(path: Path) -> EvidenceSource:
    if path.is_dir():
        if find_windows_dir(path) is not None:
            return OfflineSource(path)
        return folder_bundle(path)
    if _is_zip(path):
        return zip_bundle(path)
    return loose_bundle([path])


def open_source(spec: str | Path | list[Path] | list[str] | None) -> EvidenceSource:
    """None: this computer; a folder: an offline Windows root or a bundle folder; a .zip: a bundle;
    files: loose evidence. Raises UsageError for what cannot work (missing paths, mixing folders with
    files, this computer when it is not Windows)."""
    if spec is None or (isinstance(spec, list) and not spec):
        if sys.platform != "win32":
            raise UsageError(NOT_WINDOWS)
        # Imported here: the live source is Windows-only code that other commands never need.
        from core.sources.live import LiveSource

        return LiveSource()
    paths = [Path(p) for p in spec] if isinstance(spec, list) else [Path(spec)]
    absent = [p for p in paths if not p.exists()]
    if absent:
        raise UsageError(f"{absent[0]}: no such file or folder")
    if len(paths) == 1:
        return _open_path(paths[0])
    if any(p.is_dir() for p in paths) or any(_is_zip(p) for p in paths):
        raise UsageError("give one folder or one zip, or any number of evidence files — not a mix")
    return loose_bundle(paths)
