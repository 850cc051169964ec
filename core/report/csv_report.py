"""The crash list and the storage driver table as CSV, for spreadsheets and fleet scripts.

RMM scripts today parse BlueScreenView's `/scomma` export, so the crash list keeps its column names
and order for the columns both tools know (Dump File, Crash Time, Bug Check String, Bug Check Code,
Parameter 1-4, Caused By Driver, ..., Full Path, Dump File Size) and adds Dump Doctor's own after
them. Unlike /scomma there is a header line (scripts that index columns skip one line). Times are
ISO 8601 UTC; codes are 0x%08X as BlueScreenView writes them. Cells that a spreadsheet would run as
a formula (=, +, -, @ from hostile file names) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path, PureWindowsPath

from core.drivers.kind_words import KIND_WORDS, in_use_words
from core.dumps.model import DumpInfo
from core.evidence import Evidence
from core.report.common import clean

CRASH_COLUMNS = (
    # the BlueScreenView /scomma columns Dump Doctor can fill, in its order
    "Dump File", "Crash Time", "Bug Check String", "Bug Check Code",
    "Parameter 1", "Parameter 2", "Parameter 3", "Parameter 4", "Caused By Driver",
    "Processor", "Computer Name", "Full Path", "Processors Count", "Major Version", "Minor Version",
    "Dump File Size",
    # Dump Doctor's own
    "Dump Type", "Integrity", "Kind",
)

DRIVER_COLUMNS = ("Service", "File", "Version", "Company", "Kind", "Confidence", "In Use", "Start",
                  "Group", "Full Path", "Why")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = clean("" if value is None else value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _hex(value: int) -> str:
    return f"0x{value:08X}"


def _csv(header: Sequence[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()


def _crash_row(d: DumpInfo, computer: str) -> list[object]:
    bc = d.bugcheck
    params: list[object] = [_hex(p) for p in bc.parameters] if bc else ["", "", "", ""]
    when = d.system_time.strftime("%Y-%m-%dT%H:%M:%SZ") if d.system_time else ""
    major = ("" if d.checked_build is None else ("0xC" if d.checked_build else "0xF"))
    integrity = d.integrity.message if d.integrity else ""
    return [PureWindowsPath(d.path).name, when, bc.name if bc else "", _hex(bc.code) if bc else "",
            *params, d.faulting_driver or "", d.machine or "", computer, d.path, d.processors or "", major,
            d.build or "", d.file_size, d.dump_type or "", integrity, d.kind]


def _computer_name(ev: Evidence) -> str:
    """The name the computer's own files show; empty when none does (a dump alone names none)."""
    if ev.machine is not None:
        return ev.machine.label if ev.machine.names else ""
    system = ev.registry.system if ev.registry else None
    return (system.computer_name or "") if system else ""


def crashes_csv(ev: Evidence) -> str:
    """One row per crash dump file, newest first (as the wizard lists them); with files from several
    computers, every computer's dumps, each with the computer it came from."""
    computers = ev.machines or [ev]
    return _csv(CRASH_COLUMNS, [_crash_row(d, _computer_name(m)) for m in computers for d in m.dumps])


def drivers_csv(ev: Evidence) -> str:
    """One row per storage driver in the dump path, as on the wizard's Storage drivers page."""
    rows: list[list[object]] = []
    for d in (ev.storage.drivers if ev.storage else []):
        pe = d.pe
        rows.append([d.service, d.file_name, pe.file_version if pe else "", pe.company if pe else "",
                     KIND_WORDS.get(d.kind, str(d.kind)), d.confidence.value,
                     in_use_words(d), "" if d.start is None else d.start, d.group or "",
                     d.file_path or "", " ".join(d.reasons) or (d.error or "")])
    return _csv(DRIVER_COLUMNS, rows)


def write_csv(path: str, text: str) -> str | None:
    """Write a CSV the user asked for (UTF-8 with a BOM, so Excel shows non-ASCII names right);
    returns what went wrong, or None."""
    try:
        with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None
