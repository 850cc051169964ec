"""Find the machines under the paths a helpdesk gives: every bundle (zip or folder), collector
folder, offline Windows folder and Velociraptor collection, each once.

A folder is a machine when it looks like one (the bundle layout, a manifest, a Windows folder, a
Velociraptor collection, or evidence files lying in it); otherwise it is a queue and is searched
further. A folder that is neither — empty, or holding only files Dump Doctor does not read — is still
listed, so the helpdesk sees a row saying it holds no evidence instead of a silently missing machine.
Symbolic links are never followed, so a link cannot pull in the same bundle twice or leave the tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from core.sources.identify import PREFIX_SIZE, FileKind, identify_bytes
from core.sources.offline import find_windows_dir

MAX_DEPTH = 8  # queue folders nested deeper than this are not searched
MAX_CANDIDATES = 100_000

# Sub-folders of the bundle layout (docs/bundle-format.md) and files that mark a bundle folder.
_LAYOUT_DIRS = frozenset({"registry", "events", "dumps", "drivers", "report"})
_MARKER_FILES = frozenset({"manifest.json"})
# An unpacked Velociraptor collection (core/sources/velociraptor.py reads the zip form).
_VELOCIRAPTOR_MARKERS = frozenset({"client_info.json", "collection_context.json"})
_EVIDENCE = frozenset({FileKind.KERNEL_DUMP, FileKind.HIVE, FileKind.EVTX, FileKind.REG_EXPORT,
                       FileKind.EVENT_XML, FileKind.MANIFEST})


@dataclass(frozen=True)
class Candidate:
    path: Path
    kind: str  # "zip" | "folder" | "offline" | "file" (loose evidence) | "empty"


@dataclass
class Discovery:
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (path, why) for the run's notes


def is_zip_file(path: Path) -> bool:
    if path.suffix.lower() == ".zip":
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def _is_evidence_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return identify_bytes(fh.read(PREFIX_SIZE)) in _EVIDENCE
    except OSError:
        return False


def _classify_folder(folder: Path, entries: list[os.DirEntry[str]]) -> str | None:
    """"offline" / "folder" when the folder is one machine, None when it is a queue to search."""
    if find_windows_dir(folder) is not None:
        return "offline"
    names = {e.name.casefold() for e in entries}
    dirs = {e.name.casefold() for e in entries if e.is_dir(follow_symlinks=False)}
    if names & _MARKER_FILES or dirs & _LAYOUT_DIRS or names & _VELOCIRAPTOR_MARKERS:
        return "folder"
    if any(e.is_file(follow_symlinks=False) and not is_zip_file(Path(e.path))
           and _is_evidence_file(Path(e.path)) for e in entries):
        return "folder"
    return None


def discover(paths: list[Path]) -> Discovery:
    """Every machine under `paths`, in a stable order (sorted by path within each folder)."""
    found = Discovery()
    seen: set[Path] = set()

    def add(path: Path, kind: str) -> None:
        key = path.resolve()
        if key not in seen and len(found.candidates) < MAX_CANDIDATES:
            seen.add(key)
            found.candidates.append(Candidate(path, kind))

    def walk(folder: Path, depth: int) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            found.skipped.append((folder, f"cannot be listed: {exc.strerror or exc}"))
            return
        kind = _classify_folder(folder, entries)
        if kind is not None:
            add(folder, kind)
            return
        machines_before = len(found.candidates)
        stray: list[tuple[Path, str]] = []
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                found.skipped.append((path, "symbolic link; not followed"))
            elif entry.is_dir(follow_symlinks=False):
                if depth >= MAX_DEPTH:
                    found.skipped.append((path, f"nested deeper than {MAX_DEPTH} folders; not searched"))
                else:
                    walk(path, depth + 1)
            elif entry.is_file(follow_symlinks=False):
                if is_zip_file(path):
                    add(path, "zip")
                else:
                    stray.append((path, "not a bundle (zip) or folder"))
        if len(found.candidates) == machines_before:
            add(folder, "empty")  # nothing usable inside: its row says so, file by file is noise
        else:
            found.skipped.extend(stray)

    for path in paths:
        if path.is_symlink() and not path.exists():
            found.skipped.append((path, "broken symbolic link"))
        elif path.is_dir():
            walk(path, 0)
        elif path.is_file():
            add(path, "zip" if is_zip_file(path) else "file")
        else:
            found.skipped.append((path, "no such file or folder"))
    return found
