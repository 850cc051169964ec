"""Walking the wizard like a user: every page, cancel, errors, drops, links, responsiveness."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QWizard

from core.bundle.collector import render_collect_cmd
from core.diagnosis.model import VerdictId
from core.errors import NotRecognisedError
from core.evidence import Evidence
from core.progress import CancelToken, ProgressSink
from core.sources.base import EvidenceSource
from core.wizard.flow import OpState, Platform, SourceChoice, Step
from gui.elevation import ElevationResult
from gui.widgets import RowsTable
from gui.wizard import PAGE_ID, DumpDoctorWizard
from tests.gui.conftest import (
    ARTICLE,
    clean_evidence,
    fake_services,
    make_diagnosis,
    problem_evidence,
    slow_scan,
)


def _scan_and_wait(qtbot, wizard: DumpDoctorWizard) -> None:
    wizard.next()
    assert wizard.flow.current is Step.SCAN
    qtbot.waitUntil(lambda: wizard.flow.data.scan is OpState.DONE, timeout=10_000)


def _go_to(qtbot, wizard: DumpDoctorWizard, step: Step) -> None:
    while wizard.flow.current is not step:
        before = wizard.flow.current
        wizard.next()
        assert wizard.flow.current is not before, wizard.flow.can_advance().reason


def _table_text(table: RowsTable) -> str:
    return "\n".join(table.text(r, c) for r in range(table.row_count())
                     for c in range(table.rows_model.columnCount()))


def test_walk_problem_evidence_from_start_to_bundle(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.show()
    assert wizard.flow.data.choice is SourceChoice.DEMO  # non-Windows: demo preselected
    assert wizard.source_page.radios[SourceChoice.DEMO].isChecked()
    _scan_and_wait(qtbot, wizard)
    # the unreadable file is listed on the scan page, and the scan still finished
    assert "broken.dmp" in wizard.scan_page.problems.text(0, 0)
    _go_to(qtbot, wizard, Step.HISTORY)
    page = wizard.history_page
    assert page.statement.text() == ("3 unexpected restarts since 12 March 2024; "
                                     "no dump file was written for any of them.")
    assert "System.evtx #112" in _table_text(page.events)
    assert page.dumps.isHidden()
    _go_to(qtbot, wizard, Step.DRIVERS)
    assert "Virtual Storport miniport" in _table_text(wizard.drivers_page.drivers)
    assert "NOT the fixed version" in _table_text(wizard.drivers_page.fixes)
    _go_to(qtbot, wizard, Step.DIAGNOSIS)
    diag = wizard.diagnosis_page
    assert diag.headline.text() == "This computer has the known problem: it cannot write crash dumps."
    assert diag.words.text().startswith("Matches")
    assert not diag.icon.pixmap().isNull()
    assert "virtual Storport" in diag.evidence.text()
    assert "Install the hotfix" in diag.steps.text()
    assert diag.article_button.isEnabled()
    _go_to(qtbot, wizard, Step.BUNDLE)
    assert wizard.button(wizard.WizardButton.FinishButton).isVisible()


def test_walk_a_healthy_machine(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.NOT_THIS_ISSUE)))
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    assert wizard.scan_page.problems.isHidden()
    _go_to(qtbot, wizard, Step.HISTORY)
    assert wizard.history_page.statement.text().startswith("No unexpected restarts")
    _go_to(qtbot, wizard, Step.DIAGNOSIS)
    assert wizard.diagnosis_page.words.text().startswith("Not this known issue")
    assert wizard.diagnosis_page.steps.isHidden()
    # Back walks the same path in reverse, down to the first page
    for step in (Step.DRIVERS, Step.HISTORY, Step.SCAN, Step.SOURCE):
        wizard.back()
        assert wizard.flow.current is step
        assert wizard.currentId() == PAGE_ID[step]


def test_cancel_stops_the_scan_and_allows_a_new_one(qtbot, tmp_path, make_wizard) -> None:
    ev = problem_evidence()
    services = fake_services(tmp_path, ev, make_diagnosis(VerdictId.MATCHES), scan=slow_scan(30, ev))
    wizard = make_wizard(services)
    wizard.show()
    wizard.next()
    page = wizard.scan_page
    qtbot.waitUntil(lambda: page.bars["dumps"].value() > 0, timeout=5_000)
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert wizard.flow.data.scan is OpState.CANCELLED
    op = page.op
    assert op is not None
    # the worker itself stops (the fake would run 30 s otherwise)
    qtbot.waitUntil(lambda: op.finished_event.is_set(), timeout=2_000)
    assert page.again_button.isVisible()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    # Back is possible, and Next from the first page scans again
    wizard.back()
    assert wizard.flow.current is Step.SOURCE


def test_going_back_during_a_scan_stops_it(qtbot, tmp_path, make_wizard) -> None:
    ev = problem_evidence()
    wizard = make_wizard(fake_services(tmp_path, ev, make_diagnosis(VerdictId.MATCHES),
                                       scan=slow_scan(30, ev)))
    wizard.show()
    wizard.next()
    op = wizard.scan_page.op
    assert op is not None
    wizard.back()
    qtbot.waitUntil(lambda: op.finished_event.is_set(), timeout=2_000)
    assert wizard.flow.data.scan is OpState.CANCELLED


def test_a_failing_scan_is_reported_with_the_log_location(qtbot, tmp_path, make_wizard) -> None:
    def broken(source: EvidenceSource, progress: ProgressSink, cancel: CancelToken) -> Evidence:
        raise NotRecognisedError("not a Windows folder", path="/evidence", expected="Windows\\System32")

    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.CANT_TELL),
                                       scan=broken))
    wizard.show()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.flow.data.scan is OpState.FAILED, timeout=5_000)
    text = wizard.scan_page.status.text()
    assert "not a Windows folder" in text
    assert str(tmp_path / "logs") in text
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()


def _drop_event(mime: QMimeData) -> QDropEvent:
    return QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)


def test_dropping_files_anywhere_selects_evidence_from_another_computer(qtbot, tmp_path,
                                                                       make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.CANT_TELL)))
    wizard.show()
    files = [tmp_path / "Mini031224-01.dmp", tmp_path / "System.evtx"]
    for f in files:
        f.write_bytes(b"x")
    text_only = QMimeData()
    text_only.setText("just some text")
    ignored = _drop_event(text_only)
    wizard.dropEvent(ignored)  # Qt only routes real drags, so the handler is called directly
    assert not ignored.isAccepted()
    assert wizard.flow.data.choice is SourceChoice.DEMO
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    event = _drop_event(mime)
    wizard.dropEvent(event)
    assert event.isAccepted()
    assert wizard.flow.data.choice is SourceChoice.OTHER_COMPUTER
    assert wizard.flow.data.files == files
    assert wizard.source_page.radios[SourceChoice.OTHER_COMPUTER].isChecked()
    assert len(wizard.source_page.file_labels) == 2
    assert wizard.flow.source_spec() == files


def test_dropping_on_a_later_page_starts_over_with_the_new_evidence(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.CANT_TELL)))
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.DIAGNOSIS)
    bundle = tmp_path / "PC42.zip"
    bundle.write_bytes(b"PK\x05\x06" + bytes(18))
    wizard.open_evidence([bundle])
    assert wizard.currentId() == PAGE_ID[Step.SOURCE]
    assert wizard.flow.current is Step.SOURCE
    assert wizard.flow.needs_scan()
    assert wizard.flow.source_spec() == str(bundle)


def test_the_article_button_opens_the_hotfix_article(qtbot, tmp_path, make_wizard, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.DIAGNOSIS)
    qtbot.mouseClick(wizard.diagnosis_page.article_button, Qt.MouseButton.LeftButton)
    assert opened == [ARTICLE]


def test_copy_and_save_report(qtbot, tmp_path, make_wizard, monkeypatch) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.DIAGNOSIS)
    page = wizard.diagnosis_page
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text().startswith("TEXT REPORT: This computer has the known problem")
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "known problem" in target.read_text(encoding="utf-8")
    # an unwritable destination is reported, not fatal
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "missing-dir" / "r.html"), ""))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "Could not save" in page.action_status.text()


def test_this_computer_is_disabled_with_reason_on_linux(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.CANT_TELL)))
    radio = wizard.source_page.radios[SourceChoice.THIS_COMPUTER]
    assert not radio.isEnabled()
    assert "Windows" in wizard.source_page.live_note.text()
    assert wizard.source_page.elevate_button.isHidden()


def test_windows_without_admin_offers_restart_as_administrator(qtbot, tmp_path, make_wizard,
                                                               monkeypatch) -> None:
    calls: list[tuple[object, ...]] = []
    import gui.pages.source_page as source_page

    def fake_restart() -> ElevationResult:
        calls.append(("restart",))
        # what request_admin_restart says when the user declines the UAC prompt (ShellExecute 5)
        return ElevationResult(False, "Windows did not start Dump Doctor as administrator (the request "
                                      "was refused).")

    monkeypatch.setattr(source_page, "request_admin_restart", fake_restart)
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.CANT_TELL)),
                         platform=Platform(is_windows=True, elevated=False))
    wizard.show()
    page = wizard.source_page
    assert page.radios[SourceChoice.THIS_COMPUTER].isChecked()
    assert page.elevate_button.isVisible()
    assert "administrator" in page.live_note.text()
    qtbot.mouseClick(page.elevate_button, Qt.MouseButton.LeftButton)
    assert calls and "the request was refused" in page.status.text()
    assert "go on without administrator rights" in page.status.text()


def test_window_geometry_is_remembered(qtbot, tmp_path, settings, make_wizard) -> None:
    services = fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.CANT_TELL))
    first = make_wizard(services)
    first.show()
    first.resize(750, 580)
    first.close()
    second = make_wizard(services)
    assert (second.width(), second.height()) == (750, 580)


@pytest.mark.parametrize("step", [Step.SOURCE, Step.DIAGNOSIS])
def test_widgets_have_accessible_names_and_buttons_have_mnemonics(qtbot, tmp_path, make_wizard,
                                                                  step) -> None:
    from PySide6.QtWidgets import QAbstractButton

    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.show()
    if step is not Step.SOURCE:
        _scan_and_wait(qtbot, wizard)
        _go_to(qtbot, wizard, step)
    page = wizard.currentPage()
    buttons = [b for b in page.findChildren(QAbstractButton) if b.isVisible()]
    assert buttons
    for b in buttons:
        assert "&" in b.text(), f"{b.text()!r} has no keyboard mnemonic"
    keys = [b.text()[b.text().index("&") + 1].lower() for b in buttons]
    assert len(keys) == len(set(keys)), f"mnemonics clash on this page: {keys}"


def test_keyboard_only_walk_reaches_the_verdict(qtbot, tmp_path, make_wizard) -> None:
    # No mouse: Enter presses the default button (Next) on every page.
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.show()
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    steps = [wizard.flow.current]
    for _ in range(8):
        if wizard.flow.current is Step.DIAGNOSIS:
            break
        qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: wizard.flow.data.scan is not OpState.RUNNING, timeout=10_000)
        steps.append(wizard.flow.current)
    assert wizard.flow.current is Step.DIAGNOSIS, steps
    assert wizard.diagnosis_page.headline.text()
    # on to the bundle with Enter, and Enter there makes the bundle (it does not close the window)
    qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
    assert wizard.flow.current is Step.BUNDLE
    qtbot.wait(30)
    wizard.bundle_page.dest.setText(str(tmp_path / "keyboard.zip"))
    qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
    assert wizard.flow.data.export is not OpState.NOT_STARTED
    assert wizard.isVisible()
    qtbot.waitUntil(lambda: wizard.flow.data.export is not OpState.RUNNING, timeout=10_000)
    wizard.back()
    # Tab reaches the Back button and Space presses it. (Alt+B is not testable here: Qt's offscreen
    # platform disables mnemonic shortcuts; their presence is checked in the accessibility test.)
    back = wizard.button(QWizard.WizardButton.BackButton)
    for _ in range(40):
        if QApplication.focusWidget() is back:
            break
        qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is back, "Tab never reaches the Back button"
    qtbot.keyClick(back, Qt.Key.Key_Space)
    assert wizard.flow.current is Step.DRIVERS


def test_save_the_collector_for_an_older_pc(qtbot, tmp_path, make_wizard, monkeypatch) -> None:
    target = tmp_path / "usb"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(target))
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.NOT_THIS_ISSUE)))
    wizard.show()
    qtbot.mouseClick(wizard.source_page.collector_button, Qt.MouseButton.LeftButton)
    script = target / "collect.cmd"
    assert script.read_bytes() == render_collect_cmd()  # CRLF kept, event queries written in
    assert (target / "README.txt").is_file()
    status = wizard.source_page.status.text()
    assert "collect.cmd" in status and "Run as administrator" in status
    assert wizard.flow.current is Step.SOURCE  # saving the collector is not a scan choice


def test_collector_that_cannot_be_saved_says_why(qtbot, tmp_path, make_wizard, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(blocker))
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.NOT_THIS_ISSUE)))
    wizard.show()
    qtbot.mouseClick(wizard.source_page.collector_button, Qt.MouseButton.LeftButton)
    assert wizard.source_page.status.text().startswith("The collector could not be saved")
