"""The Dump Doctor wizard window: a QWizard whose navigation is decided by core.wizard.flow.

Pages ask the flow whether they are complete and which page follows; the window keeps the flow's
position in step with QWizard's, holds the results of the scan, and accepts evidence dropped
anywhere on it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QPushButton, QWidget, QWizard

from core.wizard.flow import STEP_ORDER, OpState, Platform, Step, WizardFlow
from gui import gc_policy
from gui.elevation import is_elevated
from gui.operations import BackgroundOp
from gui.pages.base import PAGE_ID, FlowPage, Results
from gui.pages.bundle_page import BundlePage
from gui.pages.diagnosis_page import DiagnosisPage
from gui.pages.drivers_page import DriversPage
from gui.pages.history_page import HistoryPage
from gui.pages.scan_page import ScanPage
from gui.pages.source_page import SourcePage
from gui.services import CoreServices
from gui.widgets import icon

log = logging.getLogger(__name__)

__all__ = ["PAGE_ID", "STEP_ORDER", "DumpDoctorWizard", "FlowPage", "Results", "current_platform"]

DEFAULT_SIZE = (1120, 700)
SMALLEST_SIZE = (620, 440)  # pages scroll below their natural size; 640×480 screens stay usable
CLOSE_QUESTION = ("Close Dump Doctor?\n\nThe diagnosis has not been saved: no report or support bundle "
                  "was written, and closing loses it.")


def ask_before_closing(parent: QWidget, question: str) -> bool:
    """True when the user confirms; the safe answer (stay) is the default button."""
    box = QMessageBox(QMessageBox.Icon.Question, "Dump Doctor", question, parent=parent)
    close = box.addButton("&Close without saving", QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton("&Stay", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)
    box.exec()
    return box.clickedButton() is close


def current_platform() -> Platform:
    return Platform(is_windows=sys.platform == "win32", elevated=is_elevated())


class DumpDoctorWizard(QWizard):
    def __init__(self, *, services: CoreServices | None = None, platform: Platform | None = None,
                 settings: QSettings | None = None, prefer_demo: bool = False,
                 thread_pool: QThreadPool | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services or CoreServices()
        self.settings = settings if settings is not None else QSettings("DumpDoctor", "Dump Doctor")
        self.thread_pool = thread_pool or QThreadPool.globalInstance()
        self.flow = WizardFlow(platform or current_platform(), self.services.demo_dir(),
                               prefer_demo=prefer_demo)
        self.results = Results()
        self.ops: list[BackgroundOp] = []
        # asked before results would be lost; tests replace it (a modal box would block them)
        self.confirm_close: Callable[[QWidget, str], bool] = ask_before_closing
        self._closing_confirmed = False

        self.setObjectName("dump-doctor-wizard")
        self.setWindowTitle("Dump Doctor")
        self.setWindowIcon(icon("app"))
        self.setWizardStyle(QWizard.WizardStyle.AeroStyle if sys.platform == "win32"
                            else QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, False)
        self.setAcceptDrops(True)
        self.setMinimumSize(*SMALLEST_SIZE)

        self.source_page = SourcePage(self)
        self.scan_page = ScanPage(self)
        self.history_page = HistoryPage(self)
        self.drivers_page = DriversPage(self)
        self.diagnosis_page = DiagnosisPage(self)
        self.bundle_page = BundlePage(self)
        for page in (self.source_page, self.scan_page, self.history_page, self.drivers_page,
                     self.diagnosis_page, self.bundle_page):
            self.setPage(PAGE_ID[page.step], page)
        self.setStartId(PAGE_ID[Step.SOURCE])
        self.currentIdChanged.connect(self._follow_qt_navigation)
        self.currentIdChanged.connect(lambda _id: QTimer.singleShot(0, self.focus_forward))
        # Enter goes forward only: Back, Cancel and the pages' Stop buttons never take it, even
        # when they have the focus (Space still presses them).
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            button = self.button(which)
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        self._restore_geometry()

    # --- navigation bookkeeping ------------------------------------------------------------

    def _follow_qt_navigation(self, page_id: int) -> None:
        if page_id < 0:
            return
        step = STEP_ORDER[page_id]
        flow = self.flow
        if step is flow.current:
            return
        path = flow.path()
        if len(path) >= 2 and path[-2] is step:
            flow.back()
        elif flow.next_step() is step:
            flow.advance()
        else:  # restart() or a jump: start the walk again from the first step
            flow.restart()
            while flow.current is not step and flow.can_advance():
                flow.advance()

    def refresh_buttons(self) -> None:
        page = self.currentPage()
        if isinstance(page, FlowPage):
            page.completeChanged.emit()

    def forward_button(self) -> QAbstractButton | None:
        """The button Enter presses here: Next when it can be used, else Finish when it can."""
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton):
            b = self.button(which)
            if b.isVisible() and b.isEnabled():
                return b
        return None

    def focus_forward(self) -> None:
        """After a page change or a finished scan the focus sits on the way forward, never on Back.
        A page may name its own first control (the bundle page's Create bundle)."""
        page = self.currentPage()
        own = page.forward_widget() if isinstance(page, FlowPage) else None
        target = own or self.forward_button()
        if target is not None:
            if isinstance(target, QPushButton):
                target.setDefault(True)
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Enter reaches here when the focused widget did not use it (a line edit, a table, a button
        # that does not take Enter). It presses the page's forward action, or Next, or Finish; never
        # Back and never a Stop button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & ~(
                Qt.KeyboardModifier.KeypadModifier):
            page = self.currentPage()
            own = page.forward_widget() if isinstance(page, FlowPage) else None
            target = own if isinstance(own, QAbstractButton) else self.forward_button()
            if target is not None:
                target.click()
            event.accept()
            return
        super().keyPressEvent(event)

    # --- long work -------------------------------------------------------------------------

    def track(self, op: BackgroundOp) -> BackgroundOp:
        self.ops = [o for o in self.ops if o.running]
        self.ops.append(op)
        return op

    def stop_work(self, timeout: float = 2.0) -> bool:
        """Cancel running operations and wait for them; True when all have stopped."""
        for op in self.ops:
            op.cancel()
        return all(op.wait(timeout) for op in self.ops)

    # --- drag and drop anywhere on the window ----------------------------------------------

    @staticmethod
    def _local_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self._local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = self._local_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_evidence(paths)

    def open_evidence(self, paths: list[Path]) -> None:
        """Evidence from another computer: a bundle or loose files. Starts over at the first page."""
        if any(op.running for op in self.ops):
            self.stop_work()
        if self.currentId() != PAGE_ID[Step.SOURCE]:
            self.restart()
        self.flow.set_files(paths)
        self.source_page.show_choice()
        self.refresh_buttons()

    # --- window state ----------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            # large enough that the verdict and what to do show without scrolling on a 1366×768
            # screen, never larger than the screen (800×500 at 150 % scaling)
            screen = self.screen()
            avail = screen.availableGeometry() if screen is not None else None
            width, height = DEFAULT_SIZE
            if avail is not None:
                width, height = min(width, avail.width() - 40), min(height, avail.height() - 40)
            self.resize(max(width, SMALLEST_SIZE[0]), max(height, SMALLEST_SIZE[1]))

    def save_geometry(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()

    def results_would_be_lost(self) -> bool:
        """A finished diagnosis that nothing was saved from, or a bundle still being written."""
        data = self.flow.data
        if data.export is OpState.RUNNING:
            return True
        return (data.scan is OpState.DONE and self.results.diagnosis is not None
                and data.exported_to is None and not self.results.saved)

    def may_close(self) -> bool:
        if self._closing_confirmed or not self.results_would_be_lost():
            return True
        self._closing_confirmed = self.confirm_close(self, CLOSE_QUESTION)
        return self._closing_confirmed

    def accept(self) -> None:  # Finish
        if self.may_close():
            super().accept()

    def reject(self) -> None:  # Cancel, Escape, the window's close button
        if self.may_close():
            super().reject()

    def done(self, result: int) -> None:
        self.stop_work()
        gc_policy.QUIET.stop()  # a scan stopped by closing never reached its own stop
        self.save_geometry()
        self.results.close_source()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.may_close():
            event.ignore()
            return
        self.stop_work()
        self.save_geometry()
        super().closeEvent(event)
