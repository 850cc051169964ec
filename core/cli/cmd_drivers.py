"""`dumpdoctor drivers [SOURCE...] [--json] [--csv FILE]`: the storage drivers in the crash dump path,
how each was classified, which miniport writes dumps, and whether Diskdump.sys / Crashdmp.sys carry the fix.

SOURCE may also be a folder of driver files or driver files themselves: every file given is listed and
classified from its content, also without any SYSTEM hive (boot start, device and bus are then unknown).

When the files come from several computers, each gets its own section (the text) and its own object in
`machines` (the JSON; its top level stays the first computer's, as `scan --json` does); the exit code is
the worst over the computers.

Exit codes: 0 nothing wrong found; 1 the boot disk is served by a virtual Storport miniport and the
dump driver lacks the fix; 3 no registry evidence and no driver file could be read; 4 the drivers could
not be assessed, or only driver files were given (without the registry, whether the boot disk goes
through a virtual miniport cannot be told); 2 usage.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from core.cli.common import (
    add_json_argument,
    add_source_argument,
    computer_heading,
    computers,
    computers_notice,
    format_problems,
    print_json,
    whole_source,
    with_source,
)
from core.cli.main import EXIT_CANT_TELL, EXIT_OK, EXIT_PROBLEM, EXIT_UNREADABLE, EXIT_USAGE
from core.diagnosis import Diagnosis, VerdictId, diagnose
from core.drivers.model import StorageReport
from core.evidence import Evidence
from core.examine import examine
from core.report.common import aligned_columns
from core.report.csv_report import drivers_csv, write_csv
from core.report.driver_table import driver_table
from core.sources.base import EvidenceSource

_DRIVER_MISSING = {"drivers", "system-hive", "admin"}
_COLUMNS = ("Service", "File", "Version", "Vendor", "Kind", "In use")
_NO_REGISTRY = {"system-hive"}


def add_parser(sub: Any) -> None:
    p = sub.add_parser("drivers", help="classify the storage drivers in the crash dump path",
                       description="List the storage drivers in the crash dump path (version, vendor, "
                                   "virtual or physical, in use), the boot miniport, and whether "
                                   "Diskdump.sys and Crashdmp.sys carry the fix.")
    add_source_argument(p)
    add_json_argument(p)
    p.add_argument("--why", action="store_true", help="explain every driver, not only those in use")
    p.add_argument("--csv", metavar="FILE", help="also write the driver table as CSV to FILE")
    p.set_defaults(func=run)


def drivers_text(storage: StorageReport | None, *, explain_all: bool = False) -> list[str]:
    """The same table and wording as the wizard's drivers page (core.report.driver_table)."""
    if storage is None:
        return ["The storage drivers could not be assessed (no registry evidence)."]
    table = driver_table(storage)
    lines: list[str] = []
    if table.drivers:
        rows: list[tuple[str, ...]] = [_COLUMNS]
        rows += [(r.name, r.file_name, r.version, r.vendor, r.kind, r.in_use_words)
                 for r in table.drivers]
        lines += aligned_columns(rows)
        explained = [r for r in table.drivers
                     if explain_all or r.in_use or r.virtual or not r.in_use_known]
        if explained:
            lines += ["", "Why:"]
            for r in explained:
                lines += textwrap.wrap(f"{r.name}: {r.kind}. {r.why}", width=100,
                                       initial_indent="  ", subsequent_indent="    ")
        if not explain_all and len(explained) < len(table.drivers):
            lines.append("  (--why explains every driver)")
    else:
        lines.append("No storage drivers found in the evidence.")
    if table.boot_miniport:
        lines += ["", table.boot_miniport]
        bm = storage.boot_miniport
        if bm is not None and bm.candidates and not bm.service:
            lines.append(f"  candidates: {', '.join(bm.candidates)}")
    lines.append("")
    for fix in table.fixes:
        mark = "!! " if fix.needs_attention else ""
        lines += textwrap.wrap(f"{mark}{fix.file_name} {fix.version}: {fix.status}. {fix.message}",
                               width=100, subsequent_indent="    ")
    if not table.fixes:
        lines.append("Diskdump.sys / Crashdmp.sys: not checked (files not available).")
    lines.extend(f"Note: {n}" for n in storage.notes)
    return lines


