"""The window stays responsive while a REAL scan reads a generated folder with many drivers and the
user browses the Storage drivers page.

A sleeping fake scan releases the GIL and cannot catch a stall, so this scans for real. Wall-clock
gaps on a shared machine also measure other processes; what this asserts is load-independent: the
CPU time the GUI thread spends between two heartbeats, and the CPU time of every cyclic-collector
pause (a full collection on the worker holds the GIL and stops the GUI thread just the same).
benchmarks/bench_gui_stall.py measures the wall-clock gaps at 400 and 6,400 drivers."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer

from core.diagnosis.model import VerdictId
from core.wizard.flow import OpState, Step
from gui.services import CoreServices
from tests.builders.many_drivers import write_root_with_drivers
from tests.gui.conftest import fake_services, make_diagnosis, problem_evidence, slow_scan

DRIVERS = 3200  # enough that one full collection of the scan's objects takes over 50 ms
LIMIT = 0.050  # seconds


def test_no_stall_while_scanning_and_browsing_many_drivers(qtbot, tmp_path: Path, make_wizard) -> None:
    root = write_root_with_drivers(tmp_path / "vol", DRIVERS)
    wizard = make_wizard(CoreServices())
    wizard.resize(1000, 700)
    wizard.show()
    wizard.flow.set_folder(root)
    wizard.source_page.show_choice()

    gui_cpu: list[float] = []
    last = [time.thread_time()]

    def beat() -> None:
        now = time.thread_time()
        gui_cpu.append(now - last[0])
        last[0] = now

    pauses: list[float] = []
    started = [0.0]

    def collector(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.thread_time()
        else:
            pauses.append(time.thread_time() - started[0])

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(beat)
    gc.callbacks.append(collector)
    try:
        last[0] = time.thread_time()
        timer.start()
        wizard.next()
        qtbot.waitUntil(lambda: wizard.flow.data.scan is not OpState.RUNNING, timeout=120_000)
        assert wizard.flow.data.scan is OpState.DONE, wizard.flow.data.scan_error
        beats_during_scan = len(gui_cpu)
        while wizard.flow.current is not Step.DRIVERS:
            wizard.next()
            qtbot.wait(20)
        table = wizard.drivers_page.drivers
        assert table.row_count() >= DRIVERS
        table.setFocus()
        for _ in range(15):
            qtbot.keyClick(table, Qt.Key.Key_PageDown)
            qtbot.wait(5)
        qtbot.keyClick(table, Qt.Key.Key_End)
        qtbot.wait(50)
    finally:
        timer.stop()
        gc.callbacks.remove(collector)
    assert beats_during_scan > 20  # the loop kept turning while the scan ran
    assert max(gui_cpu) < LIMIT, f"the GUI thread worked {max(gui_cpu) * 1000:.0f} ms without a break"
    assert max(pauses, default=0.0) < LIMIT, (
        f"a garbage collection held the GIL for {max(pauses) * 1000:.0f} ms")
    # the page shows the whole table without having made a row object per cell
    assert "stor" in table.text(table.row_count() - 1, 0) or table.text(0, 0)


def test_the_quiet_collector_restores_the_thresholds_and_keeps_collecting_young_garbage() -> None:
    from gui.gc_policy import QuietCollector

    before = gc.get_threshold()
    quiet = QuietCollector()
    quiet.start()
    assert gc.get_threshold()[2] > before[2]  # no automatic full collection while scanning
    young_cycle: list[object] = []
    young_cycle.append(young_cycle)
    del young_cycle
    assert gc.collect(1) >= 1  # young cycles are still found (each tick collects them)
    quiet.stop()
    assert gc.get_threshold() == before
    gc.unfreeze()  # leave the test process as it was


def test_a_cancelled_scan_gives_the_gui_thread_back_its_normal_gil_share_and_collector(
        qtbot, tmp_path: Path, make_wizard) -> None:
    """While a scan runs the GUI thread gets the GIL back quickly and no full collection runs; once
    the user stops the scan and its worker has returned, the interpreter is as it was."""
    before_interval, before_threshold = sys.getswitchinterval(), gc.get_threshold()
    ev = problem_evidence()
    wizard = make_wizard(fake_services(tmp_path, ev, make_diagnosis(VerdictId.MATCHES),
                                       scan=slow_scan(30, ev)))
    wizard.show()
    wizard.next()
    page = wizard.scan_page
    op = page.op
    assert op is not None and op.running
    assert sys.getswitchinterval() < before_interval
    assert gc.get_threshold()[2] > before_threshold[2]
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: op.finished_event.is_set(), timeout=2_000)
    assert wizard.flow.data.scan is OpState.CANCELLED
    assert sys.getswitchinterval() == before_interval
    assert gc.get_threshold() == before_threshold
