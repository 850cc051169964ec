"""The wizard's navigation rules, without Qt."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import UsageError
from core.wizard.flow import STEP_ORDER, OpState, Platform, SourceChoice, Step, WizardFlow

LINUX = Platform(is_windows=False)
WIN_ADMIN = Platform(is_windows=True, elevated=True)
WIN_USER = Platform(is_windows=True, elevated=False)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    d = tmp_path / "demo"
    d.mkdir()
    return d


def _walk_to(flow: WizardFlow, step: Step) -> None:
    while flow.current is not step:
        if flow.current is Step.SCAN:
            flow.scan_finished()
        flow.advance()


def test_this_computer_is_disabled_with_a_reason_off_windows(demo: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    live = flow.choice_state(SourceChoice.THIS_COMPUTER)
    assert not live.enabled
    assert "Windows" in live.reason
    with pytest.raises(UsageError):
        flow.choose(SourceChoice.THIS_COMPUTER)


def test_demo_is_preselected_off_windows_and_can_go_on(demo: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    assert flow.data.choice is SourceChoice.DEMO
    assert flow.can_advance()
    assert flow.source_spec() == str(demo)


def test_without_demo_off_windows_nothing_is_chosen_and_next_says_why() -> None:
    flow = WizardFlow(LINUX, None)
    assert flow.data.choice is None
    gate = flow.can_advance()
    assert not gate and gate.reason
    assert not flow.choice_state(SourceChoice.DEMO).enabled


def test_windows_defaults_to_this_computer_and_admin_advice_only_without_elevation(demo: Path) -> None:
    admin = WizardFlow(WIN_ADMIN, demo)
    assert admin.data.choice is SourceChoice.THIS_COMPUTER
    assert admin.source_spec() is None
    assert not admin.choice_state(SourceChoice.THIS_COMPUTER).offer_elevation
    user = WizardFlow(WIN_USER, demo)
    live = user.choice_state(SourceChoice.THIS_COMPUTER)
    assert live.enabled and live.offer_elevation and "administrator" in live.advice
    assert WizardFlow(WIN_USER, demo, prefer_demo=True).data.choice is SourceChoice.DEMO


def test_folder_choice_needs_a_folder(demo: Path, tmp_path: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    flow.choose(SourceChoice.FOLDER)
    assert not flow.can_advance()
    # an empty folder is not a Windows folder: said before the scan, and it never becomes a bundle
    flow.set_folder(tmp_path)
    gate = flow.can_advance()
    assert not gate and "No Windows\\System32" in gate.reason
    (tmp_path / "Windows" / "System32" / "config").mkdir(parents=True)
    flow.set_folder(tmp_path)
    assert flow.can_advance()
    assert flow.source_spec() == str(tmp_path)


def test_page_order_is_the_navigation_tables_order(demo: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    assert list(flow._nav) == list(STEP_ORDER)
    assert flow.all_steps() == list(STEP_ORDER)


def test_other_computer_one_zip_is_a_bundle_several_files_are_loose(demo: Path, tmp_path: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    flow.choose(SourceChoice.OTHER_COMPUTER)
    assert not flow.can_advance()
    flow.set_files([tmp_path / "PC42.zip"])
    assert flow.source_spec() == str(tmp_path / "PC42.zip")
    files = [tmp_path / "a.dmp", tmp_path / "SYSTEM"]
    flow.set_files(files)
    assert flow.source_spec() == files


def test_the_steps_run_in_order(demo: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    assert flow.all_steps() == [Step.SOURCE, Step.SCAN, Step.HISTORY, Step.DRIVERS, Step.DIAGNOSIS,
                                Step.BUNDLE]


def test_scan_must_finish_before_next(demo: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    flow.advance()
    assert flow.current is Step.SCAN
    flow.scan_started()
    assert not flow.can_advance()
    with pytest.raises(UsageError):
        flow.advance()
    flow.scan_failed("SYSTEM: truncated")
    assert flow.can_advance().reason == "SYSTEM: truncated"
    flow.scan_started()
    flow.scan_finished()
    assert flow.advance() is Step.HISTORY


def test_back_from_a_running_scan_cancels_it(demo: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    flow.advance()
    flow.scan_started()
    assert flow.back() is Step.SOURCE
    assert flow.data.scan is OpState.CANCELLED
    assert flow.needs_scan()


def test_finish_from_diagnosis_or_bundle_not_earlier(demo: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    assert not flow.can_finish()
    _walk_to(flow, Step.DIAGNOSIS)
    assert flow.can_finish()
    flow.advance()
    assert flow.current is Step.BUNDLE
    assert not flow.can_advance()
    flow.export_started()
    assert not flow.can_finish()
    assert not flow.can_go_back()
    flow.export_finished(Path("b.zip"))
    assert flow.can_finish() and flow.can_go_back()


def test_changing_the_source_discards_results(demo: Path, tmp_path: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    _walk_to(flow, Step.DIAGNOSIS)
    assert not flow.needs_scan()
    flow.restart()
    assert flow.current is Step.SOURCE and not flow.needs_scan()  # same source: results still valid
    flow.set_files([tmp_path / "x.dmp"])
    assert flow.needs_scan()
    assert flow.can_export().reason


def test_back_retraces_the_path(demo: Path) -> None:
    flow = WizardFlow(LINUX, demo)
    _walk_to(flow, Step.DRIVERS)
    assert flow.path() == [Step.SOURCE, Step.SCAN, Step.HISTORY, Step.DRIVERS]
    assert flow.back() is Step.HISTORY
    assert flow.back() is Step.SCAN
    assert flow.back() is Step.SOURCE
    assert not flow.can_go_back()
