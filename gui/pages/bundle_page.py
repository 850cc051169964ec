"""Page 6, the support bundle: options, destination, progress, then "open the containing folder".
The export itself is core.bundle's; this page only collects the options and shows progress."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
)

from core.bundle.export import BundleResult
from core.errors import DumpDoctorError
from core.formatting import format_size
from core.progress import CancelToken, ProgressSink, ProgressUpdate
from core.wizard.flow import OpState, Step
from core.wizard.present import minidump_count
from gui.logging_setup import where_to_look
from gui.operations import BackgroundOp
from gui.pages.base import FlowPage, WizardHost
from gui.save_location import default_bundle_path
from gui.widgets import wrapped

log = logging.getLogger(__name__)


class BundlePage(FlowPage):
    step = Step.BUNDLE

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        self.setTitle("Support bundle")
        self.setSubTitle("Put the evidence and the report in one zip file to send to whoever helps you. "
                         "This step is optional.")
        self.op: BackgroundOp | None = None
        layout = self.scrolled_body()
        self.minidumps = QCheckBox("Include &minidumps")
        self.minidumps.setObjectName("include-minidumps")
        self.minidumps.setChecked(True)
        self.full_dump = QCheckBox("Include the &full MEMORY.DMP")
        self.full_dump.setObjectName("include-full-dump")
        self.full_dump.setChecked(False)
        self.full_dump_note = wrapped(name="full-dump-note")
        self.redact = QCheckBox("&Redact user and computer names")
        self.redact.setObjectName("redact-names")
        self.redact.setChecked(True)
        for w in (self.minidumps, self.full_dump):
            layout.addWidget(w)
        layout.addWidget(self.full_dump_note)
        layout.addWidget(self.redact)

        row = QHBoxLayout()
        dest_label = wrapped("Save to:")
        self.dest = QLineEdit()
        self.dest.setObjectName("bundle-destination")
        self.dest.setAccessibleName("Bundle file")
        dest_label.setBuddy(self.dest)
        browse = QPushButton("C&hoose…")
        browse.setObjectName("choose-bundle-destination")
        browse.clicked.connect(self._browse)
        row.addWidget(dest_label)
        row.addWidget(self.dest, 1)
        row.addWidget(browse)
        layout.addLayout(row)

        actions = QHBoxLayout()
        self.create_button = QPushButton("Create &bundle")
        self.create_button.setObjectName("create-bundle")
        self.create_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton("&Stop")
        self.cancel_button.setObjectName("cancel-bundle")
        self.cancel_button.clicked.connect(self.cancel_export)
        self.cancel_button.setAutoDefault(False)  # Enter never stops the export
        self.open_folder_button = QPushButton("&Open the containing folder")
        self.open_folder_button.setObjectName("open-containing-folder")
        self.open_folder_button.clicked.connect(self.open_folder)
        for b in (self.create_button, self.cancel_button, self.open_folder_button):
            actions.addWidget(b)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.progress = QProgressBar()
        self.progress.setObjectName("bundle-progress")
        self.progress.setAccessibleName("Bundle progress")
        layout.addWidget(self.progress)
        self.status = wrapped(name="bundle-status", selectable=True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._show_state()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        evidence = self.host.results.evidence
        if not self.dest.text():
            self.dest.setText(str(default_bundle_path()))
        if evidence is None:
            return
        n_mini = minidump_count(evidence.dumps)
        self.minidumps.setText(f"Include &minidumps ({n_mini} found)")
        was_enabled = self.minidumps.isEnabled()
        self.minidumps.setEnabled(n_mini > 0)
        if n_mini == 0:  # a ticked box that cannot do anything reads as a promise
            self.minidumps.setChecked(False)
        elif not was_enabled:  # minidumps again (another scan): back to the default, included
            self.minidumps.setChecked(True)
        self.minidumps.setToolTip("Small memory dumps help find the driver that crashed. They hold "
                                  "some memory, which redaction cannot rewrite.")
        size = self.host.results.memory_dmp_size
        self.full_dump.setEnabled(size is not None)
        self.full_dump_note.setText(
            f"The full memory dump is {format_size(size)}. Without it the bundle holds only its "
            "header, which is enough for the diagnosis." if size is not None
            else "No full memory dump (MEMORY.DMP) was found.")
        self._show_state()

    def forward_widget(self) -> QPushButton | None:
        # Enter makes the bundle (the step this page is for); once it is written, Finish.
        if self.host.flow.data.export in (OpState.DONE, OpState.RUNNING):
            return None
        return self.create_button

    # --- export ----------------------------------------------------------------------------

    def start_export(self) -> None:
        flow, results, services = self.host.flow, self.host.results, self.host.services
        gate = flow.can_export()
        text = self.dest.text().strip()
        if not gate or not text:
            self.status.setText(gate.reason if not gate else "Choose where to save the bundle.")
            return
        dest = Path(text)
        source, evidence, diagnosis = results.source, results.evidence, results.diagnosis
        event_reads = results.event_reads  # the scan's reads: the logs are not read a second time
        # the gate passed, so the scan finished, and finishing sets both
        assert source is not None and evidence is not None
        options = services.bundle_options(self.minidumps.isChecked(), self.full_dump.isChecked(),
                                          self.redact.isChecked())

        def work(progress: ProgressSink, cancel: CancelToken) -> BundleResult:
            return services.export_bundle(source, evidence, diagnosis, dest, options, progress, cancel,
                                          event_reads=event_reads)

        flow.export_started()
        self.progress.setRange(0, 0)
        self.status.setText(f"Writing {dest}…")
        self.op = self.host.track(BackgroundOp(work, parent=self, name="bundle", success=self._done,
                                             failure=self._fail, cancelled=self._cancelled,
                                             progress=self._progress))
        self.op.start(self.host.thread_pool)
        self._show_state()

    def cancel_export(self) -> None:
        if self.op is not None and self.op.running:
            self.op.cancel()
            self._cancelled()

    def _progress(self, updates: list[ProgressUpdate]) -> None:
        u = updates[-1]
        if u.total:
            self.progress.setRange(0, u.total)
            self.progress.setValue(min(u.done, u.total))
        if u.message:
            self.status.setText(u.message)

    def _done(self, result: BundleResult) -> None:
        path = result.path
        self.host.flow.export_finished(path)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        lines = [f"The bundle was saved as {path} ({format_size(result.size)})."]
        if result.left_out:
            lines.append("Left out: " + "; ".join(f"{x.what} ({x.why})" for x in result.left_out))
        self.status.setText("\n".join(lines))
        self._show_state()

    def _fail(self, exc: Exception) -> None:
        message = str(exc) if isinstance(exc, DumpDoctorError) else f"{type(exc).__name__}: {exc}"
        log.error("bundle export failed: %s", message)
        self.host.flow.export_failed(message)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(f"The bundle could not be written: {message}\n{where_to_look()}")
        self._show_state()

    def _cancelled(self) -> None:
        if self.host.flow.data.export is not OpState.RUNNING:
            return
        self.host.flow.export_cancelled()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText("Stopped; no bundle was written.")
        self._show_state()

    def open_folder(self) -> None:
        path = self.host.flow.data.exported_to
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the support bundle", self.dest.text(),
                                              "Zip files (*.zip)")
        if name:
            self.dest.setText(name)

    def _show_state(self) -> None:
        state = self.host.flow.data.export
        running = state is OpState.RUNNING
        self.create_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.open_folder_button.setVisible(state is OpState.DONE)
        self.progress.setVisible(state is not OpState.NOT_STARTED)
        self.completeChanged.emit()
