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
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from core.diagnosis.wording import plural
from core.errors import DumpDoctorError
from core.examine import Case
from core.progress import CancelToken, ProgressUpdate
from core.wizard.flow import OpState, Step
from core.wizard.present import SCAN_STEPS
from gui.logging_setup import where_to_look
from gui.operations import BackgroundOp
from gui.widgets import wrapped
from gui.wizard import DumpDoctorWizard, FlowPage

log = logging.getLogger(__name__)

ScanOutcome = tuple[Case, int | None]


class ScanPage(FlowPage):
    step = Step.SCAN

    def __init__(self, wizard: DumpDoctorWizard) -> None:
        super().__init__(wizard)
        self.setTitle("Reading the evidence")
        self.setSubTitle("Dump Doctor reads crash settings, dump files, storage drivers and the System "
                         "event log. Nothing is changed.")
        self.op: BackgroundOp | None = None
        self.clock = QElapsedTimer()
        self.ticker = QTimer(self)
        self.ticker.setInterval(250)
        self.ticker.timeout.connect(self._tick)

        layout = QVBoxLayout(self)
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
        self.problems = QListWidget()
        self.problems.setObjectName("scan-problems")
        self.problems.setAccessibleName("Files that could not be read")
        self.problems.setWordWrap(True)
        self.problems_label.setBuddy(self.problems)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 1)
        layout.addStretch(0)
        self._show_problems([])
        self._set_running(False)

    # --- QWizardPage hooks -----------------------------------------------------------------

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        if self.dd.flow.needs_scan():
            self.start_scan()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        # going Back stops the scan: its results would belong to a source the user is changing
        if self.op is not None and self.op.running:
            self.cancel_scan()

    # --- the scan --------------------------------------------------------------------------

    def start_scan(self) -> None:
        flow, services = self.dd.flow, self.dd.services
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
            except BaseException:
                case.close()
                raise
            return case, size

        for step_id, bar in self.bars.items():
            bar.setRange(0, 1)
            bar.setValue(0)
            self.step_status[step_id].setText("Waiting")
        self._show_problems([])
        self.status.setText("Scanning…")
        flow.scan_started()
        self.op = self.dd.track(BackgroundOp(
            work, parent=self, name="scan", success=self._done, failure=self._fail,
            cancelled=self._cancelled, progress=self._progress))
        self.clock.start()
        self._set_running(True)
        self.op.start(self.dd.thread_pool)
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
        case, size = result
        evidence = case.evidence
        results = self.dd.results
        results.close_source()
        results.source, results.evidence, results.diagnosis = case.source, evidence, case.diagnosis
        results.event_reads = case.event_reads
        results.memory_dmp_size = size
        self.dd.flow.scan_finished()
        self._set_running(False)
        for step_id, bar in self.bars.items():
            bar.setRange(0, 1)
            bar.setValue(1)
            self.step_status[step_id].setText("Done")
        seconds = self.clock.elapsed() / 1000
        self.status.setText(f"Scan finished in {seconds:.1f} s: {evidence.source_description}. "
                            f"{plural(len(evidence.dumps), 'dump file')} found. "
                            "Choose Next to see the crash history.")
        lines = [f"Could not read {p}" for p in evidence.problems]
        lines += [f"Not available: {m.message.rstrip('.')}"
                  + (f" \u2014 {m.how_to_get}" if m.how_to_get else ".") for m in evidence.missing]
        self._show_problems(lines)
        self.completeChanged.emit()
        self.dd.refresh_buttons()

    def _fail(self, exc: Exception) -> None:
        if isinstance(exc, DumpDoctorError):
            message = str(exc)
        else:
            log.error("scan failed unexpectedly: %r", exc)
            message = f"The scan stopped because of an unexpected error ({type(exc).__name__}: {exc})."
        self.dd.flow.scan_failed(message)
        self._set_running(False)
        self.status.setText(f"{message}\n{where_to_look()}")
        self.completeChanged.emit()

    def _cancelled(self) -> None:
        if self.dd.flow.data.scan is not OpState.RUNNING:
            return  # already shown as cancelled
        self.dd.flow.scan_cancelled()
        self._set_running(False)
        self.status.setText("Scan stopped. Choose Scan again, or go Back to choose other evidence.")
        self.completeChanged.emit()

    # --- display ---------------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        self.cancel_button.setVisible(running)
        self.again_button.setVisible(not running and self.dd.flow.data.scan is not OpState.NOT_STARTED)
        if running:
            self.ticker.start()
            self.cancel_button.setDefault(True)
        else:
            self.ticker.stop()
            self._tick()
            for bar in self.bars.values():
                if bar.maximum() == 0:  # stop busy indicators
                    bar.setRange(0, 1)

    def _tick(self) -> None:
        if self.clock.isValid():
            secs = int(self.clock.elapsed() / 1000)
            self.elapsed.setText(f"Elapsed: {secs // 60}:{secs % 60:02d}")

    def _show_problems(self, lines: list[str]) -> None:
        self.problems.clear()
        self.problems.addItems(lines)
        self.problems_label.setVisible(bool(lines))
        self.problems.setVisible(bool(lines))
