"""What every wizard page is built on: FlowPage (a QWizardPage bound to one flow step) and the small
part of the window a page may use (WizardHost). Pages import this module, never gui.wizard, so the
window can import its pages at the top and there is no import circle between them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from core.diagnosis.model import Diagnosis
from core.evidence import Evidence
from core.report.driver_table import DriverTable
from core.scan import EventRead
from core.sources.base import EvidenceSource
from core.wizard.flow import STEP_ORDER, Step, WizardFlow
from core.wizard.present import select_machine
from gui.operations import BackgroundOp
from gui.services import CoreServices

log = logging.getLogger(__name__)

# A QWizard page id per step, in the flow's own order (the flow's table is the one place it is written).
PAGE_ID: dict[Step, int] = {step: i for i, step in enumerate(STEP_ORDER)}


@dataclass
class Results:
    source: EvidenceSource | None = None
    evidence: Evidence | None = None
    diagnosis: Diagnosis | None = None
    memory_dmp_size: int | None = None  # a complete/kernel dump the bundle could include whole
    event_reads: list[EventRead] | None = None  # the System-log reads of the examination
    drivers: DriverTable | None = None  # the Storage drivers page's rows, made off the GUI thread
    saved: bool = False  # a report or CSV was written: closing loses nothing
    machine_index: int = 0  # the computer shown when the files come from several (the computer picker)

    def shown(self) -> tuple[Diagnosis | None, Evidence | None]:
        """The chosen computer's own diagnosis and evidence (the whole result for one computer)."""
        if self.diagnosis is None or self.evidence is None or not self.diagnosis.machines:
            return self.diagnosis, self.evidence
        index = min(max(self.machine_index, 0), len(self.diagnosis.machines) - 1)
        return select_machine(self.diagnosis, self.evidence, index)

    def close_source(self) -> None:
        if self.source is not None:
            try:
                self.source.close()
            except Exception:  # closing must never stop the user from going on
                log.exception("closing the evidence source failed")
            self.source = None
        self.event_reads = None


class WizardHost(Protocol):
    """What a page needs from the window."""

    flow: WizardFlow
    results: Results
    services: CoreServices
    thread_pool: QThreadPool

    def track(self, op: BackgroundOp) -> BackgroundOp: ...

    def refresh_buttons(self) -> None: ...

    def focus_forward(self) -> None: ...


class FlowPage(QWizardPage):
    """A page bound to one flow step."""

    step: Step

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__()
        self.host = wizard  # the wizard window: the flow, the services and the shared results
        self.setObjectName(f"page-{self.step}")
        # the computer this page was filled for (pages showing one computer's evidence set it)
        self.shown_machine: int | None = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        # Going Back does not initialise a page again: one filled for another computer than the one
        # chosen since (on the Diagnosis page) is filled again.
        if self.shown_machine is not None and self.shown_machine != self.host.results.machine_index:
            self.initializePage()

    def nextId(self) -> int:  # noqa: N802 - Qt override
        nxt = self.host.flow.next_step(self.step)
        return PAGE_ID[nxt] if nxt is not None else -1

    def scrolled_body(self, name: str = "") -> QVBoxLayout:
        """The page's content inside a scroll area, so that every page lays out without overlap on
        small screens (800×500, 1366×768 at 150 %) and stays usable at 640×480 by scrolling.
        Returns the layout to fill; `self.footer` holds what stays below the scroll area."""
        self.footer = QVBoxLayout(self)
        self.footer.setContentsMargins(0, 0, 0, 0)
        self.page_scroll = QScrollArea()
        self.page_scroll.setObjectName(name or f"{self.step}-scroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName(f"{self.step}-body")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 4, 0)
        self.page_scroll.setWidget(body)
        self.footer.addWidget(self.page_scroll, 1)
        return layout

    def forward_widget(self) -> QWidget | None:
        """The control Enter should press on this page instead of Next (None: Next or Finish)."""
        return None

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        # QWizard.next() does not look at isComplete(): a programmatic or keyboard Next must not
        # walk past what the flow allows (a folder that is not Windows, a scan still running)
        return self.isComplete()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.host.flow.can_advance(self.step)) or self.host.flow.can_finish(self.step)
