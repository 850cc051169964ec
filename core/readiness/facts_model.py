"""What a source can say about the machine's disks beyond the registry: free space, the page files on
disk, DumpStack.log, folders, RAM. Every field is "not known" unless the source read it.

`exists` is three-valued on purpose: an offline copy that lacks C:\\pagefile.sys does not prove the
machine had none (copies usually skip it), so such a source reports None, never False.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.evidence_ref import EvidenceRef

LIVE_KERNEL_REPORTS = r"%SystemRoot%\LiveKernelReports"


def filter_path(name: str) -> str:
    """Where a DumpFilters entry ("dumpfve.sys") lives: the drivers folder."""
    return f"%SystemRoot%\\System32\\drivers\\{name.strip()}"


@dataclass(frozen=True)
class VolumeSpace:
    drive: str  # "C:"
    free_bytes: int
    total_bytes: int | None = None
    ref: EvidenceRef | None = None


@dataclass(frozen=True)
class PathSeen:
    """A file or folder the checks asked about (Windows path, as the registry names it)."""

    path: str  # "C:\\pagefile.sys", "%SystemRoot%\\Minidump"
    exists: bool | None  # None: this source cannot tell
    size: int | None = None  # files only
    is_dir: bool = False
    ref: EvidenceRef | None = None


@dataclass(frozen=True)
class DumpStackLog:
    """DumpStack.log / DumpStack.log.tmp at the boot volume's root: the dump stack's own log."""

    path: str
    text: str  # the first lines, printable characters only
    modified: datetime | None = None
    ref: EvidenceRef | None = None


@dataclass
class VolumeFacts:
    volumes: list[VolumeSpace] = field(default_factory=list)
    paths: list[PathSeen] = field(default_factory=list)
    dump_stack_logs: list[DumpStackLog] = field(default_factory=list)
    ram_bytes: int | None = None
    ram_ref: EvidenceRef | None = None
    page_file_sizes_mb: dict[str, int] = field(default_factory=dict)  # "c:\\pagefile.sys" → MB in use now
    page_file_sizes_ref: EvidenceRef | None = None
    notes: list[str] = field(default_factory=list)

    def space(self, drive: str) -> VolumeSpace | None:
        wanted = drive[:2].upper()
        return next((v for v in self.volumes if v.drive.upper() == wanted), None)

    def path(self, win_path: str) -> PathSeen | None:
        wanted = win_path.lower()
        return next((p for p in self.paths if p.path.lower() == wanted), None)
