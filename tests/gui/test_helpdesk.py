"""Issue 16, walked as a helpdesk engineer: the answer first, keys that do what they say, nothing
cut off or overlapping, words instead of internal ids, exports people script against."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QWidget,
    QWizard,
)

from core.diagnosis.model import Diagnosis, VerdictId
from core.wizard.flow import STEP_ORDER, OpState, SourceChoice, Step
from gui.pages.base import PAGE_ID
from gui.save_location import default_bundle_path, default_save_folder
from gui.services import CoreServices
from gui.widgets import RowsTable
from gui.wizard import DumpDoctorWizard
from tests.builders import regf
from tests.gui.conftest import (
    clean_evidence,
    fake_services,
    make_diagnosis,
    problem_evidence,
    slow_scan,
)

ROOT = Path(__file__).resolve().parents[2]


def _settle(qtbot) -> None:
    qtbot.wait(30)  # queued focus changes and the tables' second measuring pass


def _scan_and_wait(qtbot, wizard: DumpDoctorWizard) -> None:
    wizard.next()
    qtbot.waitUntil(lambda: wizard.flow.data.scan is OpState.DONE, timeout=10_000)


def _go_to(qtbot, wizard: DumpDoctorWizard, step: Step) -> None:
    while wizard.flow.current is not step:
        before = wizard.flow.current
        wizard.next()
        if wizard.flow.current is Step.SCAN:
            qtbot.waitUntil(lambda: wizard.flow.data.scan is not OpState.RUNNING, timeout=60_000)
        assert wizard.flow.current is not before, wizard.flow.can_advance().reason


def _two_verdicts() -> Diagnosis:
    diag = make_diagnosis(VerdictId.MATCHES)
    readiness = replace(diag.verdict, issue_id="dump-readiness",
                        issue_title="Can this computer write a dump?", id=VerdictId.CANT_TELL,
                        headline="Dump Doctor can't tell whether a dump can be written.", next_steps=[])
    return Diagnosis([diag.verdict, readiness], findings=diag.findings, outcome=diag.outcome)


# --- 1. the answer first ------------------------------------------------------------------------


def test_diagnosis_shows_verdict_checklist_and_steps_first_and_evidence_under_details(
        qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), _two_verdicts()))
    wizard.resize(1366, 740)  # a maximised window on a 1366×768 screen
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.DIAGNOSIS)
    _settle(qtbot)
    page = wizard.diagnosis_page
    # one block per verdict, the primary one first
    assert [b.headline.text() for b in page.blocks] == [
        "This computer has the known problem: it cannot write crash dumps.",
        "Dump Doctor can't tell whether a dump can be written."]
    first = page.blocks[0]
    assert first.checks_title.text() == "What Dump Doctor checked"
    states = [state.text() for state, _ in first.check_labels]
    assert states == ["● Yes", "● Yes", "? Not known"]
    assert "Diskdump.sys not yet fixed" in first.check_labels[1][1].text()
    assert "Install the hotfix" in first.steps.text()
    # the evidence is there, but closed
    assert page.details.isHidden() and not page.details_button.isChecked()
    assert "virtual Storport" in page.evidence.text()
    # verdict, checklist and next steps are visible without scrolling
    viewport = page.page_scroll.viewport()
    for widget in (first.headline, first.checks, first.steps):
        top_left = widget.mapTo(viewport, QPoint(0, 0))
        assert QRect(top_left, widget.size()).bottom() <= viewport.height(), widget.objectName()
    # Details opens the evidence
    qtbot.mouseClick(page.details_button, Qt.MouseButton.LeftButton)
    assert page.details.isVisible() and page.evidence.isVisible()


def test_a_second_diagnosis_opens_at_the_top_with_details_closed(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.resize(800, 500)
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.DIAGNOSIS)
    page = wizard.diagnosis_page
    page.details_button.setChecked(True)
    _settle(qtbot)
    bar = page.page_scroll.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    wizard.back()
    wizard.next()
    _settle(qtbot)
    assert bar.value() == 0
    assert page.details.isHidden()


# --- 2. keys and default buttons ---------------------------------------------------------------


def test_focus_and_default_button_after_every_page_change(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.show()
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    for step in STEP_ORDER[1:]:
        wizard.next()
        if step is Step.SCAN:
            qtbot.waitUntil(lambda: wizard.flow.data.scan is OpState.DONE, timeout=10_000)
        _settle(qtbot)
        focus = QApplication.focusWidget()
        if step is Step.BUNDLE:  # Enter makes the bundle, the step this page is for
            assert focus is wizard.bundle_page.create_button
            assert wizard.bundle_page.create_button.isDefault()
        else:
            assert focus is next_button, f"{step}: focus on {focus!r}"
            assert next_button.isDefault()
        assert focus is not wizard.button(QWizard.WizardButton.BackButton)


def test_enter_on_back_goes_forward_and_enter_never_stops_a_scan(qtbot, tmp_path, make_wizard) -> None:
    ev = problem_evidence()
    wizard = make_wizard(fake_services(tmp_path, ev, make_diagnosis(VerdictId.MATCHES),
                                       scan=slow_scan(1.0, ev)))
    wizard.show()
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    wizard.next()
    page = wizard.scan_page
    assert page.cancel_button.isVisible() and not page.cancel_button.isDefault()
    page.cancel_button.setFocus()
    qtbot.keyClick(page.cancel_button, Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
    assert wizard.flow.data.scan is OpState.RUNNING  # Enter twice did not stop it
    qtbot.waitUntil(lambda: wizard.flow.data.scan is OpState.DONE, timeout=10_000)
    _settle(qtbot)
    back = wizard.button(QWizard.WizardButton.BackButton)
    back.setFocus()
    qtbot.keyClick(back, Qt.Key.Key_Return)
    assert wizard.flow.current is Step.HISTORY  # forward, not back to page 1
    # Space on Back still goes back: the key that says so
    back.setFocus()
    qtbot.keyClick(back, Qt.Key.Key_Space)
    assert wizard.flow.current is Step.SCAN


def test_closing_asks_when_results_would_be_lost(qtbot, tmp_path, make_wizard, monkeypatch) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    asked: list[str] = []
    answer = [False]

    def confirm(_parent: QWidget, question: str) -> bool:
        asked.append(question)
        return answer[0]

    wizard.confirm_close = confirm
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.BUNDLE)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert asked and "not been saved" in asked[0]
    assert wizard.isVisible()  # the user said Stay
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert len(asked) == 2 and wizard.isVisible()
    # after a report was saved nothing is lost: no question
    _go_back_to_diagnosis = wizard.back
    _go_back_to_diagnosis()
    target = tmp_path / "r.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    wizard.diagnosis_page.save_html()
    assert target.exists()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert len(asked) == 2
    assert not wizard.isVisible()


def test_closing_before_any_scan_does_not_ask(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.CANT_TELL)))
    asked: list[str] = []
    wizard.confirm_close = lambda _p, q: asked.append(q) or False
    wizard.show()
    wizard.close()
    assert not asked and not wizard.isVisible()


# --- 3. the default bundle path exists -----------------------------------------------------------


def test_default_save_folder_is_documents_when_it_exists_else_home_and_creates_nothing(tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    docs = home / "Documents"
    assert default_save_folder(docs, home) == home
    assert not docs.exists()  # nothing was created
    docs.mkdir()
    assert default_save_folder(docs, home) == docs
    path = default_bundle_path(home)
    assert path.parent == home and path.name.startswith("dumpdoctor-bundle-") and path.suffix == ".zip"
    assert not path.exists()


def test_the_bundle_page_offers_a_folder_that_exists(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.BUNDLE)
    assert Path(wizard.bundle_page.dest.text()).parent.is_dir()


# --- 4. files identified by content, dialog shows all files --------------------------------------


def test_add_files_dialog_shows_all_files_and_each_file_says_what_it_is(qtbot, tmp_path, make_wizard,
                                                                       monkeypatch) -> None:
    from core.registry.keys import MemoryKey

    hive = tmp_path / "SYSTEM_win7sp1"
    hive.write_bytes(bytes(regf.build_hive(MemoryKey("ROOT")).data))
    junk = tmp_path / "j2.txt"
    junk.write_text("not evidence")
    filters: list[str] = []

    def dialog(_parent, _title, _folder, file_filter, *a, **k):
        filters.append(file_filter)
        return [str(hive), str(junk)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", dialog)
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.CANT_TELL)))
    wizard.show()
    page = wizard.source_page
    qtbot.mouseClick(page.findChild(QAbstractButton, "add-evidence-files"), Qt.MouseButton.LeftButton)
    assert filters[0].startswith("All files (*)")
    texts = [label.text() for label in page.file_labels]
    assert texts == ["SYSTEM_win7sp1 \u2014 registry hive SYSTEM",
                     "j2.txt \u2014 not evidence Dump Doctor reads: text"]
    assert all(b.isVisible() for b in page.remove_buttons)
    qtbot.mouseClick(page.remove_buttons[1], Qt.MouseButton.LeftButton)
    assert wizard.flow.data.files == [hive]
    assert [label.text() for label in page.file_labels] == ["SYSTEM_win7sp1 \u2014 registry hive SYSTEM"]


# --- 5. the Windows folder is checked as it is typed ---------------------------------------------


def test_windows_folder_is_checked_as_typed_with_the_reason(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, clean_evidence(), make_diagnosis(VerdictId.CANT_TELL)))
    wizard.show()
    page = wizard.source_page
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    plain = tmp_path / "photos"
    plain.mkdir()
    good = tmp_path / "mounted"
    (good / "Windows" / "System32" / "config").mkdir(parents=True)
    (good / "Windows" / "System32" / "config" / "SYSTEM").write_bytes(b"regf")
    qtbot.keyClicks(page.folder_edit, str(plain))  # no Tab, no Enter
    assert page.radios[SourceChoice.FOLDER].isChecked()
    assert not next_button.isEnabled()
    assert "No Windows\\System32" in page.status.text()
    page.folder_edit.clear()
    qtbot.keyClicks(page.folder_edit, str(good))
    assert next_button.isEnabled()
    assert page.status.text() == ""
    # a folder that is not Windows never becomes a bundle folder behind the user's back
    page.folder_edit.clear()
    qtbot.keyClicks(page.folder_edit, str(plain))
    wizard.next()
    assert wizard.flow.current is Step.SOURCE


# --- 6 and 8. nothing cut, nothing overlapping, usable small -------------------------------------


def _visible_widgets(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if w.isVisible() and w.width() > 0 and w.height() > 0]


def _walk_every_page(qtbot, wizard: DumpDoctorWizard):
    for step in STEP_ORDER:
        if step is not Step.SOURCE:
            wizard.next()
            if step is Step.SCAN:
                qtbot.waitUntil(lambda: wizard.flow.data.scan is OpState.DONE, timeout=10_000)
        _settle(qtbot)
        assert wizard.currentId() == PAGE_ID[step]
        yield step, wizard.currentPage()


def _overlaps(page: QWidget) -> list[str]:
    """Visible siblings whose rectangles intersect, and children sticking out of their parent
    (a scroll area's content may be larger than its viewport: that is what scrolling is for)."""
    problems = []
    for parent in [page, *_visible_widgets(page)]:
        kids = [w for w in parent.children() if isinstance(w, QWidget) and w.isVisible()
                and not w.isWindow() and w.width() > 0 and w.height() > 0]
        for i, a in enumerate(kids):
            for b in kids[i + 1:]:
                if a.geometry().intersects(b.geometry()):
                    problems.append(f"{a.objectName() or type(a).__name__} overlaps "
                                    f"{b.objectName() or type(b).__name__} in {parent.objectName()}")
            scrolled = isinstance(parent.parent(), QAbstractScrollArea)
            if not scrolled and not parent.rect().contains(a.geometry()):
                problems.append(f"{a.objectName() or type(a).__name__} sticks out of "
                                f"{parent.objectName() or type(parent).__name__}")
    return problems


def _squeezed(page: QWidget) -> list[str]:
    """Widgets given less room than they need: wrapped text with fewer lines than it has, buttons
    and fields shorter than they draw themselves (text cut at the bottom, or drawn over the next)."""
    problems = []
    for w in _visible_widgets(page):
        if isinstance(w, QLabel) and w.wordWrap() and w.text():
            need = w.heightForWidth(w.width())
        elif isinstance(w, (QAbstractButton, QLineEdit)):
            need = w.minimumSizeHint().height()
        else:
            continue
        if w.height() + 1 < need:
            problems.append(f"{w.objectName() or type(w).__name__} {w.height()} px < {need} px")
    return problems


def _cut_labels(page: QWidget) -> list[str]:
    """Labels whose text does not fit and that neither wrap nor show it elsewhere."""
    cut = []
    for label in page.findChildren(QLabel):
        if not label.isVisible() or label.wordWrap() or not label.text() or (label.pixmap() is not None \
                and not label.pixmap().isNull()):
            continue
        if label.textFormat() == Qt.TextFormat.RichText:
            continue
        needed = max(label.fontMetrics().horizontalAdvance(line) for line in label.text().split("\n"))
        if needed > label.contentsRect().width() + 1:
            cut.append(label.text())
    return cut


def _tables_show_whole_text_on_hover(page: QWidget) -> None:
    for table in page.findChildren(RowsTable):
        model = table.model()
        assert table.textElideMode() in (Qt.TextElideMode.ElideRight, Qt.TextElideMode.ElideMiddle)
        if table.isVisible():  # every column on screen: cut cells end in "…", never off the edge
            assert table.horizontalScrollBar().maximum() == 0, table.objectName()
        for r in range(min(model.rowCount(), 50)):
            for c in range(model.columnCount()):
                index = model.index(r, c)
                assert model.data(index, Qt.ItemDataRole.ToolTipRole) == model.data(index)


@pytest.mark.parametrize("size", [(800, 500), (1366, 740)])
def test_every_page_lays_out_without_overlap_or_cut_text(qtbot, tmp_path, make_wizard, size) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), _two_verdicts()))
    wizard.resize(*size)
    wizard.show()
    assert (wizard.width(), wizard.height()) == size
    for step, page in _walk_every_page(qtbot, wizard):
        assert not _overlaps(wizard.currentPage()), (step, _overlaps(page))
        assert not _squeezed(page), (step, _squeezed(page))
        assert not _cut_labels(page), (step, _cut_labels(page))
        _tables_show_whole_text_on_hover(page)
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton):
            button = wizard.button(which)
            if button.isVisible():  # the buttons are inside the window
                corner = button.mapTo(wizard, QPoint(button.width(), button.height()))
                assert wizard.rect().contains(corner - QPoint(1, 1)), (step, which)


