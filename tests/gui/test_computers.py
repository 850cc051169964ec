"""Files from several computers in the wizard (issue #11): the computer picker is shown first on the Scan
and Diagnosis pages, each computer's diagnosis is shown on its own, it works from the keyboard, and
the history and drivers pages follow the choice. Also: a known issue added as data + one predicate gets
its own verdict block (issue #15)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.diagnosis import diagnose
from core.diagnosis.model import VerdictId
from core.wizard.flow import OpState, Step
from gui.services import CoreServices
from tests.builders.events import Ev, boot, kernel_power_41, write_export
from tests.builders.offline_root import Machine, memory_roots
from tests.builders.regf import build_hive

SHOTS = os.environ.get("DUMPDOCTOR_SHOTS")  # a folder: save PNGs of the pages to look at


def _mixed_files(tmp_path: Path) -> list[Path]:
    """TESTPC's SYSTEM hive (physical LSI_SAS boot disk) and OTHERPC's System log with a crash."""
    hive = tmp_path / "SYSTEM"
    hive.write_bytes(bytes(build_hive(memory_roots(Machine())["SYSTEM"]).data))
    when = datetime(2011, 3, 1, 9, 0, tzinfo=UTC)
    events: list[Ev] = [*boot(when), kernel_power_41(when + timedelta(days=1), bugcheck=0x50),
                        *boot(when + timedelta(days=1, seconds=30))]
    for e in events:
        e.computer = "OTHERPC"
    return [hive, write_export(tmp_path / "other.xml", events)]


def _walk_to(qtbot, wizard, step: Step) -> None:  # type: ignore[no-untyped-def]
    while wizard.flow.current is not step:
        before = wizard.flow.current
        wizard.next()
        if wizard.flow.current is Step.SCAN:
            qtbot.waitUntil(lambda: wizard.flow.data.scan is not OpState.RUNNING, timeout=60_000)
            assert wizard.flow.data.scan is OpState.DONE, wizard.flow.data.scan_error
        assert wizard.flow.current is not before, wizard.flow.can_advance().reason


def _shot(qtbot, wizard, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        qtbot.wait(200)  # let the new blocks lay out, as the event loop would before the user sees them
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        wizard.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("size", [(1366, 768), (800, 500)])
def test_each_computer_is_diagnosed_on_its_own_and_chosen_from_the_keyboard(qtbot, tmp_path, make_wizard,
                                                                             size) -> None:
    wizard = make_wizard(CoreServices())
    wizard.resize(*size)
    wizard.show()
    wizard.open_evidence(_mixed_files(tmp_path))
    _walk_to(qtbot, wizard, Step.HISTORY)
    scan_picker = wizard.scan_page.computers
    diagnosis = wizard.results.diagnosis
    assert diagnosis is not None and [m.label for m in diagnosis.machines] == ["TESTPC", "OTHERPC"]
    wizard.back()
    assert scan_picker.isVisible() and scan_picker.combo.count() == 2
    assert scan_picker.combo.itemText(0).startswith("TESTPC \u2014 ")
    assert "2 computers" in scan_picker.note.text()
    _shot(qtbot, wizard, f"scan-computers-{size[0]}x{size[1]}")
    _walk_to(qtbot, wizard, Step.DIAGNOSIS)
    page = wizard.diagnosis_page
    picker = page.computers
    assert picker.isVisible() and picker.combo.currentIndex() == 0
    # first on the page: above every verdict block
    assert picker.geometry().top() < page.verdict_host.geometry().top()
    testpc = diagnosis.machines[0].diagnosis
    assert page.headline.text() == testpc.verdict.headline
    _shot(qtbot, wizard, f"diagnosis-computers-{size[0]}x{size[1]}")

    # keyboard: Alt+M reaches the picker, Down chooses OTHERPC, whose own diagnosis is then shown
    qtbot.keyClick(page, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert picker.combo.hasFocus()
    qtbot.keyClick(picker.combo, Qt.Key.Key_Down)
    assert picker.combo.currentIndex() == 1 and wizard.results.machine_index == 1
    otherpc = diagnosis.machines[1].diagnosis
    assert page.headline.text() == otherpc.verdict.headline
    assert otherpc.verdict.id is VerdictId.CANT_TELL  # its own log only: its drivers were never seen
    assert page.headline.text() != testpc.verdict.headline or otherpc.verdict.id is testpc.verdict.id
    words = [b.words.text() for b in page.blocks]
    assert words and all(w for w in words)
    _shot(qtbot, wizard, f"diagnosis-otherpc-{size[0]}x{size[1]}")

    # going Back, the drivers and history pages follow the choice: OTHERPC's log, not TESTPC's drivers
    wizard.back()
    assert wizard.flow.current is Step.DRIVERS and wizard.drivers_page.shown_machine == 1
    assert "SYSTEM registry hive was not available" in wizard.drivers_page.boot.text()
    wizard.back()
    assert wizard.flow.current is Step.HISTORY and wizard.history_page.shown_machine == 1
    assert wizard.history_page.statement.text()  # OTHERPC's log says what happened


def test_one_computer_shows_no_picker(qtbot, tmp_path, make_wizard) -> None:
    hive = tmp_path / "SYSTEM"
    hive.write_bytes(bytes(build_hive(memory_roots(Machine())["SYSTEM"]).data))
    wizard = make_wizard(CoreServices())
    wizard.show()
    wizard.open_evidence([hive])
    _walk_to(qtbot, wizard, Step.DIAGNOSIS)
    assert not wizard.diagnosis_page.computers.isVisible()
    assert not wizard.scan_page.computers.isVisible()


def test_a_new_known_issue_gets_its_own_verdict_block(qtbot, tmp_path, make_wizard) -> None:
    from tests.core.diagnosis.evidence_builder import Scenario
    from tests.core.diagnosis.new_issue import ENTRY, knowledge_with_new_issue
    from tests.gui.conftest import fake_services

    ev = Scenario(build=9200, diskdump="6.2.9200.16384", timeline=[]).build_evidence()
    assert ev.registry is not None and ev.registry.crash_control is not None
    ev.registry.crash_control.dump_filters = ["exfilter.sys"]
    diag = diagnose(ev, knowledge_with_new_issue())
    wizard = make_wizard(fake_services(tmp_path, ev, diag))
    wizard.show()
    _walk_to(qtbot, wizard, Step.DIAGNOSIS)
    page = wizard.diagnosis_page
    headlines = [b.headline.text() for b in page.blocks]
    assert headlines[0] == diag.verdict.headline  # the tool's own issue first
    new = headlines.index(ENTRY["wording"]["matches"]["headline"])
    assert page.blocks[new].steps.isVisible()  # shown in full: it applies
    # KB 976746 does not apply here: one small line, no checklist
    brief = [b for b in page.blocks if b.view.brief]
    assert brief and all(not b.checks.isVisible() for b in brief)
    assert page.article_button.toolTip() == ENTRY["link"]
