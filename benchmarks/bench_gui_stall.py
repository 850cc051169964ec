"""The largest gap in the GUI event loop while the wizard scans a generated offline Windows root with
400 and 6,400 storage drivers and the user then browses the Storage drivers page (page down through
the table, selecting rows), and then exports a support bundle (redacted, with the reports) from the
Bundle page. Goal: no gap of 50 ms or more.

For comparison, the time the old page needed on the GUI thread to fill a QTableWidget with the same
rows (cell items for every row, then resizeColumnsToContents / resizeRowsToContents).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_stall.py [--no-quiet-gc]
     [--default-switch-interval] [--dirty-hive] [COUNT ...]
(the first two options turn off, for comparison, the quiet collector and the shorter GIL switch
interval the wizard uses while it works in the background; --dirty-hive puts the real dirty Windows 10
SYSTEM hive and its two logs from ../shared/realdata in place of the generated hive: the scan replays
the logs and the bundle export copies all three)
"""

from __future__ import annotations

import gc
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem  # noqa: E402

from core.wizard.flow import OpState, Step  # noqa: E402
from core.wizard.present import driver_table  # noqa: E402
from gui.app import make_application  # noqa: E402
from gui.wizard import DumpDoctorWizard  # noqa: E402
from tests.builders.many_drivers import write_root_with_drivers  # noqa: E402


class GcPauses:
    """The longest cyclic-collector pause per generation (each holds the GIL, stalling the GUI)."""

    def __init__(self) -> None:
        self.longest = [0.0, 0.0, 0.0]
        self._t = 0.0
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t = time.perf_counter()
        else:
            g = info["generation"]
            self.longest[g] = max(self.longest[g], time.perf_counter() - self._t)

    def report(self) -> str:
        return "/".join(f"{t * 1000:.0f}" for t in self.longest)


class Heartbeat:
    """A 5 ms timer on the GUI thread; the largest interval between its ticks is the worst stall."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)
        self.gaps: list[float] = []
        self.cpu: list[float] = []  # GUI-thread CPU time between ticks: its own work, not the load
        self.last = 0.0
        self.last_cpu = 0.0

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        cpu = time.thread_time()
        self.cpu.append(cpu - self.last_cpu)
        self.last_cpu = cpu
        if now - self.last > 0.04 and os.environ.get("BENCH_WHERE"):
            import traceback
            print(f"gap {(now - self.last) * 1000:.0f} ms; GUI thread was doing:",
                  "".join(traceback.format_stack(limit=8)[:-2])[-1200:], sep="\n")
        self.last = now

    def start(self) -> None:
        self.gaps.clear()
        self.cpu.clear()
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.timer.start()

    def stop(self) -> tuple[float, float]:
        """(largest wall-clock gap, largest GUI-thread CPU slice)"""
        self.timer.stop()
        return max(self.gaps, default=0.0), max(self.cpu, default=0.0)


def pump(app: QApplication, until: float) -> None:
    while time.perf_counter() < until:
        app.processEvents()
        time.sleep(0.001)


def pump_while(app: QApplication, busy: Callable[[], bool]) -> None:
    """Run the event loop as a user's session would while background work is `busy`."""
    while busy():
        app.processEvents()
        time.sleep(0.001)


def walk_to(app: QApplication, wizard: DumpDoctorWizard, step: Step) -> None:
    while wizard.flow.current is not step:
        wizard.next()
        pump(app, time.perf_counter() + 0.05)


def old_fill_seconds(app: QApplication, rows: list[list[str]]) -> float:
    """What the GUI thread spent before: one QTableWidgetItem per cell, then measuring every row."""
    t = QTableWidget(0, 5)
    t.setWordWrap(True)
    t.resize(800, 400)
    t.show()
    t0 = time.perf_counter()
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            t.setItem(r, c, item)
    t.resizeColumnsToContents()
    t.resizeRowsToContents()
    app.processEvents()
    seconds = time.perf_counter() - t0
    t.close()
    return seconds


DIRTY_HIVE: Path | None = None  # --dirty-hive


