"""The core API as the GUI calls it, gathered in one object.

Tests swap a single call (a slow scan, a failing export) without touching the rest. The GUI never
computes results itself: everything shown comes through here.

Core is imported normally: importing all of it adds about 55 ms to a ~600 ms start (measured with
`python -X importtime -c "import gui.app"`), not worth deferring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from core.bundle.collector import save_collector
from core.bundle.export import BundleOptions, BundleResult, export_bundle, memory_dmp_size
from core.diagnosis.model import Diagnosis
from core.evidence import Evidence
from core.examine import Case, Spec, examine
from core.progress import CancelToken, ProgressSink
from core.report import render_html, render_text
from core.report.csv_report import crashes_csv, drivers_csv
from core.resources import resource_path
from core.scan import EventRead
from core.sources.base import EvidenceSource


class ExportBundle(Protocol):
    def __call__(self, source: EvidenceSource, evidence: Evidence, diagnosis: Diagnosis | None, dest: Path,
                 options: BundleOptions | None = None, progress: ProgressSink = ...,
                 cancel: CancelToken = ..., *,
                 event_reads: list[EventRead] | None = None) -> BundleResult: ...


def _bundle_options(include_minidumps: bool, include_full_dump: bool, redact: bool) -> BundleOptions:
    return BundleOptions(redact=redact, include_memory_dmp=include_full_dump,
                         include_minidumps=include_minidumps)


def demo_dir() -> Path | None:
    path = resource_path("demo")
    return path if path.is_dir() and any(path.iterdir()) else None


@dataclass
class CoreServices:
    examine: Callable[[Spec, ProgressSink, CancelToken], Case] = examine
    render_text: Callable[[Diagnosis, Evidence], str] = render_text
    render_html: Callable[[Diagnosis, Evidence], str] = render_html
    render_crash_csv: Callable[[Evidence], str] = crashes_csv
    render_driver_csv: Callable[[Evidence], str] = drivers_csv
    export_bundle: ExportBundle = export_bundle
    bundle_options: Callable[[bool, bool, bool], BundleOptions] = _bundle_options
    memory_dmp_size: Callable[[EvidenceSource, Evidence], int | None] = memory_dmp_size
    demo_dir: Callable[[], Path | None] = demo_dir
    save_collector: Callable[[Path], list[Path]] = save_collector