def test_usable_at_640x480_by_scrolling(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.resize(640, 480)
    wizard.show()
    assert wizard.width() <= 640 and wizard.height() <= 480
    for step, page in _walk_every_page(qtbot, wizard):
        assert not _overlaps(page), (step, _overlaps(page))
        assert not _squeezed(page), (step, _squeezed(page))
        next_button = wizard.button(QWizard.WizardButton.NextButton)
        if next_button.isVisible():
            corner = next_button.mapTo(wizard, QPoint(next_button.width(), next_button.height()))
            assert wizard.rect().contains(corner - QPoint(1, 1)), step
    page = wizard.diagnosis_page
    wizard.back()
    wizard.next()
    _settle(qtbot)
    assert page.page_scroll.verticalScrollBar().maximum() > 0  # the rest is reached by scrolling


def test_history_path_column_is_readable_at_1366x768(qtbot, tmp_path, make_wizard) -> None:
    from core.dumps.model import DumpInfo, DumpKind

    ev = clean_evidence()
    path = "C:\\Windows\\Minidump\\" + "\\".join(["a-rather-long-folder-name"] * 4) + "\\Mini031224-01.dmp"
    ev.dumps = [DumpInfo(path, DumpKind.KERNEL, dump_type="small")]
    wizard = make_wizard(fake_services(tmp_path, ev, make_diagnosis(VerdictId.CANT_TELL)))
    wizard.resize(1366, 740)
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.HISTORY)
    _settle(qtbot)
    table = wizard.history_page.dumps
    assert table.horizontalScrollBar().maximum() == 0  # no sideways scrolling
    last = table.model().columnCount() - 1
    needed = table.fontMetrics().horizontalAdvance(path)
    lines = table.rowHeight(0) // table.fontMetrics().lineSpacing()
    assert table.columnWidth(last) * max(lines, 1) >= needed  # wrapped whole, not cut


