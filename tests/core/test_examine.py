"""One examination for every front end: open → scan → diagnose, each evidence file read once, the
bundle export writing the records the scan read instead of reading the logs again."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from core import scan as scan_module
from core.bundle import export as export_module
from core.bundle.export import export_bundle
from core.cli.main import main
from core.errors import Cancelled
from core.examine import examine
from core.progress import CancelToken, ProgressUpdate
from core.resources import resource_path
from core.sources.base import EvidenceSource
from tests.builders.fake_source import FakeSource
from tests.core.bundle.fakes import personal_source


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count every call of the event reader and the dump reader, wherever they are called from."""
    counts: dict[str, int] = {}

    def counting(name: str, real):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            counts[name] = counts.get(name, 0) + 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(scan_module, "read_events", counting("events", scan_module.read_events))
    monkeypatch.setattr(export_module, "read_events", counting("events", export_module.read_events))
    monkeypatch.setattr(scan_module, "read_dump", counting("dumps", scan_module.read_dump))
    return counts


def test_examine_scans_and_diagnoses_the_demo() -> None:
    updates: list[ProgressUpdate] = []
    with examine(str(resource_path("demo")), updates.append) as case:
        assert case.diagnosis is not None and case.diagnosis.verdicts
        assert case.evidence.timeline is not None and case.evidence.registry is not None
        assert [r.input.label for r in case.event_reads] == case.evidence.timeline.sources
        assert case.merged_events().records_read == case.evidence.timeline.records_read
    steps = [u.step for u in updates]
    assert steps.index("events") < steps.index("diagnosis")


def test_evidence_only_examination_skips_the_diagnosis(tmp_path: Path) -> None:
    source, _ = personal_source(tmp_path)
    case = examine(source, steps=("registry",), with_diagnosis=False)
    assert case.diagnosis is None and case.evidence.registry is not None
    assert case.evidence.dumps == [] and case.event_reads == []


def test_the_bundle_export_reads_each_log_once_per_examination(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    counts = _count_reads(monkeypatch)
    source, _ = personal_source(tmp_path)
    case = examine(source)
    export_bundle(case.source, case.evidence, case.diagnosis, tmp_path / "b.zip",
                  event_reads=case.event_reads)
    assert counts == {"events": 1, "dumps": 1}
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert b"Microsoft-Windows-Kernel-Power" in zf.read("events/System.xml")


def test_cli_bundle_reads_each_evidence_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counts = _count_reads(monkeypatch)
    assert main(["bundle", str(resource_path("demo")), "-o", str(tmp_path / "b.zip")]) == 0
    assert counts == {"events": 1}  # the demo holds one System log and no dump


def test_cli_events_is_one_examination_not_a_scan_of_its_own(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, ...]] = []
    real = scan_module.read_source

    def spy(source: EvidenceSource, progress, cancel, steps):  # type: ignore[no-untyped-def]
        seen.append(steps)
        return real(source, progress, cancel, steps)

    monkeypatch.setattr("core.examine.read_source", spy)
    assert main(["events", str(resource_path("demo"))]) == 1
    assert seen == [("registry", "dumps", "events")]


def test_a_cancelled_examination_closes_the_source_it_opened(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    closed: list[bool] = []
    source = FakeSource()
    monkeypatch.setattr(source, "close", lambda: closed.append(True))
    monkeypatch.setattr("core.examine.open_source", lambda spec: source)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        examine(str(tmp_path), cancel=token)
    assert closed == [True]
