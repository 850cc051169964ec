"""Page 4, storage drivers in the dump path: how each was classified and why, and whether
Diskdump.sys / Crashdmp.sys are the fixed versions.

The driver table is built off the GUI thread (the scan's worker makes core.wizard.present's
DriverTable) and shown through a model that formats only the rows on screen: a folder with 6,400
drivers opens this page without stalling the window."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QGroupBox, QVBoxLayout

from core.report.driver_table import DriverRow, DriverTable, FixRow, driver_table
from core.wizard.flow import Step
from gui.pages.base import FlowPage, WizardHost
from gui.widgets import RowsTable, wrapped

DRIVER_HEADERS = ("Driver", "Version", "Vendor", "Kind", "In use")
FIX_HEADERS = ("File", "Version", "Status", "Details")


def _driver_cell(r: DriverRow, column: int) -> str:
    if column == 0:
        return f"{r.name} ({r.file_name})"
    return (r.version, r.vendor, r.kind, r.in_use_words or ("yes" if r.in_use else "no"))[column - 1]


def _fix_cell(r: FixRow, column: int) -> str:
    if column == 0:
        return ("⚠ " if r.needs_attention else "") + r.file_name
    return (r.version, r.status, r.message)[column - 1]


class DriversPage(FlowPage):
    step = Step.DRIVERS

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        self.setTitle("Storage drivers in the crash dump path")
        self.setSubTitle("The drivers that write a crash dump or hibernation file to the boot disk.")
        layout = self.scrolled_body()
        self.boot = wrapped(name="boot-miniport", selectable=True)
        layout.addWidget(self.boot)
        self.drivers = RowsTable(DRIVER_HEADERS, name="driver-table")
        self.drivers.setMinimumHeight(self.fontMetrics().height() * 7)
        self.drivers.selectionModel().currentRowChanged.connect(self._row_changed)
        layout.addWidget(self.drivers, 2)
        self.why = wrapped(name="driver-why", selectable=True)
        layout.addWidget(self.why)
        self._table = DriverTable()
        box = QGroupBox("Crash dump stack (Diskdump.sys, Crashdmp.sys)")
        inner = QVBoxLayout(box)
        self.fixes = RowsTable(FIX_HEADERS, name="fix-table", wrap=True)
        self.fixes.setMinimumHeight(self.fontMetrics().height() * 5)
        inner.addWidget(self.fixes)
        self.fix_note = wrapped(name="fix-note")
        inner.addWidget(self.fix_note)
        layout.addWidget(box, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        results = self.host.results
        evidence = results.shown()[1]  # the chosen computer's, when there are several
        self.shown_machine = self.host.results.machine_index
        if evidence is None:
            return
        # normally made by the scan's worker (for the first computer); made here for another computer
        # or when something skipped that
        first = evidence is results.evidence or results.machine_index == 0
        t = (results.drivers if first else None) or driver_table(evidence.storage)
        self._table = t
        if evidence.storage is None:
            self.boot.setText("No storage driver information: the SYSTEM registry hive was not available.")
        else:
            self.boot.setText(t.boot_miniport or "The boot disk's miniport could not be determined.")
        self.drivers.set_rows(t.drivers, _driver_cell, lambda r: r.virtual)
        if t.drivers:
            self.drivers.selectRow(t.focus_row)
        self._show_why()
        self.fixes.set_rows(t.fixes, _fix_cell, lambda r: r.needs_attention)
        attention = [r.file_name for r in t.fixes if r.needs_attention]
        self.fix_note.setText(
            f"Attention: {', '.join(attention)} is not the fixed version." if attention
            else ("" if t.fixes else "Diskdump.sys and Crashdmp.sys were not found in this evidence."))
        self.fix_note.setVisible(bool(self.fix_note.text()))

    def _row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_why()

    def _show_why(self) -> None:
        row = self.drivers.current_row()
        r = self._table.drivers[row] if 0 <= row < len(self._table.drivers) else None
        text = f"Why {r.name} is “{r.kind}”: {r.why}" if r is not None and r.why else ""
        self.why.setText(text)
        self.why.setVisible(bool(text))
