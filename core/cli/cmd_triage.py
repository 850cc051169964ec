"""`dumpdoctor triage [PATH...] [--csv FILE] [--html FILE] [--ndjson] [--jobs N]`: one row per machine.

Every bundle (zip or folder), collector folder, offline Windows folder and Velociraptor collection
under the PATHs is examined in worker processes; results are cached by content, so re-running over a
growing queue examines only the new bundles. Without PATH, this computer is examined (one row; what
fleet tools run on each machine).

Exit codes: 0 nothing wrong on any machine, 1 at least one machine has a problem (the known issue or a
finding of warning level), 2 usage error, 3 a machine could not be examined at all, 4 at least one
machine can't tell yet (and none of the above).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.cli.main import EXIT_CANT_TELL, EXIT_OK, EXIT_PROBLEM, EXIT_UNREADABLE, EXIT_USAGE
from core.sources import NOT_WINDOWS
from core.triage import TriageResult, TriageRow
from core.triage.oneline import for_console
from core.triage.run import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S, TriageOptions, triage, triage_live
from core.triage.writers import ndjson_lines, write_csv, write_overview


def add_parser(sub: Any) -> None:
    p = sub.add_parser("triage", help="one row per machine for a folder of bundles (helpdesk queue, fleet)",
                       description="Examine every support bundle (zip or folder), collector folder and "
                                   "offline Windows folder under PATH, one row per machine. Without PATH, "
                                   "this computer.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders of bundles, bundles, or Windows folders")
    p.add_argument("--csv", metavar="FILE", help="write the rows as CSV to FILE")
    p.add_argument("--html", metavar="FILE",
                   help="write a sortable HTML overview to FILE and each machine's full report beside it")
    p.add_argument("--ndjson", "--json", dest="ndjson", action="store_true",
                   help="print one JSON object per machine per line (schema: docs/report-schema.md)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="bundles examined at once, each in its own worker process (default 1)")
    p.add_argument("--cache-dir", metavar="DIR", help="where results are cached (default: the user's "
                   "cache folder)")
    p.add_argument("--no-cache", action="store_true", help="examine every bundle again; do not cache")
    p.add_argument("--max-memory", type=int, default=DEFAULT_MAX_MEMORY_MB, metavar="MB",
                   help=f"memory ceiling per worker process (default {DEFAULT_MAX_MEMORY_MB})")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                   help=f"time allowed to one bundle (default {DEFAULT_TIMEOUT_S}); slower ones get a row "
                        "saying so")
    p.set_defaults(func=run)


def exit_code(rows: list[TriageRow]) -> int:
    outcomes = {r.outcome for r in rows}
    if "problem" in outcomes:
        return EXIT_PROBLEM
    if outcomes & {"error", "unreadable"}:
        return EXIT_UNREADABLE
    if "cant-tell" in outcomes:
        return EXIT_CANT_TELL
    return EXIT_OK


def _text(rows: list[TriageRow]) -> str:
    lines = []
    for r in rows:
        crash = f"{r.last_crash_time} {r.stop_code or ''} {r.stop_name or ''}".strip() if r.last_crash_time \
            else "no crash recorded"
        name = r.computer_name or "?"
        lines.append(f"{name:<20} {r.verdict:<15} readiness {r.dump_readiness:<10} {crash}  [{r.source}]")
        lines.extend(f"{'':<20}   ! {p}" for p in r.problems[:3])
    return "\n".join(lines) + ("\n" if lines else "")


def _counts(result: TriageResult) -> str:
    verdicts: dict[str, int] = {}
    for r in result.rows:
        verdicts[r.verdict] = verdicts.get(r.verdict, 0) + 1
    told = ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items(), key=lambda kv: -kv[1]))
    return (f"dumpdoctor triage: {len(result.rows)} machine(s): {told or 'none'}; examined "
            f"{result.examined}, from cache {result.from_cache}, in {result.seconds:.1f} s")


def _write(args: argparse.Namespace, result: TriageResult) -> int | None:
    try:
        if args.csv:
            with Path(args.csv).open("w", encoding="utf-8-sig", newline="") as out:
                write_csv(result.rows, out)
        if args.html:
            write_overview(Path(args.html), result.rows, result.reports)
    except OSError as exc:
        print(f"dumpdoctor: cannot write {exc.filename or args.csv or args.html}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USAGE
    return None


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        print("dumpdoctor: --jobs must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    if args.timeout <= 0:
        print("dumpdoctor: --timeout must be more than 0 (seconds)", file=sys.stderr)
        return EXIT_USAGE
    if args.max_memory < 256:
        print("dumpdoctor: --max-memory must be at least 256 (MB)", file=sys.stderr)
        return EXIT_USAGE
    with_reports = bool(args.html)
    if not args.paths:
        if sys.platform != "win32":
            print(f"dumpdoctor: {NOT_WINDOWS}", file=sys.stderr)
            return EXIT_USAGE
        result = triage_live(with_reports)
    else:
        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            print(f"dumpdoctor: {missing[0]}: no such file or folder", file=sys.stderr)
            return EXIT_USAGE
        options = TriageOptions(jobs=args.jobs, cache_dir=Path(args.cache_dir) if args.cache_dir else None,
                                use_cache=not args.no_cache, with_reports=with_reports,
                                max_memory_mb=args.max_memory, timeout_s=args.timeout)
        verbose = bool(getattr(args, "verbose", False))

        def progress(done: int, total: int, what: str) -> None:
            if verbose:
                print(f"[triage] {done}/{total} {what}", file=sys.stderr)

        result = triage([Path(p) for p in args.paths], options, progress)
    failed = _write(args, result)
    if failed is not None:
        return failed
    if args.ndjson:
        for line in ndjson_lines(result.rows):
            print(line)
    elif not (args.csv or args.html):
        sys.stdout.write(for_console(_text(result.rows), sys.stdout.encoding))
    for path, why in result.skipped:
        print(f"dumpdoctor: skipped {path}: {why}", file=sys.stderr)
    if args.paths or not args.ndjson:
        print(_counts(result), file=sys.stderr)
    return exit_code(result.rows)
