"""`dumpdoctor events [SOURCE...] [--json] [--since DATE]`: the crash history from the System log.

SOURCE is .evtx files or XML exports (read directly), or anything `core.sources.open_source` accepts
(a Windows folder, a support bundle folder or .zip; nothing = this computer). With a source that has a
SYSTEM hive and dump files, each unexpected restart is also matched against the dump files and the
dump settings.

Exit status: 0 no unexpected restart in the period shown and every record read, 1 at least one
unexpected restart, 2 usage error, 3 no event log could be read, 4 no unexpected restart among the records
read but some records could not be read (they may hold one). With logs from several computers: the worst.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.cli.main import EXIT_CANT_TELL, EXIT_OK, EXIT_PROBLEM, EXIT_UNREADABLE, EXIT_USAGE
from core.errors import DumpDoctorError, UsageError
from core.events import build_timeline, merge_reads
from core.events.model import EventReadResult, Timeline
from core.evidence_ref import Problem, Severity
from core.examine import Case, examine
from core.formatting import format_time
from core.jsonutil import iso_utc, to_jsonable

EXIT_RESTARTS = EXIT_PROBLEM


def add_parser(sub: Any) -> None:
    p = sub.add_parser("events", help="crash history from the System event log",
                       description="Boots, shutdowns, unexpected restarts and whether each left a dump.")
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help=".evtx files or XML exports, a Windows folder, a bundle (.zip or folder); "
                        "none = this computer")
    p.add_argument("--json", action="store_true", help="print the timeline as JSON")
    p.add_argument("--since", metavar="DATE", help="only show entries from DATE on (YYYY-MM-DD[THH:MM], UTC)")
    p.set_defaults(func=run)


def parse_since(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"--since {text!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def collect(names: list[str]) -> Case:
    """One examination of the SOURCEs without the driver step and the diagnosis: the registry gives the
    dump settings, the dumps are matched against the restarts, the logs give the timeline."""
    return examine([Path(n) for n in names] if names else None, steps=("registry", "dumps", "events"),
                   with_diagnosis=False)


def _read_and_empty(problems: list[Problem]) -> bool:
    """No input to read, yet nothing failed: the log was read and holds none of the events (the live
    query says so with an INFO note). That is a readable log with nothing in it, exit 0, not 3."""
    events = [p for p in problems if p.step == "events"]
    return bool(events) and all(p.severity is Severity.INFO for p in events)


def run(args: argparse.Namespace) -> int:
    try:
        since = parse_since(args.since) if args.since else None
        case = collect(list(args.sources))
    except UsageError as exc:  # a bad --since, no such file, not Windows
        sys.stderr.write(f"dumpdoctor events: {exc}\n")
        return EXIT_USAGE
    except DumpDoctorError as exc:  # the source is there but cannot be read (a damaged zip, ...)
        sys.stderr.write(f"dumpdoctor events: {exc}\n")
        return EXIT_UNREADABLE
    with case:
        return _show(case, since, args.json)


def _code(timeline: Timeline, merged: EventReadResult) -> int:
    """1 when a restart was seen; otherwise 0 only when every record was read: records that could not
    be read may hold the restarts (a log cut short is not an all-clear), so that is 4, can't tell."""
    if timeline.unexpected_restarts():
        return EXIT_RESTARTS
    lost = timeline.unreadable_records or merged.unreadable_records or merged.unreadable_chunks
    return EXIT_CANT_TELL if lost else EXIT_OK


def _worst(codes: list[int]) -> int:
    return next((c for c in (EXIT_RESTARTS, EXIT_CANT_TELL) if c in codes), EXIT_OK)


def _show(case: Case, since: datetime | None, as_json: bool) -> int:
    if case.evidence.machines:
        # Logs from several computers: one timeline each, never one merged story (text and JSON).
        labels = "; ".join(ev.machine.label for ev in case.evidence.machines if ev.machine)
        headline = (f"These files come from {len(case.evidence.machines)} computers: {labels}. "
                    "Each one's timeline is shown on its own.")
        if not as_json:
            sys.stdout.write(headline + "\n")
        codes = []
        machines: list[dict[str, object]] = []
        for ev in case.evidence.machines:
            label = ev.machine.label if ev.machine else "?"
            timeline = ev.timeline or build_timeline([], ev.dumps, None)
            if since is not None:
                timeline.entries = [e for e in timeline.entries if e.time >= since]
            reads = [r.result for r in case.event_reads if r.result is not None
                     and ev.machine is not None and ev.machine.holds(r.result)]
            merged_one = merge_reads(reads)
            problems = [p for p in ev.problems if p.message not in merged_one.notes]
            if as_json:
                machines.append({"computer": label, "timeline": to_jsonable(timeline),
                                 "notes": merged_one.notes, "unreadable_chunks": merged_one.unreadable_chunks,
                                 "problems": [to_jsonable(p) for p in problems]})
            else:
                sys.stdout.write(f"\n##### {label} #####\n")
                sys.stdout.write(render_text(timeline, merged_one, problems))
            codes.append(_code(timeline, merged_one))
        if as_json:
            json.dump({"headline": headline, "machines": machines,
                       "problems": [to_jsonable(p) for p in case.evidence.problems]}, sys.stdout, indent=2)
            sys.stdout.write("\n")
        return _worst(codes)
    merged = case.merged_events()
    # The scan keeps each log's notes as INFO problems too; this output lists them once, as notes.
    problems = [p for p in case.evidence.problems if p.message not in merged.notes]
    timeline = case.evidence.timeline or build_timeline(merged, case.evidence.dumps, None)
    if since is not None:
        timeline.entries = [e for e in timeline.entries if e.time >= since]
    if as_json:
        payload = {"timeline": to_jsonable(timeline), "notes": merged.notes,
                   "unreadable_chunks": merged.unreadable_chunks,
                   "problems": [to_jsonable(p) for p in problems]}
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(timeline, merged, problems))
    if not any(read.result is not None for read in case.event_reads) and not _read_and_empty(problems):
        return EXIT_UNREADABLE
    return _code(timeline, merged)


def render_text(timeline: Timeline, merged: EventReadResult, problems: list[Problem]) -> str:
    lines = [f"System log: {', '.join(timeline.sources) or 'no log read'}"]
    if timeline.records_read:
        span = ""
        if timeline.first_event and timeline.last_event:
            span = f", {iso_utc(timeline.first_event)[:10]} to {iso_utc(timeline.last_event)[:10]}"
        lines.append(f"  {timeline.records_read} records read{span}")
    if timeline.unreadable_records:
        lines.append(f"  {timeline.unreadable_records} records could not be read")
    lines += [f"  note: {n}" for n in merged.notes]
    restarts = timeline.unexpected_restarts()
    lines.append(f"  {len(restarts)} unexpected restart(s); "
                 f"{sum(1 for r in restarts if r.dump_written is False)} without a dump")
    lines.append("")
    for entry in timeline.entries:
        lines.append(f"{format_time(entry.time, zone=False)}  {entry.kind.value:<19} {entry.summary}")
    if not timeline.entries:
        lines.append("(no boots, shutdowns or crashes in the period shown)")
    if timeline.counts:
        lines.append("")
        lines.append("Events by provider/id:")
        lines += [f"  {key}: {n}" for key, n in sorted(timeline.counts.items())]
    if problems:
        lines.append("")
        lines.append("Problems:")
        lines += [f"  {p}" for p in problems]
    return "\n".join(lines) + "\n"
