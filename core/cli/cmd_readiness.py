"""`dumpdoctor readiness [SOURCE...] [--json | --summary]`: will the next crash leave a usable dump?

Exit codes (for fleet scripts): 0 ready, 1 not ready (the next crash will leave no dump), 4 can't tell
(an essential fact is not in the evidence), 5 degraded (a dump will be written but may be deleted,
delayed or less useful), 2 usage error, 3 the evidence could not be read at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from core.cli.common import add_json_argument, add_source_argument, format_problems, with_source
from core.cli.main import EXIT_UNREADABLE, EXIT_USAGE
from core.diagnosis.facts import nothing_readable
from core.diagnosis.model import Diagnosis
from core.errors import DumpDoctorError
from core.evidence import Evidence
from core.examine import examine
from core.jsonutil import iso_utc, to_jsonable
from core.readiness.model import ReadinessVerdict
from core.report.json_report import SCHEMA_VERSION, readiness_json
from core.report.readiness_section import readiness_text
from core.sources.base import EvidenceSource
from core.triage.oneline import for_console, summary_line
from core.triage.row import row_from
from core.version import __version__


def add_parser(sub: Any) -> None:
    p = sub.add_parser("readiness", help="will the next crash leave a crash dump?",
                       description="Check whether the next crash on this machine will leave a usable crash "
                                   "dump, and why past crashes left none. Exit codes: 0 ready, 1 not ready, "
                                   "4 can't tell, 5 degraded (a dump may be lost or delayed), 3 unreadable; "
                                   "with several computers the most serious: not ready > can't tell > "
                                   "degraded > ready.")
    add_source_argument(p)
    add_json_argument(p)
    p.add_argument("--summary", "--oneline", dest="summary", action="store_true",
                   help="print only the one-line summary (at most 2,048 characters) for fleet tools")
    p.set_defaults(func=run)


def _per_computer(evidence: Evidence, diag: Diagnosis) -> list[tuple[str | None, Evidence, ReadinessVerdict]]:
    """One readiness answer per computer: files from several computers are never answered as one."""
    if diag.machines:
        out: list[tuple[str | None, Evidence, ReadinessVerdict]] = []
        for m in diag.machines:
            assert m.diagnosis.readiness is not None  # diagnose always assesses readiness
            out.append((m.label, m.evidence, m.diagnosis.readiness))
        return out
    assert diag.readiness is not None  # diagnose always assesses readiness
    return [(None, evidence, diag.readiness)]


def _report(source: EvidenceSource, as_json: bool, summary: bool = False) -> int:
    case = examine(source)  # the same examination as `scan`: the known-issue verdicts feed the checks
    evidence, diag = case.evidence, case.diagnosis
    assert diag is not None
    answers = _per_computer(evidence, diag)
    # With several computers the diagnosis already carries the most serious readiness over them, by the
    # rule `scan --json` uses too (core.diagnosis.engine.READINESS_SERIOUSNESS: not-ready > can't tell >
    # degraded > ready): one rule, so both commands give the same answer and exit code.
    assert diag.readiness is not None  # diagnose always assesses readiness
    readiness = diag.readiness
    unreadable = nothing_readable(evidence)
    code = EXIT_UNREADABLE if unreadable else readiness.exit_code
    if summary:
        row = row_from(diag, evidence, source.description)
        row.exit_code = code  # the line ends with the code this command exits with
        print(for_console(summary_line(row), sys.stdout.encoding))
        return code
    if as_json:
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "Dump Doctor", "version": __version__},
            "generated_at": iso_utc(datetime.now(UTC)),
            "source": {"description": evidence.whole_source_description, "kind": evidence.source_kind},
            "exit_code": code,
            "readiness": readiness_json(readiness),
            "known_issues": [{"issue_id": v.issue_id, "id": v.id.value, "headline": v.headline}
                             for v in diag.verdicts],
            "problems": to_jsonable(evidence.problems),
            "missing": to_jsonable(evidence.missing),
        }
        if diag.machines:
            data["headline"] = diag.headline
            data["machines"] = [{"computer": label, "exit_code": r.exit_code, "readiness": readiness_json(r),
                                 "missing": to_jsonable(ev.missing)} for label, ev, r in answers]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return code
    lines = [f"Dump readiness \u2014 {evidence.whole_source_description}"]
    if unreadable:
        lines.append("No evidence could be read, so nothing can be said about dumps.")
    if diag.machines:
        lines = [diag.headline, "", *lines]
    for i, (label, ev, r) in enumerate(answers):
        if label is not None:
            lines += ["", f"##### Computer {i + 1} of {len(answers)}: {label} #####"]
        lines += readiness_text(r)
        if label is not None and ev.missing:
            lines += ["", *format_problems([], ev.missing)]
    extra = format_problems(evidence.problems, [] if diag.machines else evidence.missing)
    if extra:
        lines += ["", *extra]
    sys.stdout.write("\n".join(lines) + "\n")
    return code


def run(args: argparse.Namespace) -> int:
    try:
        if getattr(args, "summary", False) and args.json:
            print("dumpdoctor: --summary prints one line of text; give either --summary or --json",
                  file=sys.stderr)
            return EXIT_USAGE
        return with_source(args, lambda source: _report(source, bool(args.json),
                                                        bool(getattr(args, "summary", False))))
    except DumpDoctorError as exc:  # a reader let one escape the scan: report it, do not crash
        print(f"dumpdoctor: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
