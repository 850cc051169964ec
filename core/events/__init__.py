"""The System event log: read relevant records from .evtx files and XML exports, and build the crash
timeline from them. See docs/architecture.md for the contract."""

from __future__ import annotations

from core.events.kinds import classify
from core.events.model import (
    EventReadResult,
    EventRecord,
    NoDumpReason,
    Timeline,
    TimelineEntry,
    TimelineKind,
)
from core.events.reader import detect_event_format, merge_reads, read_events
from core.events.timeline import build_timeline

__all__ = ["EventReadResult", "EventRecord", "NoDumpReason", "Timeline", "TimelineEntry", "TimelineKind",
           "build_timeline", "classify", "detect_event_format", "merge_reads", "read_events"]
