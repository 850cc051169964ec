"""Page 4, storage drivers in the dump path: how each was classified and why, and whether
Diskdump.sys / Crashdmp.sys are the fixed versions."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QVBoxLayout

from core.wizard.flow import Step
from core.wizard.present import driver_table
from gui.widgets import fill_table, table, wrapped
from gui.wizard import DumpDoctorWizard, FlowPage

DRIVER_HEADERS = ("Driver", "Version", "Vendor", "Kind", "In use")
FIX_HEADERS = ("File", "Version", "Status", "Details")


class DriversPage(FlowPage):
    step = Step.DRIVERS

    def __init__(self, wizard: DumpDoctorWizard) -> None:
        super().__init__(wizard)
        self.setTitle("Storage drivers in the crash dump path")
        self.setSubTitle("The drivers that write a crash dump or hibernation file to the boot disk.")
        layout = QVBoxLayout(self)
        self.boot = wrapped(name="boot-miniport", selectable=True)
        layout.addWidget(self.boot)
        self.drivers = table(DRIVER_HEADERS, name="driver-table")
        self.drivers.setWordWrap(False)
        self.drivers.itemSelectionChanged.connect(self._show_why)
        layout.addWidget(self.drivers, 2)
        self.why = wrapped(name="driver-why", selectable=True)
        layout.addWidget(self.why)
        self._reasons: list[str] = []
        box = QGroupBox("Crash dump stack (Diskdump.sys, Crashdmp.sys)")
        inner = QVBoxLayout(box)
        self.fixes = table(FIX_HEADERS, name="fix-table")
        inner.addWidget(self.fixes)
        self.fix_note = wrapped(name="fix-note")
        inner.addWidget(self.fix_note)
        layout.addWidget(box, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        evidence = self.dd.results.evidence
        if evidence is None:
            return
        t = driver_table(evidence.storage)
        if evidence.storage is None:
            self.boot.setText("No storage driver information: the SYSTEM registry hive was not available.")
        else:
            self.boot.setText(t.boot_miniport or "The boot disk's miniport could not be determined.")
        fill_table(self.drivers, [[f"{r.name} ({r.file_name})", r.version, r.vendor, r.kind,
                                   ("yes" if r.in_use else "no") if r.in_use_known else "unknown"]
                                  for r in t.drivers],
                   bold_rows=[r.virtual for r in t.drivers])
        self._reasons = [f"Why {r.name} is “{r.kind}”: {r.why}" if r.why else "" for r in t.drivers]
        if t.drivers:
            self.drivers.selectRow(t.focus_row)
        self._show_why()
        fill_table(self.fixes, [[("⚠ " if r.needs_attention else "") + r.file_name, r.version, r.status,
                                 r.message] for r in t.fixes],
                   bold_rows=[r.needs_attention for r in t.fixes])
        attention = [r.file_name for r in t.fixes if r.needs_attention]
        self.fix_note.setText(
            f"Attention: {', '.join(attention)} is not the fixed version." if attention
            else ("" if t.fixes else "Diskdump.sys and Crashdmp.sys were not found in this evidence."))
        self.fix_note.setVisible(bool(self.fix_note.text()))

    def _show_why(self) -> None:
        row = self.drivers.currentRow()
        text = self._reasons[row] if 0 <= row < len(self._reasons) else ""
        self.why.setText(text)
        self.why.setVisible(bool(text))
