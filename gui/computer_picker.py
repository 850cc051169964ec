"""The computer picker: when the files come from several computers, the Scan and Diagnosis pages show it
first, so the user chooses whose crash history, drivers and diagnosis to see (each computer diagnosed
on its own files, core.wizard.present.select_machine). Hidden for one computer. A labelled combo box:
Tab reaches it, the arrow keys choose, Alt+M jumps to it (Alt+C is "Copy report")."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.diagnosis.model import Diagnosis
from core.wizard.present import machine_choices, machine_picker_note, machine_rows
from gui.widgets import wrapped


class ComputerPicker(QWidget):
    chosen = Signal(int)  # the index in Diagnosis.machines

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.note = wrapped(name="computers-note")
        outer.addWidget(self.note)
        row = QHBoxLayout()
        self.label = QLabel("Co&mputer:")
        self.combo = QComboBox()
        self.combo.setObjectName("computer-choice")
        self.combo.setAccessibleName("Computer to show")
        # long computer labels ("the computer that wrote x.dmp (...)") must not widen the page
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(20)
        self.label.setBuddy(self.combo)
        row.addWidget(self.label)
        row.addWidget(self.combo, 1)
        outer.addLayout(row)
        self.combo.currentIndexChanged.connect(self._changed)
        self.setVisible(False)

    def show_for(self, diagnosis: Diagnosis | None, index: int) -> None:
        """Fill the picker for this diagnosis (hidden unless there are several computers)."""
        choices = machine_choices(diagnosis) if diagnosis is not None else []
        self.combo.blockSignals(True)
        self.combo.clear()
        rows = machine_rows(diagnosis) if diagnosis is not None else []
        for i, (text, row) in enumerate(zip(choices, rows, strict=True)):
            self.combo.addItem(text)
            files = ", ".join(row.files)
            self.combo.setItemData(i, f"{text}\n{row.headline}\nFiles: {files}", Qt.ItemDataRole.ToolTipRole)
        if choices:
            self.combo.setCurrentIndex(min(max(index, 0), len(choices) - 1))
            self.combo.setToolTip(self.combo.itemData(self.combo.currentIndex(), Qt.ItemDataRole.ToolTipRole))
        self.combo.blockSignals(False)
        self.note.setText(machine_picker_note(diagnosis) if diagnosis is not None else "")
        self.setVisible(len(choices) > 1)

    def _changed(self, index: int) -> None:
        if index >= 0:
            self.combo.setToolTip(self.combo.itemData(index, Qt.ItemDataRole.ToolTipRole))
            self.chosen.emit(index)