def exposed(ev: Evidence, diagnosis: Diagnosis | None = None) -> bool | None:
    """Whether this machine is exposed to the known issue: the diagnosis's own answer (one rule for one
    question), True for "matches" / "at risk", False for "not this issue", None when it can't tell."""
    verdict = (diagnosis or diagnose(ev)).verdict
    if verdict.id is VerdictId.CANT_TELL:
        return None
    return verdict.is_problem


def drivers_json(ev: Evidence, diagnosis: Diagnosis | None = None) -> dict[str, Any]:
    st = ev.storage
    return {
        "source": ev.source_description,
        "source_kind": ev.source_kind,
        "drivers": st.drivers if st else [],
        "boot_miniport": st.boot_miniport if st else None,
        "diskdump": st.diskdump if st else None,
        "crashdmp": st.crashdmp if st else None,
        "dump_stack_files": st.dump_stack_files if st else [],
        "notes": st.notes if st else [],
        "loaded_dump_modules": ev.loaded_dump_modules,
        "exposed_to_known_issue": exposed(ev, diagnosis),
        "problems": ev.problems,
        "missing": [m for m in ev.missing if m.what in _DRIVER_MISSING],
    }


def _exit_code(ev: Evidence, diagnosis: Diagnosis) -> int:
    if ev.registry is None:
        return EXIT_CANT_TELL if ev.storage is not None and ev.storage.drivers else EXIT_UNREADABLE
    if ev.storage is None:
        return EXIT_CANT_TELL
    return EXIT_PROBLEM if exposed(ev, diagnosis) else EXIT_OK  # None (can't tell) is not a finding here


_WORST = (EXIT_PROBLEM, EXIT_CANT_TELL, EXIT_OK, EXIT_UNREADABLE)


def run(args: argparse.Namespace) -> int:
    def body(source: EvidenceSource) -> int:
        # The event log too: the Windows version may be known only from it, and the answer must be the
        # one `scan` gives.
        case = examine(source, steps=("registry", "dumps", "events", "drivers"))
        ev = case.evidence
        diagnosis = case.diagnosis or diagnose(ev)
        # One section per computer, each with its own diagnosis (Diagnosis.machines is in the same order).
        each = list(zip(computers(ev), [m.diagnosis for m in diagnosis.machines] or [diagnosis], strict=True))
        several = len(each) > 1
        if getattr(args, "csv", None):
            problem = write_csv(args.csv, drivers_csv(ev))
            if problem:
                print(f"dumpdoctor: {problem}", file=sys.stderr)
                return EXIT_USAGE
        if args.json:
            data = drivers_json(ev, each[0][1])
            data["machines"] = [drivers_json(m, d) | {"label": m.machine.label if m.machine else None}
                                for m, d in each] if several else []
            print_json(data)
        else:
            print(f"Source: {whole_source(ev)}")
            for line in computers_notice([m for m, _ in each]):
                print(line)
            for n, (machine, _diag) in enumerate(each, 1):
                if several:
                    print("\n".join(computer_heading(machine, n, len(each))))
                print("\n".join(drivers_text(machine.storage, explain_all=args.why)))
                if machine.loaded_dump_modules is not None:
                    print(f"Dump stack loaded now: {', '.join(machine.loaded_dump_modules) or 'none'}")
                tail = format_problems(machine.problems,
                                       [m for m in machine.missing if m.what in _DRIVER_MISSING])
                if tail:
                    print("\n".join(["", *tail]))
        codes = {_exit_code(m, d) for m, d in each}
        # The worst answer over the computers; "unreadable" only when nothing was readable.
        return next(c for c in _WORST if c in codes)

    return with_source(args, body)