# --- 9. words a helpdesk engineer uses -----------------------------------------------------------


def _all_visible_text(wizard: DumpDoctorWizard) -> str:
    texts = [w.text() for w in wizard.currentPage().findChildren(QLabel) if w.isVisible()]
    for table in wizard.currentPage().findChildren(RowsTable):
        model = table.model()
        texts += [str(model.data(model.index(r, c))) for r in range(model.rowCount())
                  for c in range(model.columnCount())]
    return "\n".join(texts)


def test_no_internal_ids_on_the_real_demo(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(CoreServices())
    wizard.resize(800, 500)
    wizard.show()
    seen = []
    for step, page in _walk_every_page(qtbot, wizard):
        _tables_show_whole_text_on_hover(page)
        assert not _squeezed(page), (step, _squeezed(page))
        if step is Step.DIAGNOSIS:
            wizard.diagnosis_page.details_button.setChecked(True)
        seen.append(_all_visible_text(wizard))
    text = "\n".join(seen)
    for internal in ("storport-virtual", "storport-physical", "dump-stack", "classified as",
                     "not-this-issue", "cant-tell"):
        assert internal not in text
    drivers = wizard.drivers_page
    in_use = {drivers.drivers.text(r, 0).split(" ")[0]: drivers.drivers.text(r, 4)
              for r in range(drivers.drivers.row_count())}
    assert in_use["diskdump.sys"] == "only while a dump is written"


# --- 10. the application's name ------------------------------------------------------------------


def test_the_application_is_named_dump_doctor_not_main_py(tmp_path) -> None:
    script = ("from gui.app import make_application\n"
              "app = make_application()\n"
              "print(app.applicationName(), '|', app.arguments()[0], '|', app.desktopFileName())\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                         env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
                              # Windows: without SYSTEMROOT Python cannot seed its hash, and PySide6
                              # puts its folder on PATH at import (KeyError without one)
                              **{k: os.environ[k] for k in ("SYSTEMROOT", "PATH") if k in os.environ}},
                         timeout=60, check=True)
    assert out.stdout.strip() == "Dump Doctor | dumpdoctor | dumpdoctor"


