"""Files and folders on the Windows volume that say whether a dump can be written: the page files as
they exist on disk, DumpStack.log(.tmp) at the root, the small-dump folder, LiveKernelReports, the
dedicated dump file. One rule for the live and offline sources, each through its own path resolver.

Only paths on the system drive are probed: an offline folder is one volume, and another drive letter
would be looked for on it by mistake.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from core.evidence_ref import EvidenceRef
from core.readiness.facts_model import LIVE_KERNEL_REPORTS, DumpStackLog, PathSeen, VolumeFacts, filter_path
from core.registry.model import RegistryFacts
from core.textenc import sniff_encoding

log = logging.getLogger(__name__)
Resolve = Callable[[str], Path | None]

DUMPSTACK_NAMES = ("DumpStack.log.tmp", "DumpStack.log")
DUMPSTACK_READ_BYTES = 16 * 1024
_UNPRINTABLE = re.compile(r"[^\t\n\r\x20-\x7e\u00a0-\uffff]")


def _on_drive(path: str, drive: str) -> bool:
    text = path.strip().strip('"')
    if text.startswith("\\??\\"):
        text = text[4:]
    if text.lower().startswith("%systemroot%"):
        return True
    return text[:2].upper() == drive.upper() or text[:2] == "?:"


def page_file_paths(facts: RegistryFacts | None, drive: str) -> list[str]:
    """Page file paths on `drive` from PagingFiles; "?:" (system managed, any drive) counts as the
    system drive, which is where Windows puts it for dumps."""
    out: list[str] = []
    for pf in facts.page_files if facts else []:
        path = pf.path.strip()
        path = drive + path[2:] if path[:2] == "?:" else path
        if _on_drive(path, drive) and path.lower() not in (p.lower() for p in out):
            out.append(path)
    return out


def _read_text(path: Path) -> str:
    with path.open("rb") as fh:
        raw = fh.read(DUMPSTACK_READ_BYTES)
    encoding, bom = sniff_encoding(raw[:4])
    text = raw[bom:].decode(encoding, errors="replace")
    return _UNPRINTABLE.sub("?", text).strip()


def probe_volume(resolve: Resolve, facts: RegistryFacts | None, *, drive: str = "C:",
                 proves_absence: bool = False) -> VolumeFacts:
    """What the volume holds. `proves_absence`: True only when a missing file really is missing on the
    machine (live); an offline copy may simply not include it."""
    vf = VolumeFacts()
    cc = facts.crash_control if facts else None
    files = page_file_paths(facts, drive)
    if cc is not None and cc.dedicated_dump_file and _on_drive(cc.dedicated_dump_file, drive):
        files.append(cc.dedicated_dump_file)
    files += [filter_path(name) for name in (cc.dump_filters if cc is not None else [])]
    dirs = [LIVE_KERNEL_REPORTS]
    if cc is not None and _on_drive(cc.minidump_dir, drive):
        dirs.insert(0, cc.minidump_dir)
    for win_path, is_dir in [(f, False) for f in files] + [(d, True) for d in dirs]:
        vf.paths.append(_seen(resolve, win_path, is_dir, proves_absence))
    for name in DUMPSTACK_NAMES:
        win_path = f"{drive}\\{name}"
        local = resolve(win_path)
        if local is None or not local.is_file():
            continue
        try:
            text = _read_text(local)
            when = datetime.fromtimestamp(local.stat().st_mtime, UTC)
        except OSError as exc:
            vf.notes.append(f"{win_path} could not be read: {exc.strerror or exc}")
            continue
        vf.dump_stack_logs.append(DumpStackLog(win_path, text, when,
                                               EvidenceRef("file", win_path, "dump stack log")))
    return vf


def _seen(resolve: Resolve, win_path: str, is_dir: bool, proves_absence: bool) -> PathSeen:
    local = resolve(win_path)
    ref = EvidenceRef("file", win_path)
    try:
        present = local is not None and (local.is_dir() if is_dir else local.is_file())
        size = local.stat().st_size if present and local is not None and not is_dir else None
    except OSError as exc:  # a locked page file still answers stat; anything else is "not known"
        log.info("cannot look at %s: %s", win_path, exc)
        return PathSeen(win_path, None, None, is_dir, ref)
    if present:
        return PathSeen(win_path, True, size, is_dir, ref)
    if proves_absence:
        return PathSeen(win_path, False, None, is_dir, ref)
    return PathSeen(win_path, None, None, is_dir, None)
