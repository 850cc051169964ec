"""One examination: open a source, read every piece of evidence once, diagnose. Every front end goes
through `examine` — `dumpdoctor scan/events/drivers/system/bundle`, the wizard's scan page and its
bundle export — so they all see the same evidence, read the same way, each file once.

The Case keeps the source open (a bundle's extracted files, a live query's output) for whatever the
front end does next, e.g. the bundle export copying dumps; closing the Case closes the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from core.diagnosis import diagnose
from core.diagnosis.model import Diagnosis
from core.events.model import EventReadResult
from core.events.reader import merge_reads
from core.evidence import Evidence
from core.progress import NEVER_CANCELLED, CancelToken, ProgressSink, ProgressUpdate, no_progress
from core.scan import STEPS, EventRead, read_source
from core.sources import open_source
from core.sources.base import EvidenceSource

Spec = str | Path | list[Path] | list[str] | None  # what core.sources.open_source accepts
DIAGNOSIS_STEP = "diagnosis"


@dataclass
class Case:
    """What one examination found: the open source, the evidence, its diagnosis (None when the front
    end asked for evidence only), and every System-log input as it was read."""

    source: EvidenceSource
    evidence: Evidence
    diagnosis: Diagnosis | None = None
    event_reads: list[EventRead] = field(default_factory=list)

    def merged_events(self) -> EventReadResult:
        """All event inputs as one read (records, notes, unreadable chunks)."""
        return merge_reads([r.result for r in self.event_reads if r.result is not None])

    def close(self) -> None:
        self.source.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def examine(spec: Spec | EvidenceSource, progress: ProgressSink = no_progress,
            cancel: CancelToken = NEVER_CANCELLED, *, steps: tuple[str, ...] = STEPS,
            with_diagnosis: bool = True) -> Case:
    """Open `spec` (or take an open source), scan it and diagnose it. Raises what open_source raises
    for a source that cannot be used, and Cancelled; a source this call opened is closed then. Every
    problem with a single file is in the evidence, as the scan records it."""
    source = spec if isinstance(spec, EvidenceSource) else open_source(spec)
    try:
        evidence, reads = read_source(source, progress, cancel, steps)
        cancel.check()
        diagnosis = None
        if with_diagnosis:
            progress(ProgressUpdate(DIAGNOSIS_STEP, 0, 1, "Working out the diagnosis"))
            diagnosis = diagnose(evidence)
            cancel.check()
    except BaseException:
        if source is not spec:
            source.close()
        raise
    return Case(source, evidence, diagnosis, reads)
