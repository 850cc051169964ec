"""Find the crash dump files of an offline Windows volume, as its CrashControl settings place them."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from core.paths import resolve_ci, windows_to_root_relative
from core.registry.model import CrashControl

log = logging.getLogger(__name__)

SYSTEM_ROOT = r"C:\Windows"
LIVE_KERNEL_REPORTS = r"Windows\LiveKernelReports"
MAX_FILES = 10_000  # a runaway folder must not stall the scan


def find_dumps(root: Path, crash_control: CrashControl | None = None) -> list[Path]:
    """Dump files under the volume root `root`, newest first: the DumpFile (and DedicatedDumpFile),
    MinidumpDir\\*.dmp and Windows\\LiveKernelReports\\**\\*.dmp. Names match case-insensitively."""
    control = crash_control or CrashControl()
    found: dict[Path, float] = {}

    def add(path: Path) -> None:
        try:
            if path.is_file():
                found.setdefault(path, path.stat().st_mtime)
        except OSError as exc:  # unreadable entry: tell the log, keep looking
            log.warning("%s: could not be examined: %s", path, exc)

    for setting in (control.dump_file, control.dedicated_dump_file):
        target = _resolve(root, setting)
        if target is not None:
            add(target)
    minidump_dir = _resolve(root, control.minidump_dir)
    if minidump_dir is not None and minidump_dir.is_dir():
        for path in _dmp_files(minidump_dir, recursive=False):
            add(path)
    reports = resolve_ci(root, LIVE_KERNEL_REPORTS)
    if reports is not None and reports.is_dir():
        for path in _dmp_files(reports, recursive=True):
            add(path)
    return sorted(found, key=lambda p: (-found[p], str(p)))


def _resolve(root: Path, setting: str | None) -> Path | None:
    if not setting:
        return None
    relative = windows_to_root_relative(setting, SYSTEM_ROOT)
    if relative is None:
        return None  # on another drive than the system volume
    return resolve_ci(root, relative)


def _dmp_files(folder: Path, *, recursive: bool) -> list[Path]:
    result: list[Path] = []
    pending = [folder]
    while pending and len(result) < MAX_FILES:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if recursive:
                            pending.append(Path(entry.path))
                    elif entry.name.lower().endswith(".dmp"):
                        result.append(Path(entry.path))
        except OSError as exc:
            log.warning("%s: could not be listed: %s", current, exc)
    return result
