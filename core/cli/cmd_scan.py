"""`dumpdoctor scan [SOURCE...] [--json | --summary] [--html FILE] [--csv FILE] [--demo]`: scan
evidence, diagnose, report.

Exit codes: 0 nothing wrong found, 1 a problem was found (the known issue or any finding of warning
level or above), 2 usage error, 3 the evidence could not be read at all, 4 can't tell yet.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.cli.common import add_json_argument, add_source_argument, with_source
from core.cli.main import EXIT_CANT_TELL, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE
from core.errors import DumpDoctorError
from core.evidence_ref import TEMP_SPACE_STEP
from core.examine import examine
from core.progress import ProgressSink, ProgressUpdate, no_progress
from core.report import render_html, render_json, render_text
from core.report.csv_report import crashes_csv, write_csv
from core.resources import resource_path
from core.sources.base import EvidenceSource
from core.triage.oneline import for_console
from core.triage.row import row_from


def add_parser(sub: Any) -> None:
    p = sub.add_parser("scan", help="is this the known issue? what else explains the crashes?",
                       description="Scan evidence and say whether this is the known Stop 0xD1 dump issue, "
                                   "what else explains the crashes or the missing dump, and what to do.")
    add_source_argument(p)
    add_json_argument(p)
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report to FILE")
    p.add_argument("--csv", metavar="FILE",
                   help="also write the crash list as CSV to FILE (columns as BlueScreenView /scomma)")
    p.add_argument("--summary", "--oneline", dest="summary", action="store_true",
                   help="print only a one-line summary (at most 2,048 characters) for fleet tools that keep "
                        "the last line of output")
    p.add_argument("--demo", action="store_true",
                   help="scan the built-in demo evidence (an affected Windows 7 virtual machine)")
    p.set_defaults(func=run)


def _progress(verbose: bool) -> ProgressSink:
    if not verbose:
        return no_progress

    def show(update: ProgressUpdate) -> None:
        total = f"/{update.total}" if update.total is not None else ""
        print(f"[{update.step}] {update.done}{total} {update.message}", file=sys.stderr)

    return show


def _report(source: EvidenceSource, args: argparse.Namespace) -> int:
    case = examine(source, _progress(bool(getattr(args, "verbose", False))))
    evidence, diag = case.evidence, case.diagnosis
    assert diag is not None  # examine diagnoses unless asked not to
    if args.html:
        try:
            Path(args.html).write_text(render_html(diag, evidence), encoding="utf-8")
        except OSError as exc:
            print(f"dumpdoctor: cannot write {args.html}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    if getattr(args, "csv", None):
        problem = write_csv(args.csv, crashes_csv(evidence))
        if problem:
            print(f"dumpdoctor: {problem}", file=sys.stderr)
            return EXIT_USAGE
    if getattr(args, "summary", False):
        print(for_console(row_from(diag, evidence, source.description).summary, sys.stdout.encoding))
    elif args.json:
        print(json.dumps(render_json(diag, evidence), indent=2, ensure_ascii=False))
    else:  # with files from several computers: that first, then one diagnosis per computer
        sys.stdout.write(render_text(diag, evidence))
    short = [p for p in evidence.problems if p.step == TEMP_SPACE_STEP]
    if short and diag.exit_code == EXIT_OK:
        # Evidence went unread for want of disk space here: "nothing wrong" would be unfounded.
        print(f"dumpdoctor: {len(short)} file(s) could not be unpacked for lack of temporary disk space; "
              "the answer is incomplete", file=sys.stderr)
        return EXIT_CANT_TELL
    return diag.exit_code


def run(args: argparse.Namespace) -> int:
    if getattr(args, "summary", False) and args.json:
        print("dumpdoctor: --summary prints one line of text; give either --summary or --json",
              file=sys.stderr)
        return EXIT_USAGE
    if args.demo:
        if args.source:
            print("dumpdoctor: --demo scans the built-in demo evidence; give no SOURCE with it",
                  file=sys.stderr)
            return EXIT_USAGE
        args.source = [str(resource_path("demo"))]
    try:
        return with_source(args, lambda source: _report(source, args))
    except DumpDoctorError as exc:  # a reader let one escape the scan: report it, do not crash
        print(f"dumpdoctor: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
