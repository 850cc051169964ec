"""Page 2, the scan: runs core.scan and core.diagnosis off the GUI thread with per-step progress,
elapsed time and a Cancel that stops the work. Files that could not be read are listed; they do
not stop the scan."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
)

from core.diagnosis.model import Outcome
from core.diagnosis.wording import plural
from core.errors import DumpDoctorError
from core.examine import Case
from core.progress import CancelToken, ProgressUpdate
from core.report.driver_table import DriverTable, driver_table
from core.wizard.evidence_check import what_was_found
from core.wizard.flow import OpState, Step
from core.wizard.present import SCAN_STEPS, machines_notice
from gui import gc_policy
from gui.computer_picker import ComputerPicker
from gui.logging_setup import where_to_look
from gui.operations import BackgroundOp
from gui.pages.base import FlowPage, WizardHost
from gui.widgets import RowsTable, wrapped

log = logging.getLogger(__name__)

ScanOutcome = tuple[Case, int | None, DriverTable]


class ScanPage(FlowPage):
    step = Step.SCAN

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        self.setTitle("Reading the evidence")
        self.setSubTitle("Dump Doctor reads crash settings, dump files, storage drivers and the System "
                         "event log. Nothing is changed.")
        self.op: BackgroundOp | None = None
        self.clock = QElapsedTimer()
        self.ticker = QTimer(self)
        self.ticker.setInterval(250)
        self.ticker.timeout.connect(self._tick)

        layout = self.scrolled_body()
        # files from several computers: which one to show, first on the page once the scan is done
        self.computers = ComputerPicker("scan-computers")
        self.computers.chosen.connect(self._computer_chosen)
        layout.addWidget(self.computers)
        grid = QGridLayout()
        self.bars: dict[str, QProgressBar] = {}
        self.step_status: dict[str, QLabel] = {}
        for row, (step_id, words) in enumerate(SCAN_STEPS):
            name = QLabel(words)
            bar = QProgressBar()
            bar.setObjectName(f"progress-{step_id}")
            bar.setAccessibleName(f"{words} progress")
            bar.setRange(0, 1)
            bar.setValue(0)
            bar.setTextVisible(False)
            status = QLabel("Waiting")
            status.setObjectName(f"status-{step_id}")
            status.setMinimumWidth(160)
            grid.addWidget(name, row, 0)
            grid.addWidget(bar, row, 1)
            grid.addWidget(status, row, 2)
            self.bars[step_id], self.step_status[step_id] = bar, status
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        row_layout = QHBoxLayout()
        self.elapsed = QLabel("")
        self.elapsed.setObjectName("elapsed")
        self.cancel_button = QPushButton("&Stop scan")
        self.cancel_button.setObjectName("cancel-scan")
        self.cancel_button.setAccessibleName("Stop the scan")
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.cancel_button.setAutoDefault(False)  # Enter never stops a scan; Space or Alt+S does
        self.again_button = QPushButton("Scan &again")
        self.again_button.setObjectName("scan-again")
        self.again_button.clicked.connect(self.start_scan)
        row_layout.addWidget(self.elapsed, 1)
        row_layout.addWidget(self.cancel_button)
        row_layout.addWidget(self.again_button)
        layout.addLayout(row_layout)

        self.status = wrapped(name="scan-status", selectable=True)
        layout.addWidget(self.status)
        self.problems_label = wrapped("Notes from the scan (it went on without these):")
        self.problems = RowsTable(("What was not read, and why",), name="scan-problems", wrap=True)
        self.problems.setAccessibleName("Files that could not be read")
        self.problems.setMinimumHeight(self.fontMetrics().height() * 6)
        self.problems_label.setBuddy(self.problems)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 1)
        layout.addStretch(0)
        self._show_problems([])
        self._set_running(False)

    # --- QWizardPage hooks -----------------------------------------------------------------

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        if self.host.flow.needs_scan():
            self.start_scan()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        # going Back stops the scan: its results would belong to a source the user is changing
        if self.op is not None and self.op.running:
            self.cancel_scan()

    # --- the scan --------------------------------------------------------------------------

    def start_scan(self) -> None:
        flow, services = self.host.flow, self.host.services
        self.computers.show_for(None, 0)
        try:
            spec = flow.source_spec()
        except DumpDoctorError as exc:
            self._fail(exc)
            return

        def work(progress: Any, cancel: CancelToken) -> ScanOutcome:
            case = services.examine(spec, progress, cancel)
            try:
                try:  # only for the bundle page's size hint: never a reason to fail the scan
                    size = services.memory_dmp_size(case.source, case.evidence)
                except DumpDoctorError as exc:
                    log.info("memory dump size unknown: %s", exc)
                    size = None
                # the drivers page's rows, made here: thousands of drivers must not stall the window
                drivers = driver_table(case.evidence.storage)
            except BaseException:
                case.close()
                raise
            return case, size, drivers

        for step_id, bar in self.bars.items():
            bar.setRange(0, 1)
            bar.setValue(0)
            self.step_status[step_id].setText("Waiting")
        self._show_problems([])
        self.status.setText("Scanning…")
        gc_policy.QUIET.start()  # no full collection may stall the window during the scan
        flow.scan_started()
        self.op = self.host.track(BackgroundOp(
            work, parent=self, name="scan", success=self._done, failure=self._fail,
            cancelled=self._cancelled, progress=self._progress))
        self.clock.start()
        self._set_running(True)
        self.op.start(self.host.thread_pool)
        self.completeChanged.emit()

    def cancel_scan(self) -> None:
        if self.op is None or not self.op.running:
            return
        self.op.cancel()
        # the work notices within one unit of work; the page stops waiting for it at once
        self._cancelled()

    def _progress(self, updates: list[ProgressUpdate]) -> None:
        for u in updates:
            bar = self.bars.get(u.step)
            if bar is None:
                self.status.setText(u.message or f"{u.step}…")
                continue
            status = self.step_status[u.step]
            if u.total is None:
                bar.setRange(0, 0)  # busy indicator: amount of work not known yet
                status.setText(u.message or f"{u.done} so far")
            else:
                bar.setRange(0, max(u.total, 1))
                bar.setValue(min(u.done, max(u.total, 1)) if u.total else 1)
                done = u.done >= u.total
                status.setText("Done" if done else (u.message or f"{u.done} of {u.total}"))

    def _done(self, result: ScanOutcome) -> None:
        case, size, drivers = result
        evidence = case.evidence
        results = self.host.results
        results.close_source()
        results.source, results.evidence, results.diagnosis = case.source, evidence, case.diagnosis
        results.event_reads = case.event_reads
        results.memory_dmp_size = size
        results.drivers = drivers
        results.saved = False
        results.machine_index = 0
        self.computers.show_for(case.diagnosis, 0)
        self.host.flow.scan_finished()
        self._set_running(False)
        for step_id, bar in self.bars.items():
            bar.setRange(0, 1)
            bar.setValue(1)
            self.step_status[step_id].setText("Done")
        seconds = self.clock.elapsed() / 1000
        if case.diagnosis is not None and case.diagnosis.outcome is Outcome.UNREADABLE:
            # said once, plainly: what the evidence held, instead of "could not be read" beside
            # "every file could be read"
            try:
                found = what_was_found(self.host.flow.source_spec())
            except DumpDoctorError:
                found = ""
            self.status.setText(f"Nothing Dump Doctor reads was found: {found}. Go Back to choose other "
                                "evidence." if found else "Nothing Dump Doctor reads was found. Go Back "
                                "to choose other evidence.")
        else:
            # several computers: the whole source and every computer's dumps (the picker names each)
            each = evidence.machines if len(evidence.machines) > 1 else [evidence]
            source = (evidence.source_description.rsplit(" \u2014 computer ", 1)[0] if len(each) > 1
                      else evidence.source_description)
            self.status.setText(f"Scan finished in {seconds:.1f} s: {source}. "
                                f"{plural(sum(len(e.dumps) for e in each), 'dump file')} found. "
                                "Choose Next to see the crash history.")
        notice = machines_notice(case.diagnosis) if case.diagnosis is not None else None
        lines = [notice] if notice else []  # files from several computers: said first
        lines += [f"Could not read {p}" for p in evidence.problems]
        lines += [f"Not available: {m.message.rstrip('.')}"
                  + (f" \u2014 {m.how_to_get}" if m.how_to_get else ".") for m in evidence.missing]
        self._show_problems(lines)
        self.completeChanged.emit()
        self.host.refresh_buttons()
        # the Stop button that had the focus is gone: put it on Next, not on Back
        self.host.focus_forward()

    def _computer_chosen(self, index: int) -> None:
        self.host.results.machine_index = index

    def _fail(self, exc: Exception) -> None:
        if isinstance(exc, DumpDoctorError):
            message = str(exc)
        else:
            log.exception("scan failed unexpectedly", exc_info=exc)
            message = "The scan stopped because of an internal error in Dump Doctor; please report it."
        self.host.flow.scan_failed(message)
        self._set_running(False)
        self.status.setText(f"{message}\n{where_to_look()}")
        self.completeChanged.emit()

    def _cancelled(self) -> None:
        if self.host.flow.data.scan is not OpState.RUNNING:
            return  # already shown as cancelled
        self.host.flow.scan_cancelled()
        self._set_running(False)
        self.status.setText("Scan stopped. Choose Scan again, or go Back to choose other evidence.")
        self.completeChanged.emit()

    # --- display ---------------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        self.cancel_button.setVisible(running)
        self.again_button.setVisible(not running and self.host.flow.data.scan is not OpState.NOT_STARTED)
        if running:
            self.ticker.start()
        else:
            self.ticker.stop()
            gc_policy.QUIET.stop()
            self._tick()
            for bar in self.bars.values():
                if bar.maximum() == 0:  # stop busy indicators
                    bar.setRange(0, 1)

    def _tick(self) -> None:
        gc_policy.QUIET.tick()
        if self.clock.isValid():
            secs = int(self.clock.elapsed() / 1000)
            self.elapsed.setText(f"Elapsed: {secs // 60}:{secs % 60:02d}")

    def _show_problems(self, lines: list[str]) -> None:
        self.problems.set_rows([[line] for line in lines])
        self.problems_label.setVisible(bool(lines))
        self.problems.setVisible(bool(lines))
