"""`dumpdoctor dump FILE... [--json]`: what each crash dump file says about its crash.

Exit status: 0 when every file was read (a user-mode minidump counts as read), 1 when any file could
not be read or is not a crash dump at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from core.cli.main import EXIT_OK, EXIT_PROBLEM
from core.dumps import detect, read_dump
from core.dumps.bugchecks import format_code
from core.dumps.header import DUMP_TYPE_LABELS
from core.dumps.model import DumpInfo, DumpKind
from core.errors import DumpDoctorError
from core.formatting import format_time
from core.jsonutil import to_jsonable

EXIT_NOT_READ = EXIT_PROBLEM  # for `dump`, a file that could not be read is the problem found


def add_parser(sub: Any) -> None:
    p = sub.add_parser("dump", help="summarise crash dump files (MEMORY.DMP, Minidump\\*.dmp)",
                       description="Summarise what each crash dump file says about its crash.")
    p.add_argument("files", nargs="+", metavar="FILE", help="dump files to read")
    p.add_argument("--json", action="store_true", help="print a JSON array, one object per file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    entries: list[dict[str, Any]] = []
    texts: list[str] = []
    failed = False
    for name in args.files:
        try:
            info = read_dump(name)
        except DumpDoctorError as exc:
            failed = True
            entries.append(_error_entry(name, exc))
            texts.append(f"{name}\n  could not be read: {exc.message}"
                         + (f" (at offset 0x{exc.offset:X})" if exc.offset is not None else ""))
            continue
        entries.append(dump_to_json(info))
        texts.append(render_text(info))
    if args.json:
        json.dump(entries, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("\n\n".join(texts) + "\n")
    return EXIT_NOT_READ if failed else EXIT_OK


def _error_entry(name: str, exc: DumpDoctorError) -> dict[str, Any]:
    kind: str | None
    try:
        kind = detect(name).value
    except DumpDoctorError:
        kind = None  # not even the first bytes could be read
    return {"path": name, "kind": kind, "error": str(exc), "integrity": None, "bugcheck": None,
            "drivers": [], "dump_stack": [], "faulting_driver": None}


def dump_to_json(info: DumpInfo) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(info)
    data["error"] = None
    return data


def render_text(info: DumpInfo) -> str:
    lines = [info.path]
    if info.kind is DumpKind.USER:
        lines.append("  " + "; ".join(info.notes))
        return "\n".join(lines)
    system = f"{info.bits}-bit {info.machine or 'unknown machine'}"
    build = f"build {info.build}" if info.build is not None else "build not recorded"
    if info.checked_build:
        build += " (checked)"
    cpus = f", {info.processors} processors" if info.processors is not None else ""
    lines.append(f"  Windows kernel crash dump: {system}, {build}{cpus}")
    if info.dump_type:
        lines.append(f"  Dump type: {DUMP_TYPE_LABELS.get(info.dump_type, info.dump_type)}")
    if info.system_time:
        lines.append(f"  Crashed at: {format_time(info.system_time, seconds=True)}")
    if info.bugcheck:
        bc = info.bugcheck
        lines.append(f"  Bug check {format_code(bc.code)} {bc.name}")
        lines.append(f"    {bc.meaning}")
        for number, (value, note) in enumerate(zip(bc.parameters, bc.parameter_meanings, strict=True), 1):
            lines.append(f"    Parameter {number}: 0x{value:X}" + (f"  {note}" if note else ""))
    if info.faulting_driver:
        lines.append(f"  Faulting driver: {info.faulting_driver}")
    if info.physical_memory_bytes:
        lines.append(f"  Physical memory: {info.physical_memory_bytes / 2**30:.1f} GiB")
    if info.comment:
        lines.append(f"  Comment: {info.comment}")
    if info.drivers:
        lines.append(f"  Loaded drivers: {len(info.drivers)}")
    if info.dump_stack:
        lines.append(f"  Dump stack (drivers that write crash dumps): {', '.join(info.dump_stack)}")
    if info.integrity:
        lines.append(f"  Integrity: {info.integrity.status.value}. {info.integrity.message}")
    lines.extend(f"  Note: {note}" for note in info.notes)
    return "\n".join(lines)
