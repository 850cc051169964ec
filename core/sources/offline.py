"""Evidence from an offline Windows installation: a mounted Windows volume, a copy of one, or just its
Windows folder. Paths are resolved case-insensitively (a copied `system32` is not `System32` on Linux).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from core.advice import copy_into_windows_folder
from core.dumps.locate import find_dump_files
from core.errors import DumpDoctorError
from core.evidence_ref import Missing, Problem, Severity
from core.paths import find_child, resolve_ci, split_windows_path, windows_to_root_relative
from core.registry.model import CrashControl
from core.safefs import LinkOutsideError, is_inside, open_regular, real_root
from core.sources.base import EventInput, EvidenceSource, RegistryHives
from core.sources.identify import PREFIX_SIZE, FileKind, identify_bytes
from core.sources.locate import WindowsPathFiles
from core.sources.registry_load import load_hive

MAX_SIDE_FILES = 200  # files looked at per folder beside the Windows folder


def find_windows_dir(folder: Path) -> tuple[Path | None, Path] | None:
    """(volume root or None, Windows folder) when `folder` is a Windows volume root or the Windows
    folder itself; None otherwise."""
    windows = find_child(folder, "Windows")
    if windows is not None and find_child(windows, "System32") is not None:
        return folder, windows
    if find_child(folder, "System32") is not None:
        return None, folder
    return None


class OfflineSource(WindowsPathFiles, EvidenceSource):
    kind = "offline"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        found = find_windows_dir(folder)
        if found is None:
            raise ValueError(f"{folder} holds no Windows folder")  # open_source checks first
        self.volume, self.windows = found
        self.root = real_root(folder)  # no link may lead the scan out of the folder it was given
        self._reported_links: set[str] = set()
        if self.volume is not None:
            self.description = f"Offline Windows volume {folder} (Windows folder: {self.windows.name})"
        else:
            self.description = (f"Offline Windows folder {folder} (used as the Windows folder itself; "
                                "files outside it, such as a DumpFile on another path, cannot be seen)")
        self._registry: RegistryHives | None = None
        self._side: list[tuple[FileKind, Path]] | None = None
        # Per source (one scan of a folder that does not change meanwhile): every driver of a
        # 6,400-driver folder is in the same few folders, which were resolved part by part and
        # followed link by link for each file (issue 18).
        self._folders: dict[tuple[str, ...], Path | None] = {}
        self._real_folders: dict[str, str] = {}
        self._check_layout()

    def _check_layout(self) -> None:
        if self._win("System32\\drivers") is None:
            self.missing.append(Missing("drivers", "No System32\\drivers folder in this Windows folder.",
                                        copy_into_windows_folder("drivers")))

    def _real(self, path: Path) -> str:
        """os.path.realpath(path), with the real path of its folder remembered: a name that is not a
        link adds nothing to its folder's real path."""
        if path.is_symlink():
            return os.path.realpath(path)
        folder, name = os.path.split(path)
        real = self._real_folders.get(folder)
        if real is None:
            real = self._real_folders[folder] = os.path.realpath(folder or ".")
        return f"{real.rstrip(os.sep)}{os.sep}{name}" if name else real

    def _resolve_ci(self, base: Path, relative: str) -> Path | None:
        """resolve_ci, with the folder part of `relative` resolved once per source."""
        parts = split_windows_path(relative)
        if len(parts) < 2 or ".." in parts:
            return resolve_ci(base, relative)
        key = (str(base), *(p.casefold() for p in parts[:-1]))
        if key in self._folders:
            folder = self._folders[key]
        else:
            folder = self._folders[key] = resolve_ci(base, "\\".join(parts[:-1]))
        return None if folder is None else find_child(folder, parts[-1])

    def _inside(self, path: Path | None) -> Path | None:
        """`path` when it stays inside the evidence once links are resolved; a link that leaves is
        reported (once) and treated as absent."""
        if path is None or is_inside(path, self.root, self._real(path)):
            return path
        if str(path) not in self._reported_links:
            self._reported_links.add(str(path))
            self.problems.append(Problem(str(path), f"a link to {os.path.realpath(path)}, outside the "
                                         f"evidence folder {self.root}; links that leave the evidence "
                                         "are never followed", Severity.WARNING, "links"))
        return None

    def _win(self, relative: str) -> Path | None:
        return self._inside(self._resolve_ci(self.windows, relative))

    def resolve(self, win_path: str) -> Path | None:
        """The file a Windows path (C:\\..., %SystemRoot%\\..., \\??\\C:\\...) names in this copy."""
        rel = windows_to_root_relative(win_path)
        if rel is None:
            # Another drive letter: the volume we were given is the only one there is; try it.
            rel = re.sub(r"^(\\\?\?\\)?[A-Za-z]:[\\/]*", "", win_path.strip().strip('"'))
        if self.volume is not None:
            return self._inside(self._resolve_ci(self.volume, rel))
        parts = split_windows_path(rel)
        # Only the Windows folder was given: a path inside it still resolves, whatever it is called.
        if parts and parts[0].casefold() in (self.windows.name.casefold(), "windows"):
            return self._inside(self._resolve_ci(self.windows, "\\".join(parts[1:])))
        return None

    def registry(self) -> RegistryHives:
        if self._registry is not None:
            return self._registry
        hives = RegistryHives()
        for name in ("SYSTEM", "SOFTWARE"):
            path = self._win(f"System32\\config\\{name}")
            if path is None or not path.exists():
                self.missing.append(Missing(f"{name.lower()}-hive",
                                            f"No {name} hive at Windows\\System32\\config\\{name}.",
                                            copy_into_windows_folder(f"{name.lower()}-hive")))
                continue
            key = load_hive(path, self.problems, str)
            if key is None:
                self.missing.append(Missing(f"{name.lower()}-hive",
                                            f"The {name} hive could not be read.",
                                            copy_into_windows_folder(f"{name.lower()}-hive")))
            else:
                hives.put(name, key)
        self._registry = hives
        return hives

    def _side_files(self) -> list[tuple[FileKind, Path]]:
        """Evidence the user put beside the Windows folder (in the chosen folder, the volume root or the
        Windows folder itself), as the product's own hint says to: recognised by content, whatever its
        name. Only the top level of those folders is looked at, and only so many files."""
        if self._side is not None:
            return self._side
        out: list[tuple[FileKind, Path]] = []
        seen: set[Path] = set()
        for folder in dict.fromkeys(f for f in (self.folder, self.volume, self.windows) if f is not None):
            try:
                entries = sorted(p for p in folder.iterdir() if p.is_file())[:MAX_SIDE_FILES]
            except OSError:
                continue
            for path in entries:
                real = path.resolve()
                if real in seen:
                    continue
                seen.add(real)
                try:
                    with open_regular(path, self.root) as fh:  # no pipes, no links out of the copy
                        kind = identify_bytes(fh.read(PREFIX_SIZE))
                except LinkOutsideError as exc:
                    self.problems.append(Problem(str(path), exc.message, Severity.WARNING, "links"))
                    continue
                except (OSError, DumpDoctorError):
                    continue
                if kind in (FileKind.EVTX, FileKind.EVENT_XML, FileKind.KERNEL_DUMP):
                    out.append((kind, path))
        self._side = out
        return out

    def _side_logs(self) -> list[EventInput]:
        # Named by their place: a System.evtx beside the Windows folder is not the Windows folder's own.
        return [EventInput("evtx" if kind is FileKind.EVTX else "xml", path, self.display_path(path))
                for kind, path in self._side_files() if kind in (FileKind.EVTX, FileKind.EVENT_XML)]

    def dump_files(self, crash_control: CrashControl | None) -> list[Path]:
        # Links that leave the copy are reported, never followed (core.safefs).
        found = find_dump_files(self.resolve, crash_control, self.problems, within=self.root)
        # A MEMORY.DMP copied beside the Windows folder: a dump of this machine, most likely.
        side = [p for kind, p in self._side_files() if kind is FileKind.KERNEL_DUMP]
        if not side:
            return found
        known = {p.resolve() for p in found}
        return found + [p for p in side if p.resolve() not in known]

    def event_inputs(self) -> list[EventInput]:
        path = self._win("System32\\winevt\\Logs\\System.evtx")
        side = self._side_logs()
        if path is None or not path.exists():  # a pipe in its place is the reader's to name
            if side:
                return side
            self.missing.append(Missing("event-log", "No System event log "
                                        "(Windows\\System32\\winevt\\Logs\\System.evtx) in this folder.",
                                        copy_into_windows_folder("event-log")))
            return []
        return [EventInput("evtx", path, self.display_path(path)), *side]
