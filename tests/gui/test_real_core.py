"""The wizard on the real core packages: the demo evidence end to end, a corrupt file among loose
evidence, the bundle export, and the --self-test entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from core.diagnosis.model import VerdictId
from core.resources import resource_path
from core.wizard.flow import OpState, SourceChoice, Step
from core.wizard.present import hotfix_link, timeline_statement
from gui.services import CoreServices
from tests.builders.dumps import typical_drivers, write_kernel_dump

ROOT = Path(__file__).resolve().parents[2]
DEMO = resource_path("demo")

def _walk_to(qtbot, wizard, step: Step) -> None:
    while wizard.flow.current is not step:
        before = wizard.flow.current
        wizard.next()
        if wizard.flow.current is Step.SCAN:
            qtbot.waitUntil(lambda: wizard.flow.data.scan is not OpState.RUNNING, timeout=60_000)
            assert wizard.flow.data.scan is OpState.DONE, wizard.flow.data.scan_error
        assert wizard.flow.current is not before, wizard.flow.can_advance().reason


def test_demo_evidence_end_to_end_with_report_and_bundle(qtbot, tmp_path, make_wizard, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    services = CoreServices()
    wizard = make_wizard(services)
    wizard.show()
    assert wizard.flow.data.choice is SourceChoice.DEMO
    _walk_to(qtbot, wizard, Step.HISTORY)
    evidence = wizard.results.evidence
    assert evidence is not None
    assert wizard.history_page.statement.text() == timeline_statement(evidence.timeline)
    _walk_to(qtbot, wizard, Step.DIAGNOSIS)
    diagnosis = wizard.results.diagnosis
    assert diagnosis is not None
    page = wizard.diagnosis_page
    assert page.headline.text() == diagnosis.verdict.headline
    # the source page offers the demo as "a machine with the known problem"
    assert diagnosis.verdict.id is VerdictId.MATCHES
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == services.render_text(diagnosis, evidence)
    assert page.article_button.isEnabled()
    qtbot.mouseClick(page.article_button, Qt.MouseButton.LeftButton)
    assert opened == [hotfix_link(diagnosis.verdict)]
    assert opened[0].startswith("https://support.microsoft.com/")
    _walk_to(qtbot, wizard, Step.BUNDLE)
    bundle = wizard.bundle_page
    assert bundle.redact.isChecked() and not bundle.full_dump.isChecked()
    dest = tmp_path / "out.zip"
    bundle.dest.setText(str(dest))
    qtbot.mouseClick(bundle.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.flow.data.export is not OpState.RUNNING, timeout=60_000)
    assert wizard.flow.data.export is OpState.DONE, wizard.flow.data.export_error
    with zipfile.ZipFile(dest) as zf:
        assert "manifest.json" in zf.namelist()
    assert bundle.open_folder_button.isVisible()
    qtbot.mouseClick(bundle.open_folder_button, Qt.MouseButton.LeftButton)
    # file:///C:/... on Windows, file:///tmp/... elsewhere: let Qt turn the URL back into a path
    assert Path(QUrl(opened[-1]).toLocalFile()) == tmp_path


def test_a_corrupt_file_is_listed_and_the_scan_goes_on(qtbot, tmp_path, make_wizard) -> None:
    corrupt = tmp_path / "Mini031124-01.dmp"
    corrupt.write_bytes(b"PAGEDU64" + b"\x00" * 40)  # a dump header cut short
    events = DEMO / "events" / "System.xml"
    wizard = make_wizard(CoreServices())
    wizard.show()
    wizard.open_evidence([corrupt, events])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.flow.data.scan is not OpState.RUNNING, timeout=60_000)
    assert wizard.flow.data.scan is OpState.DONE, wizard.flow.data.scan_error
    problems = [wizard.scan_page.problems.text(i, 0) for i in range(wizard.scan_page.problems.row_count())]
    assert any(corrupt.name in p for p in problems), problems
    _walk_to(qtbot, wizard, Step.DIAGNOSIS)
    assert wizard.diagnosis_page.headline.text()


def test_unticking_minidumps_leaves_them_out_of_the_bundle(qtbot, tmp_path, make_wizard) -> None:
    # Build 7600 like the demo log's boots: a dump from another build would be another computer's.
    minidump = write_kernel_dump(tmp_path / "in" / "Mini031124-01.dmp", 64, 0xD1,
                                 (0, 2, 0, 0xFFFFF88001234567), dump_type=4,
                                 drivers=typical_drivers(64), build=7600)
    wizard = make_wizard(CoreServices())
    wizard.show()
    wizard.open_evidence([minidump, DEMO / "events" / "System.xml"])
    _walk_to(qtbot, wizard, Step.BUNDLE)
    page = wizard.bundle_page
    assert page.minidumps.isEnabled() and page.minidumps.isChecked()
    assert "1 found" in page.minidumps.text()
    page.minidumps.setChecked(False)
    dest = tmp_path / "nominidumps.zip"
    page.dest.setText(str(dest))
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.flow.data.export is not OpState.RUNNING, timeout=60_000)
    assert wizard.flow.data.export is OpState.DONE, wizard.flow.data.export_error
    with zipfile.ZipFile(dest) as zf:
        names = zf.namelist()
        manifest = zf.read("manifest.json").decode()
    assert not [n for n in names if n.lower().endswith(".dmp")]
    assert "Mini031124-01.dmp" in manifest  # listed under what was left out, with the reason


def test_self_test_entry_point_reaches_a_verdict(tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DUMPDOCTOR_LOG_DIR": str(tmp_path / "logs"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "gui", "--self-test"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("self-test: OK: verdict ")


def test_the_wizard_reads_the_event_log_once_for_scan_and_bundle(qtbot, tmp_path, make_wizard,
                                                                  monkeypatch) -> None:
    # One examination: the bundle page writes the records the scan read instead of reading the log again.
    import core.bundle.export as export_module
    import core.scan as scan_module

    reads: list[str] = []

    def counting(real):  # type: ignore[no-untyped-def]
        def read(inp, *args):  # type: ignore[no-untyped-def]
            reads.append(inp.label)
            return real(inp, *args)
        return read

    monkeypatch.setattr(scan_module, "read_events", counting(scan_module.read_events))
    monkeypatch.setattr(export_module, "read_events", counting(export_module.read_events))
    wizard = make_wizard(CoreServices())
    wizard.show()
    _walk_to(qtbot, wizard, Step.BUNDLE)
    dest = tmp_path / "once.zip"
    wizard.bundle_page.dest.setText(str(dest))
    qtbot.mouseClick(wizard.bundle_page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.flow.data.export is not OpState.RUNNING, timeout=60_000)
    assert wizard.flow.data.export is OpState.DONE, wizard.flow.data.export_error
    with zipfile.ZipFile(dest) as zf:
        assert "events/System.xml" in zf.namelist()
    assert len(reads) == 1, reads