def run(app: QApplication, count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        root = write_root_with_drivers(Path(tmp) / "vol", count)
        built = time.perf_counter() - t0
        hive_note = ""
        if DIRTY_HIVE:  # the real dirty SYSTEM hive and its logs: replayed by the scan, copied by export
            config = next(root.glob("[Ww]indows/[Ss]ystem32/config"))
            for suffix in ("", ".LOG1", ".LOG2"):
                shutil.copyfile(DIRTY_HIVE.with_name(DIRTY_HIVE.name + suffix), config / f"SYSTEM{suffix}")
            hive_note = f", SYSTEM replaced by the dirty {DIRTY_HIVE.name} and its two logs"
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        wizard = DumpDoctorWizard(settings=settings)
        wizard.confirm_close = lambda _parent, _question: True
        wizard.resize(1000, 700)
        wizard.show()
        wizard.flow.set_folder(root)
        wizard.source_page.show_choice()
        app.processEvents()
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        beat = Heartbeat()
        pauses = GcPauses()
        beat.start()
        t1 = time.perf_counter()
        wizard.next()
        switch_interval = sys.getswitchinterval()  # while the scan runs
        pump_while(app, lambda: wizard.flow.data.scan is OpState.RUNNING)
        scan_seconds = time.perf_counter() - t1
        scan_gap = beat.stop()
        assert wizard.flow.data.scan is OpState.DONE, wizard.flow.data.scan_error
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        beat.start()
        walk_to(app, wizard, Step.DRIVERS)
        table = wizard.drivers_page.drivers
        table.setFocus()
        for _ in range(40):  # browse: page down through the table, then walk rows
            QTest.keyClick(table, Qt.Key.Key_PageDown)
            pump(app, time.perf_counter() + 0.01)
        for _ in range(40):
            QTest.keyClick(table, Qt.Key.Key_Up)
            pump(app, time.perf_counter() + 0.005)
        QTest.keyClick(table, Qt.Key.Key_End)
        pump(app, time.perf_counter() + 0.1)
        browse_gap = beat.stop()
        rows = len(wizard.drivers_page._table.drivers)

        walk_to(app, wizard, Step.BUNDLE)
        wizard.bundle_page.dest.setText(str(Path(tmp) / "bundle.zip"))
        beat.start()
        t2 = time.perf_counter()
        wizard.bundle_page.create_button.click()
        pump_while(app, lambda: wizard.flow.data.export is OpState.RUNNING)
        export_seconds = time.perf_counter() - t2
        export_gap = beat.stop()
        assert wizard.flow.data.export is OpState.DONE, wizard.flow.data.export_error

        t = driver_table(wizard.results.evidence.storage if wizard.results.evidence else None)
        old = old_fill_seconds(app, [[f"{r.name} ({r.file_name})", r.version, r.vendor, r.kind,
                                      r.in_use_words] for r in t.drivers])
        wizard.done(0)
        wizard.deleteLater()
        app.processEvents()
        gc.callbacks.remove(pauses._cb)
        gc.unfreeze()
        deferred = gc.collect()  # what the quiet collector left for later (cycles dropped when frozen)
        print(f"{count} drivers ({rows} rows; root built in {built:.1f} s{hive_note}): "
              f"scan {scan_seconds:.1f} s, "
              f"largest event-loop gap while scanning {scan_gap[0] * 1000:.0f} ms (GUI thread's own "
              f"work {scan_gap[1] * 1000:.0f} ms), while opening and browsing the drivers page "
              f"{browse_gap[0] * 1000:.0f} ms (own work {browse_gap[1] * 1000:.0f} ms), while exporting a "
              f"bundle ({export_seconds:.1f} s) {export_gap[0] * 1000:.0f} ms (own work "
              f"{export_gap[1] * 1000:.0f} ms); load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; GIL switch interval while scanning "
              f"{switch_interval * 1000:g} ms; peak RSS {rss0 / 1024:.0f} -> "
              f"{rss1 / 1024:.0f} MB; longest collector pause gen 0/1/2 {pauses.report()} ms; "
              f"{deferred} unreachable objects were left for later; "
              f"the old QTableWidget fill would block {old * 1000:.0f} ms")


def main() -> None:
    app = make_application()
    args = sys.argv[1:]
    if "--no-quiet-gc" in args:  # for comparison: the collector left alone during the scan
        from gui import gc_policy

        gc_policy.QUIET.start = lambda: None  # type: ignore[method-assign]
        args.remove("--no-quiet-gc")
    if "--default-switch-interval" in args:  # for comparison: the interpreter's 5 ms while scanning
        from gui.operations import GIL_SHARE

        GIL_SHARE.WHILE_WORKING = sys.getswitchinterval()
        args.remove("--default-switch-interval")
    if "--dirty-hive" in args:  # issue 18: copying a dirty hive and its logs once stalled the window
        global DIRTY_HIVE
        DIRTY_HIVE = ROOT.parent / "shared" / "realdata" / "hives" / "SYSTEM_win10-1709"
        if not DIRTY_HIVE.exists():
            sys.exit(f"--dirty-hive needs {DIRTY_HIVE} (and its .LOG1/.LOG2)")
        args.remove("--dirty-hive")
    counts = [int(a) for a in args] or [400, 6400]
    for count in counts:
        run(app, count)


if __name__ == "__main__":
    main()