# --- 11. CSV from the wizard ---------------------------------------------------------------------


def test_save_csv_writes_the_crash_list_and_the_driver_table(qtbot, tmp_path, make_wizard,
                                                             monkeypatch) -> None:
    services = fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES))
    from core.report.csv_report import crashes_csv, drivers_csv

    services.render_crash_csv, services.render_driver_csv = crashes_csv, drivers_csv
    wizard = make_wizard(services)
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.DIAGNOSIS)
    target = tmp_path / "out" / "dumpdoctor-crashes.csv"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(wizard.diagnosis_page.csv_button, Qt.MouseButton.LeftButton)
    crashes = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert crashes[0][:4] == ["Dump File", "Crash Time", "Bug Check String", "Bug Check Code"]
    drivers = list(csv.reader(io.StringIO((target.parent / "dumpdoctor-drivers.csv").read_text(
        encoding="utf-8"))))
    assert drivers[1][:2] == ["vsmraid", "vsmraid.sys"]
    assert drivers[1][4] == "Virtual Storport miniport"
    assert "dumpdoctor-drivers.csv" in wizard.diagnosis_page.action_status.text()
    assert not wizard.results_would_be_lost()


def test_text_field_enter_goes_forward(qtbot, tmp_path, make_wizard) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    wizard.show()
    _scan_and_wait(qtbot, wizard)
    _go_to(qtbot, wizard, Step.BUNDLE)
    dest = wizard.bundle_page.dest
    assert isinstance(dest, QLineEdit)
    called: list[bool] = []
    wizard.bundle_page.create_button.clicked.disconnect()
    wizard.bundle_page.create_button.clicked.connect(lambda: called.append(True))
    dest.setFocus()
    qtbot.keyClick(dest, Qt.Key.Key_Return)
    assert called  # Enter in the path field makes the bundle, it does not close the window
    assert wizard.isVisible()


