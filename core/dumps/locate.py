"""Where Windows keeps crash dumps: the one rule every source uses.

A source only knows how to turn a Windows path into a file it can open (the live machine asks its own
file system; an offline folder resolves names case-insensitively under a mounted volume), so the rule
takes that resolver. The places: the configured DumpFile and DedicatedDumpFile, the configured
MinidumpDir, the default MEMORY.DMP and Minidump (dumps written before a setting changed stay where
they were) and LiveKernelReports (Windows 8+). Content decides later whether a file is a dump.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from core.errors import DumpDoctorError, unreadable
from core.evidence_ref import Problem, Severity
from core.paths import resolve_ci, windows_to_root_relative
from core.registry.model import CrashControl
from core.safefs import check_regular, is_inside

Resolve = Callable[[str], Path | None]

SYSTEM_ROOT = r"C:\Windows"
DEFAULT_DUMP_FILE = r"%SystemRoot%\MEMORY.DMP"
DEFAULT_MINIDUMP_DIR = r"%SystemRoot%\Minidump"
LIVE_KERNEL_REPORTS = r"%SystemRoot%\LiveKernelReports"
MAX_FILES = 10_000  # a runaway folder must not stall the scan


def find_dump_files(resolve: Resolve, crash_control: CrashControl | None,
                    problems: list[Problem] | None = None, *, within: Path | None = None) -> list[Path]:
    """Dump candidates newest first (by modification time), each file once. A folder that cannot be
    listed becomes a Problem (when `problems` is given), so "no dumps" is never said of a folder
    nobody could look into. With `within` (a real path: the evidence root), a file or folder reached
    through a link that leaves it is reported and skipped (core.safefs), never listed or walked; only
    regular files are candidates (a pipe named .dmp is reported, not opened)."""
    control = crash_control or CrashControl()
    found: dict[str, tuple[Path, float]] = {}

    def add(path: Path) -> None:
        try:
            if not path.exists():
                return
            real = os.path.realpath(path)  # once: it both checks containment and tells duplicates
            st = check_regular(path, within, real)
            found.setdefault(real, (path, st.st_mtime))
        except DumpDoctorError as exc:
            if problems is not None and not path.is_dir():
                problems.append(Problem(str(path), exc.message, Severity.WARNING, "dumps"))

    for setting in (control.dump_file, control.dedicated_dump_file, DEFAULT_DUMP_FILE):
        target = resolve(setting) if setting else None
        if target is not None:
            add(target)
    seen_folders: set[str] = set()  # the configured MinidumpDir is usually the default one
    for setting, recursive in ((control.minidump_dir, False), (DEFAULT_MINIDUMP_DIR, False),
                               (LIVE_KERNEL_REPORTS, True)):
        folder = resolve(setting) if setting else None
        if folder is None:
            continue
        real_folder = os.path.realpath(folder)
        if within is not None and not is_inside(folder, within, real_folder):
            if problems is not None:
                problems.append(Problem(str(folder), f"a link to {real_folder}, outside the "
                                        "evidence; links that leave the evidence are never followed",
                                        Severity.WARNING, "dumps"))
            continue
        if folder.is_dir() and real_folder not in seen_folders:
            seen_folders.add(real_folder)
            for path in _dmp_files(folder, recursive=recursive, problems=problems, within=within):
                if len(found) >= MAX_FILES:
                    break
                add(path)
    ordered = sorted(found.values(), key=lambda item: (-item[1], str(item[0])))
    return [path for path, _mtime in ordered]


def find_dumps(root: Path, crash_control: CrashControl | None = None,
               problems: list[Problem] | None = None) -> list[Path]:
    """find_dump_files for a Windows volume root folder (a mounted disk or a copy of one)."""

    def resolve(setting: str) -> Path | None:
        relative = windows_to_root_relative(setting, SYSTEM_ROOT)
        return None if relative is None else resolve_ci(root, relative)  # None: another drive

    return find_dump_files(resolve, crash_control, problems, within=Path(os.path.realpath(root)))


def _report(problems: list[Problem] | None, path: Path, exc: OSError) -> None:
    if problems is not None:
        problems.append(Problem(str(path), unreadable(path, exc).message, Severity.WARNING, "dumps"))


def _dmp_files(folder: Path, *, recursive: bool, problems: list[Problem] | None,
               within: Path | None = None) -> list[Path]:
    result: list[Path] = []
    pending = [folder]
    while pending and len(result) < MAX_FILES:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    if within is not None and entry.is_symlink() and not is_inside(entry.path, within):
                        if problems is not None:
                            problems.append(Problem(entry.path, f"a link to {os.path.realpath(entry.path)}"
                                                    ", outside the evidence; links that leave the "
                                                    "evidence are never followed", Severity.WARNING,
                                                    "dumps"))
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if recursive:
                            pending.append(Path(entry.path))
                    elif entry.name.lower().endswith(".dmp"):
                        result.append(Path(entry.path))
        except OSError as exc:  # an unreadable dump folder: the scan goes on with what it could list
            _report(problems, current, exc)
    return result
