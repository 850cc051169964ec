"""GUI test fixtures: settings in a temporary file, logs in tmp, evidence and diagnosis models built
here, and a fake source/scan for the cases that need one (slow scans, failures)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from core.diagnosis.model import (
    Condition,
    ConditionState,
    ConfidenceInfo,
    Diagnosis,
    EvidenceItem,
    Finding,
    NextStep,
    Outcome,
    Verdict,
    VerdictId,
)
from core.drivers.model import (
    BootMiniport,
    Confidence,
    DriverKind,
    FixCheck,
    FixState,
    PeInfo,
    StorageDriver,
    StorageReport,
)
from core.events.model import Timeline, TimelineEntry, TimelineKind
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef, Problem, Severity
from core.examine import Case
from core.progress import CancelToken, ProgressSink, ProgressUpdate
from core.sources.base import EvidenceSource
from core.wizard.flow import Platform
from gui.services import CoreServices
from gui.wizard import DumpDoctorWizard
from tests.builders.fake_source import FakeSource

if sys.platform == "win32" and os.environ.get("QT_QPA_PLATFORM") == "offscreen":
    # Offscreen on Windows: the native styles (windowsvista, windows11) ask for a window handle the
    # offscreen platform does not have ("Failed to obtain HWND"), and its font database looks for
    # fonts under Qt's folder; with qt_log_level_fail both warnings would fail every GUI test.
    os.environ.setdefault("QT_STYLE_OVERRIDE", "Fusion")
    os.environ.setdefault("QT_QPA_FONTDIR", str(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"))

ARTICLE = "https://support.microsoft.com/en-us/servicing/os/windows/2017/01/stop-error-example"
LINUX = Platform(is_windows=False)


def _restart(day: int) -> TimelineEntry:
    return TimelineEntry(TimelineKind.UNEXPECTED_RESTART, datetime(2024, 3, day, 8, 30, tzinfo=UTC),
                         "Restarted unexpectedly after Stop 0xD1.", bugcheck_code=0xD1, dump_written=False,
                         events=[EvidenceRef("event", f"System.evtx #{100 + day}",
                                             "Microsoft-Windows-Kernel-Power 41")])


def problem_evidence() -> Evidence:
    pe = PeInfo(path="drivers/vsmraid.sys", machine="x64", bits=64, timestamp=0, file_version="6.1.0.1",
                company="Example Virtual Storage")
    storage = StorageReport(
        drivers=[StorageDriver("vsmraid", "vsmraid.sys", "drivers/vsmraid.sys", pe,
                               DriverKind.STORPORT_VIRTUAL, Confidence.HIGH,
                               ["imports StorPortInitialize", "bound to a ROOT-enumerated device"],
                               in_use=True)],
        boot_miniport=BootMiniport("vsmraid", "only boot-start miniport with a device", Confidence.HIGH),
        diskdump=FixCheck("diskdump.sys", "6.1.7600.16385", "GDR", "6.1.7600.20882", FixState.NOT_FIXED,
                          "Diskdump.sys 6.1.7600.16385 is older than the fixed 6.1.7600.20882."))
    return Evidence("Fake evidence (problem machine)", "bundle", storage=storage,
                    timeline=Timeline(entries=[_restart(12), _restart(14), _restart(20)]),
                    problems=[Problem("dumps/broken.dmp", "not a crash dump (at offset 0x0)",
                                      Severity.ERROR, "dumps")])


def clean_evidence() -> Evidence:
    return Evidence("Fake evidence (healthy machine)", "bundle", storage=StorageReport(),
                    timeline=Timeline(first_event=datetime(2024, 1, 1, tzinfo=UTC)))


def make_diagnosis(verdict_id: VerdictId) -> Diagnosis:
    problem = verdict_id in (VerdictId.MATCHES, VerdictId.AT_RISK)
    verdict = Verdict(
        issue_id="virtual-storport-dump-0xd1", issue_title="Stop 0xD1 with a virtual Storport miniport",
        id=verdict_id, reason=None,
        headline=("This computer has the known problem: it cannot write crash dumps." if problem
                  else "This computer does not have the known problem."),
        explanation="Explanation sentence from core.", technical="",
        confidence=ConfidenceInfo(Confidence.HIGH, "all four conditions were read directly"),
        conditions=[Condition("os", "Windows version covered by the article", ConditionState.YES,
                              "Windows 7 SP1 is covered."),
                    Condition("fixed-file", "Diskdump.sys not yet fixed",
                              ConditionState.YES if problem else ConditionState.NO,
                              "Diskdump.sys 6.1.7600.16385 is older than the fix."),
                    Condition("symptom", "Crash with Stop 0xD1 and no dump written", ConditionState.UNKNOWN,
                              "No System event log was read.")],
        evidence=[EvidenceItem("The boot disk is served by a virtual Storport miniport.",
                               EvidenceRef("registry", "HKLM\\SYSTEM\\...\\vsmraid"))],
        next_steps=([NextStep("install-hotfix", "fix", "Install the hotfix", link=ARTICLE)] if problem
                    else []),
        link=ARTICLE)
    return Diagnosis([verdict], findings=[Finding("recent-bugchecks", Severity.WARNING, "3 crashes",
                                                  "Three Stop errors.")] if problem else [],
                     outcome=Outcome.PROBLEM if problem else Outcome.OK)


def fake_services(tmp_path: Path, evidence: Evidence, diagnosis: Diagnosis, *,
                  scan: Callable[[EvidenceSource, ProgressSink, CancelToken], Evidence] | None = None,
                  ) -> CoreServices:
    demo = tmp_path / "demo"
    demo.mkdir(exist_ok=True)

    def quick_scan(source: EvidenceSource, progress: ProgressSink, cancel: CancelToken) -> Evidence:
        for step in ("registry", "dumps", "drivers", "events"):
            cancel.check()
            progress(ProgressUpdate(step, 1, 1))
        return evidence

    def examine(spec: object, progress: ProgressSink, cancel: CancelToken) -> Case:
        source = FakeSource()
        return Case(source, (scan or quick_scan)(source, progress, cancel), diagnosis)

    return CoreServices(examine=examine,
                        render_text=lambda d, e: f"TEXT REPORT: {d.verdict.headline}",
                        render_html=lambda d, e: f"<html><body>{d.verdict.headline}</body></html>",
                        demo_dir=lambda: demo)


def slow_scan(seconds: float, evidence: Evidence) -> Callable[[EvidenceSource, ProgressSink, CancelToken],
                                                             Evidence]:
    """A scan that sleeps in small slices, reports often and honours cancel like core.scan."""

    def run(source: EvidenceSource, progress: ProgressSink, cancel: CancelToken) -> Evidence:
        slices = int(seconds / 0.005)
        for i in range(slices):
            cancel.check()
            time.sleep(0.005)
            progress(ProgressUpdate("dumps", i, slices, f"dump {i}"))
        return evidence

    return run


@pytest.fixture(autouse=True)
def _logs_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test logs into its own folder and starts with logging not yet configured (the GUI
    configures it once per process), and the file handlers it adds are removed afterwards."""
    import logging

    import gui.logging_setup as logging_setup

    monkeypatch.setenv("DUMPDOCTOR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(logging_setup, "_configured", False)
    monkeypatch.setattr(logging_setup, "_log_file", None)
    root = logging.getLogger()
    before = list(root.handlers)
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_wizard(qtbot, settings: QSettings) -> Iterator[Callable[..., DumpDoctorWizard]]:
    made: list[DumpDoctorWizard] = []

    def make(services: CoreServices, platform: Platform = LINUX, **kw: object) -> DumpDoctorWizard:
        wizard = DumpDoctorWizard(services=services, platform=platform, settings=settings, **kw)
        # a modal question would block the test run; tests about closing replace this again
        wizard.confirm_close = lambda _parent, _question: True
        qtbot.addWidget(wizard)
        made.append(wizard)
        return wizard

    yield make
    for wizard in made:
        assert wizard.stop_work(timeout=5.0), "background work did not stop"
    import gui.gc_policy
    import gui.operations

    gui.gc_policy.QUIET.stop()  # the collector's settings never leak into the next test
    # every background operation that started has returned and given the GIL's share back
    assert not gui.operations.GIL_SHARE.active, "a background operation never finished"
