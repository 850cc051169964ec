"""Examine one machine: open, scan, diagnose, make its row (and its full HTML report when asked).

This runs inside a worker process (core.triage.run). Nothing that goes wrong with one bundle leaves
this function as an exception: it becomes the row's problem, so the run goes on with the next one.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import DumpDoctorError
from core.examine import examine as examine_source
from core.report import render_html
from core.sources import open_source
from core.triage.row import TriageRow, problem_row, rows_from

log = logging.getLogger(__name__)

OUT_OF_MEMORY = "ran out of the memory allowed to one bundle"
EMPTY_FOLDER = "the folder holds no evidence Dump Doctor reads (no bundle, hive, event log or dump)"


@dataclass
class Examined:
    row: TriageRow
    report_html: bytes | None = None
    peak_rss_kb: int | None = None  # the worker's peak resident memory so far (POSIX)
    more_rows: list[TriageRow] = field(default_factory=list)  # further computers in the same bundle

    @property
    def rows(self) -> list[TriageRow]:
        return [self.row, *self.more_rows]


def peak_rss_kb() -> int | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(usage // 1024) if sys.platform == "darwin" else int(usage)  # macOS counts bytes


def examine(path: Path | None, kind: str, shown: str, with_report: bool) -> Examined:
    """`path` None is this computer (the live source)."""
    if kind == "empty":
        return Examined(problem_row(shown, EMPTY_FOLDER), None, peak_rss_kb())
    try:
        source = open_source(None if path is None else str(path))
    except DumpDoctorError as exc:
        return Examined(problem_row(shown, str(exc)), None, peak_rss_kb())
    except MemoryError:
        return Examined(problem_row(shown, OUT_OF_MEMORY), None, peak_rss_kb())
    except Exception as exc:  # a reader bug must cost one row, never the run
        log.exception("unexpected error opening %s", shown)
        return Examined(problem_row(shown, f"internal error ({type(exc).__name__}: {exc}); please report "
                                    "this"), None, peak_rss_kb())
    try:
        with examine_source(source) as case:  # the same examination as `dumpdoctor scan`
            evidence, diag = case.evidence, case.diagnosis
            assert diag is not None
            rows = rows_from(diag, evidence, shown)
            report = render_html(diag, evidence).encode("utf-8") if with_report else None
        return Examined(rows[0], report, peak_rss_kb(), rows[1:])
    except DumpDoctorError as exc:
        return Examined(problem_row(shown, str(exc)), None, peak_rss_kb())
    except MemoryError:
        return Examined(problem_row(shown, OUT_OF_MEMORY), None, peak_rss_kb())
    except Exception as exc:
        log.exception("unexpected error examining %s", shown)
        return Examined(problem_row(shown, f"internal error ({type(exc).__name__}: {exc}); please report "
                                    "this"), None, peak_rss_kb())
