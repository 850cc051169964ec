"""`dumpdoctor events [SOURCE...] [--json] [--since DATE]`: the crash history from the System log.

SOURCE is .evtx files or XML exports (read directly), or anything `core.sources.open_source` accepts
(a Windows folder, a support bundle folder or .zip; nothing = this computer). With a source that has a
SYSTEM hive and dump files, each unexpected restart is also matched against the dump files and the
dump settings.

Exit status: 0 no unexpected restart in the period shown, 1 at least one unexpected restart, 2 usage
error, 3 no event log could be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.cli.main import EXIT_OK, EXIT_PROBLEM, EXIT_UNREADABLE, EXIT_USAGE
from core.dumps import read_dump
from core.dumps.model import DumpInfo
from core.errors import DumpDoctorError, UsageError
from core.events import build_timeline, detect_event_format, merge_reads, read_events
from core.events.model import EventReadResult, Timeline
from core.evidence_ref import Problem, Severity
from core.jsonutil import iso_utc, to_jsonable
from core.registry import read_registry_facts
from core.registry.model import CrashControl
from core.sources import open_source
from core.sources.base import EventInput, EvidenceSource

EXIT_RESTARTS = EXIT_PROBLEM
MAX_DUMPS = 50  # dump headers are cheap, but a folder of thousands of minidumps is not worth linking


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


def _direct_inputs(names: list[str]) -> list[EventInput] | None:
    """EventInputs when every SOURCE is an event-log file; None when a source must resolve them."""
    if not names:
        return None
    inputs = []
    for name in names:
        path = Path(name)
        if not path.is_file():
            return None
        try:
            kind = detect_event_format(path)
        except DumpDoctorError:
            kind = None
        if kind is None:
            return None
        inputs.append(EventInput(kind, path, path.name))
    return inputs


def _source_evidence(source: EvidenceSource, problems: list[Problem]) -> tuple[CrashControl | None,
                                                                               list[DumpInfo]]:
    """Dump settings and dump headers from the source, when it has them; never fatal."""
    crash_control: CrashControl | None = None
    try:
        hives = source.registry()
        if hives.system is not None:
            crash_control = read_registry_facts(hives.system, hives.software).crash_control
    except DumpDoctorError as exc:
        problems.append(Problem(exc.path or "registry", exc.message, step="events"))
    dumps: list[DumpInfo] = []
    try:
        for path in source.dump_files(crash_control)[:MAX_DUMPS]:
            try:
                dumps.append(read_dump(path))
            except DumpDoctorError as exc:
                problems.append(Problem(str(path), exc.message, step="events"))
    except DumpDoctorError as exc:
        problems.append(Problem(exc.path or "dumps", exc.message, step="events"))
    return crash_control, dumps


def collect(names: list[str]) -> tuple[list[EventReadResult], list[Problem], CrashControl | None,
                                       list[DumpInfo]]:
    problems: list[Problem] = []
    crash_control: CrashControl | None = None
    dumps: list[DumpInfo] = []
    inputs = _direct_inputs(names)
    source: EvidenceSource | None = None
    if inputs is None:
        source = open_source([Path(n) for n in names] if names else None)
    try:
        if source is not None:
            inputs = source.event_inputs()
            problems.extend(source.problems)
            crash_control, dumps = _source_evidence(source, problems)
        results = []
        for inp in inputs or []:
            try:
                results.append(read_events(inp))
            except DumpDoctorError as exc:
                problems.append(Problem(inp.label, str(exc), step="events"))
    finally:
        if source is not None:
            source.close()
    return results, problems, crash_control, dumps


def _read_and_empty(problems: list[Problem]) -> bool:
    """No input to read, yet nothing failed: the log was read and holds none of the events (the live
    query says so with an INFO note). That is a readable log with nothing in it, exit 0, not 3."""
    events = [p for p in problems if p.step == "events"]
    return bool(events) and all(p.severity is Severity.INFO for p in events)


def run(args: argparse.Namespace) -> int:
    try:
        since = parse_since(args.since) if args.since else None
        results, problems, crash_control, dumps = collect(list(args.sources))
    except UsageError as exc:  # a bad --since, no such file, not Windows
        sys.stderr.write(f"dumpdoctor events: {exc}\n")
        return EXIT_USAGE
    except DumpDoctorError as exc:  # the source is there but cannot be read (a damaged zip, ...)
        sys.stderr.write(f"dumpdoctor events: {exc}\n")
        return EXIT_UNREADABLE
    merged = merge_reads(results)
    problems = problems + merged.problems
    timeline = build_timeline(merged, dumps, crash_control)
    if since is not None:
        timeline.entries = [e for e in timeline.entries if e.time >= since]
    if args.json:
        payload = {"timeline": to_jsonable(timeline), "notes": merged.notes,
                   "unreadable_chunks": merged.unreadable_chunks,
                   "problems": [to_jsonable(p) for p in problems]}
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(timeline, merged, problems))
    if not results and not _read_and_empty(problems):
        return EXIT_UNREADABLE
    return EXIT_RESTARTS if timeline.unexpected_restarts() else EXIT_OK


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
        lines.append(f"{iso_utc(entry.time)[:16].replace('T', ' ')}  {entry.kind.value:<19} {entry.summary}")
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