# --- 7. empty or junk evidence: said once --------------------------------------------------------


def test_a_zip_of_junk_says_once_what_it_held(qtbot, tmp_path, make_wizard) -> None:
    import zipfile

    junk = tmp_path / "junk.zip"
    with zipfile.ZipFile(junk, "w") as zf:
        zf.writestr("j1", b"\x00\x01\x02\xff")
        zf.writestr("j2.txt", "hello")
    wizard = make_wizard(CoreServices())
    wizard.show()
    wizard.open_evidence([junk])
    wizard.next()
    qtbot.waitUntil(lambda: wizard.flow.data.scan is not OpState.RUNNING, timeout=30_000)
    status = wizard.scan_page.status.text()
    assert status.startswith("Nothing Dump Doctor reads was found: the zip held 2 files, neither is "
                             "evidence Dump Doctor reads: j1 (unknown content), j2.txt (text).")
    assert "Every file could be read" not in status


def test_real_demo_answer_and_steps_show_without_scrolling_in_the_default_window(qtbot, tmp_path,
                                                                                  make_wizard) -> None:
    # the window a 1366×768 screen gets by default (DEFAULT_SIZE within the available area)
    wizard = make_wizard(CoreServices())
    wizard.resize(1120, 688)
    wizard.show()
    _go_to(qtbot, wizard, Step.DIAGNOSIS)
    _settle(qtbot)
    page = wizard.diagnosis_page
    viewport = page.page_scroll.viewport()
    steps = page.blocks[0].steps
    assert steps.isVisible() and "Install the hotfix" in steps.text()
    bottom = QRect(steps.mapTo(viewport, QPoint(0, 0)), steps.size()).bottom()
    assert bottom <= viewport.height()
    # every verdict has its own block, the readiness verdict among them, the primary one first
    diagnosis = wizard.results.diagnosis
    assert diagnosis is not None
    assert len(page.blocks) == len(diagnosis.all_verdicts)
    assert page.blocks[0].headline.text() == diagnosis.all_verdicts[0].headline
    assert any(b.words.text().startswith("Crash dump readiness: ") for b in page.blocks)
