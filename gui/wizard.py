"""The Dump Doctor wizard window: a QWizard whose navigation is decided by core.wizard.flow.

Pages ask the flow whether they are complete and which page follows; the window keeps the flow's
position in step with QWizard's, holds the results of the scan, and accepts evidence dropped
anywhere on it.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QThreadPool
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from core.diagnosis.model import Diagnosis
from core.evidence import Evidence
from core.scan import EventRead
from core.sources.base import EvidenceSource
from core.wizard.flow import Platform, Step, WizardFlow
from gui.elevation import is_elevated
from gui.operations import BackgroundOp
from gui.services import CoreServices
from gui.widgets import icon

log = logging.getLogger(__name__)

STEP_ORDER = [Step.SOURCE, Step.SCAN, Step.HISTORY, Step.DRIVERS, Step.DIAGNOSIS, Step.BUNDLE]
PAGE_ID = {step: i for i, step in enumerate(STEP_ORDER)}


def current_platform() -> Platform:
    return Platform(is_windows=sys.platform == "win32", elevated=is_elevated())


@dataclass
class Results:
    source: EvidenceSource | None = None
    evidence: Evidence | None = None
    diagnosis: Diagnosis | None = None
    memory_dmp_size: int | None = None  # a complete/kernel dump the bundle could include whole
    event_reads: list[EventRead] | None = None  # the System-log reads of the examination

    def close_source(self) -> None:
        if self.source is not None:
            try:
                self.source.close()
            except Exception:  # closing must never stop the user from going on
                log.exception("closing the evidence source failed")
            self.source = None
        self.event_reads = None


class FlowPage(QWizardPage):
    """A page bound to one flow step."""

    step: Step

    def __init__(self, wizard: DumpDoctorWizard) -> None:
        super().__init__()
        self.dd = wizard
        self.setObjectName(f"page-{self.step}")

    def nextId(self) -> int:  # noqa: N802 - Qt override
        nxt = self.dd.flow.next_step(self.step)
        return PAGE_ID[nxt] if nxt is not None else -1

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.dd.flow.can_advance(self.step)) or self.dd.flow.can_finish(self.step)


class DumpDoctorWizard(QWizard):
    def __init__(self, *, services: CoreServices | None = None, platform: Platform | None = None,
                 settings: QSettings | None = None, prefer_demo: bool = False,
                 thread_pool: QThreadPool | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # imported here: the page modules import this one for FlowPage
        from gui.pages.bundle_page import BundlePage
        from gui.pages.diagnosis_page import DiagnosisPage
        from gui.pages.drivers_page import DriversPage
        from gui.pages.history_page import HistoryPage
        from gui.pages.scan_page import ScanPage
        from gui.pages.source_page import SourcePage

        self.services = services or CoreServices()
        self.settings = settings if settings is not None else QSettings("DumpDoctor", "Dump Doctor")
        self.thread_pool = thread_pool or QThreadPool.globalInstance()
        self.flow = WizardFlow(platform or current_platform(), self.services.demo_dir(),
                               prefer_demo=prefer_demo)
        self.results = Results()
        self.ops: list[BackgroundOp] = []

        self.setObjectName("dump-doctor-wizard")
        self.setWindowTitle("Dump Doctor")
        self.setWindowIcon(icon("app"))
        self.setWizardStyle(QWizard.WizardStyle.AeroStyle if sys.platform == "win32"
                            else QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, False)
        self.setAcceptDrops(True)
        self.setMinimumSize(720, 560)

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
            self.resize(860, 640)

    def save_geometry(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()

    def done(self, result: int) -> None:
        self.stop_work()
        self.save_geometry()
        self.results.close_source()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.stop_work()
        self.save_geometry()
        super().closeEvent(event)
