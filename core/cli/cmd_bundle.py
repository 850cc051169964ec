"""`dumpdoctor bundle [SOURCE...] -o FILE.zip [--redact] [--include-memory-dmp]`: scan and diagnose
the evidence, then write one support bundle another Dump Doctor opens as a source.

Exit status: 0 the bundle was written (whatever the diagnosis says; `scan` answers that), 2 usage
(bad output path), 3 the source could not be opened.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.bundle.export import BundleOptions, BundleResult, export_bundle, memory_dmp_size
from core.cli.common import add_source_argument, with_source
from core.cli.main import EXIT_OK, EXIT_USAGE
from core.errors import DumpDoctorError, UsageError
from core.evidence_ref import Severity
from core.examine import examine
from core.formatting import format_size
from core.progress import ProgressUpdate
from core.sources.base import EvidenceSource


def add_parser(sub: Any) -> None:
    p = sub.add_parser("bundle", help="write a support bundle (.zip) for the helpdesk",
                       description="Scan and diagnose the evidence, then write one .zip holding the "
                                   "report and the evidence, which another Dump Doctor can open.")
    add_source_argument(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE.zip", help="the bundle to write")
    p.add_argument("--redact", action="store_true",
                   help="replace user names, computer name, domain, SIDs, MAC addresses and serial "
                        "numbers in the bundle's text files with tokens (USER1, COMPUTER1, ...)")
    p.add_argument("--no-minidumps", action="store_true",
                   help="leave the small memory dumps out (their memory may hold names, which "
                        "--redact cannot rewrite)")
    p.add_argument("--include-memory-dmp", action="store_true",
                   help="include the whole MEMORY.DMP (can be many GB) instead of its header pages")
    p.add_argument("--no-evtx", action="store_true",
                   help="do not include the whole System.evtx, only the relevant events as XML")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    dest = Path(args.output)
    if dest.is_dir():
        print(f"dumpdoctor: {dest} is a folder; give the name of the .zip to write", file=sys.stderr)
        return EXIT_USAGE
    options = BundleOptions(redact=args.redact, include_memory_dmp=args.include_memory_dmp,
                            include_evtx=not args.no_evtx,
                            include_minidumps=not args.no_minidumps)
    return with_source(args, lambda source: _export(source, dest, options, args.verbose))


def _export(source: EvidenceSource, dest: Path, options: BundleOptions, verbose: bool) -> int:
    def progress(update: ProgressUpdate) -> None:
        if verbose and update.step == "export" and update.total:
            print(f"export: {update.done * 100 // update.total}% {update.message}", file=sys.stderr)

    case = examine(source)
    evidence, diagnosis = case.evidence, case.diagnosis
    if options.include_memory_dmp:
        size = memory_dmp_size(source, evidence)
        if size:
            print(f"Including the whole memory dump: {format_size(size)}.", file=sys.stderr)
    try:
        result = export_bundle(source, evidence, diagnosis, dest, options, progress,
                               event_reads=case.event_reads)
    except KeyboardInterrupt:  # Ctrl+C or SIGTERM (core.cli.main): the export removed its partial file
        print(f"dumpdoctor: interrupted; no bundle was written to {dest}", file=sys.stderr)
        raise
    except UsageError as exc:
        print(f"dumpdoctor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DumpDoctorError as exc:  # pragma: no cover - export records evidence problems itself
        print(f"dumpdoctor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(summary_lines(result)))
    return EXIT_OK


def summary_lines(result: BundleResult) -> list[str]:
    m = result.manifest
    lines = [f"Wrote {result.path} ({format_size(result.size)}, {len(m.files) + 1} files)."]
    if result.removed_partials:
        lines.append(f"Removed {len(result.removed_partials)} unfinished bundle file(s) that an "
                     "interrupted export had left in that folder:")
        lines.extend(f"  - {p.name}" for p in result.removed_partials)
    if m.redacted.applied:
        kinds = ", ".join(f"{k} ({n})" for k, n in m.redacted.identifiers.items()) or "nothing found"
        lines.append(f"Redacted: {kinds}; {m.redacted.count} replacements.")
        if m.redacted.not_redacted:
            lines.append("Not redacted (binary files):")
            lines.extend(f"  - {x}" for x in m.redacted.not_redacted)
    # An info problem says how a file was read (a stale header read past), not that part was lost.
    lost = [p for p in m.scan_problems if p.severity is not Severity.INFO]
    notes = [p for p in m.scan_problems if p.severity is Severity.INFO]
    if lost:
        lines.append("Could not be read (the bundle records this, so it is not mistaken for complete):")
        lines.extend(f"  - {p.path}: {p.message}" for p in lost)
    if notes:
        lines.append("Read whole, with notes (the bundle records them too):")
        lines.extend(f"  - {p.path}: {p.message}" for p in notes)
    if m.left_out:
        lines.append("Left out:")
        lines.extend(f"  - {x.what}: {x.why}" for x in m.left_out)
    return lines
