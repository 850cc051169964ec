"""The core API as the GUI calls it, gathered in one object.

The real implementation imports core lazily, so the window opens even while a core package is
being rebuilt, and tests can swap a single call (a slow scan, a failing export) without touching
the rest. The GUI never computes results itself: everything shown comes through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.diagnosis.model import Diagnosis
from core.evidence import Evidence
from core.progress import CancelToken, ProgressSink
from core.resources import resource_path
from core.sources.base import EvidenceSource

Spec = str | list[Path] | None


def _open_source(spec: Spec) -> EvidenceSource:
    from core.sources import open_source
    return open_source(spec)


def _scan(source: EvidenceSource, progress: ProgressSink, cancel: CancelToken) -> Evidence:
    from core.scan import scan
    return scan(source, progress, cancel)


def _diagnose(evidence: Evidence) -> Diagnosis:
    from core.diagnosis import diagnose
    return diagnose(evidence)


def _render_text(diagnosis: Diagnosis, evidence: Evidence) -> str:
    from core.report import render_text
    return render_text(diagnosis, evidence)


def _render_html(diagnosis: Diagnosis, evidence: Evidence) -> str:
    from core.report import render_html
    return render_html(diagnosis, evidence)


def _export_bundle(source: EvidenceSource, evidence: Evidence, diagnosis: Diagnosis, dest: Path,
                   options: Any, progress: ProgressSink, cancel: CancelToken) -> Any:
    """Returns core.bundle's BundleResult (path, manifest, size)."""
    from core.bundle.export import export_bundle
    return export_bundle(source, evidence, diagnosis, dest, options, progress, cancel)


def _bundle_options(include_minidumps: bool, include_full_dump: bool, redact: bool) -> Any:
    from core.bundle.export import BundleOptions
    return BundleOptions(redact=redact, include_memory_dmp=include_full_dump,
                         include_minidumps=include_minidumps)


def _memory_dmp_size(source: EvidenceSource, evidence: Evidence) -> int | None:
    from core.bundle.export import memory_dmp_size
    return memory_dmp_size(source, evidence)


def _save_collector(dest: Path) -> list[Path]:
    from core.bundle.collector import save_collector
    return save_collector(dest)


def demo_dir() -> Path | None:
    path = resource_path("demo")
    return path if path.is_dir() and any(path.iterdir()) else None


@dataclass
class CoreServices:
    open_source: Callable[[Spec], EvidenceSource] = _open_source
    scan: Callable[[EvidenceSource, ProgressSink, CancelToken], Evidence] = _scan
    diagnose: Callable[[Evidence], Diagnosis] = _diagnose
    render_text: Callable[[Diagnosis, Evidence], str] = _render_text
    render_html: Callable[[Diagnosis, Evidence], str] = _render_html
    export_bundle: Callable[..., Any] = _export_bundle
    bundle_options: Callable[[bool, bool, bool], Any] = _bundle_options
    memory_dmp_size: Callable[[EvidenceSource, Evidence], int | None] = _memory_dmp_size
    demo_dir: Callable[[], Path | None] = demo_dir
    save_collector: Callable[[Path], list[Path]] = _save_collector
