"""Helpers every `dumpdoctor` sub-command shares: the SOURCE argument, opening it with the right exit
code when it cannot be used, and JSON output in one format."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from core.cli.main import EXIT_UNREADABLE, EXIT_USAGE
from core.diagnosis.wording import machines_notice
from core.errors import DumpDoctorError, UsageError
from core.evidence import Evidence
from core.evidence_ref import Missing, Problem
from core.jsonutil import to_jsonable
from core.sources import open_source
from core.sources.base import EvidenceSource

SOURCE_HELP = ("where the evidence is: a mounted Windows folder, a support bundle (.zip or folder), or "
               "dump/hive/.evtx/.reg files; nothing for this computer")


def add_source_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="*", metavar="SOURCE", help=SOURCE_HELP)


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def source_spec(args: argparse.Namespace) -> str | list[str] | None:
    given: list[str] = list(getattr(args, "source", None) or [])
    if not given:
        return None
    return given[0] if len(given) == 1 else given


def with_source(args: argparse.Namespace, body: Callable[[EvidenceSource], int],
                err: TextIO | None = None) -> int:
    """Open the SOURCE arguments, run `body`, close the source. Unusable sources exit 2 (usage) or
    3 (unreadable) with one sentence on stderr."""
    err = err or sys.stderr
    try:
        source = open_source(source_spec(args))
    except UsageError as exc:
        print(f"dumpdoctor: {exc}", file=err)
        return EXIT_USAGE
    except DumpDoctorError as exc:
        print(f"dumpdoctor: {exc}", file=err)
        return EXIT_UNREADABLE
    with source:
        return body(source)


def dumps_json(value: Any) -> str:
    return json.dumps(to_jsonable(value), indent=2, ensure_ascii=False, sort_keys=False)


def print_json(value: Any, out: TextIO | None = None) -> None:
    print(dumps_json(value), file=out or sys.stdout)


def format_problems(problems: list[Problem], missing: list[Missing]) -> list[str]:
    """Text lines for the end of a command's output: what could not be read or was not there."""
    lines: list[str] = []
    if missing:
        lines.append("Missing evidence:")
        for m in missing:
            how = f" — {m.how_to_get}" if m.how_to_get else ""
            lines.append(f"  - {m.message}{how}")
    if problems:
        lines.append("Problems reading evidence:")
        lines.extend(f"  - [{p.severity}] {p}" for p in problems)
    return lines


def computers(ev: Evidence) -> list[Evidence]:
    """Every computer's own evidence: one per computer when the files come from several (the scan tells
    them apart, core.machines), else the evidence itself."""
    return list(ev.machines) if len(ev.machines) > 1 else [ev]


def computer_heading(ev: Evidence, number: int, count: int) -> list[str]:
    """The line that opens one computer's section when the files come from several."""
    label = ev.machine.label if ev.machine is not None else f"computer {number}"
    return ["", f"##### Computer {number} of {count}: {label} #####"]


def computers_notice(evs: list[Evidence]) -> list[str]:
    """Said first when the files come from several computers (the same words as `scan`)."""
    if len(evs) < 2:
        return []
    labels = [e.machine.label if e.machine else f"computer {i}" for i, e in enumerate(evs, 1)]
    doubtful = [e.machine.label for e in evs if e.machine is not None and e.machine.unconfirmed]
    return [machines_notice(labels, doubtful, each="Each is shown on its own files only.")]


def whole_source(ev: Evidence) -> str:
    """The source's description without the first computer's name (which the per-computer sections
    give)."""
    return ev.source_description.rsplit(" \u2014 computer ", 1)[0] if len(ev.machines) > 1 \
        else ev.source_description
