"""Small building blocks shared by the pages: wrapped labels, read-only tables, icons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from core.resources import resource_path


def icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))


def wrapped(text: str = "", *, selectable: bool = False, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                      | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    if name:
        label.setObjectName(name)
        label.setAccessibleName(name.replace("-", " "))
    return label


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def table(headers: Sequence[str], *, name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setAccessibleName(name.replace("-", " "))
    t.setHorizontalHeaderLabels(list(headers))
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.setWordWrap(True)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    # Tab moves on to the next control instead of walking cells
    t.setTabKeyNavigation(False)
    # wrapped cells need their height recomputed whenever the stretched column changes width
    t.horizontalHeader().sectionResized.connect(lambda *_: t.resizeRowsToContents())
    return t


def fill_table(t: QTableWidget, rows: Sequence[Sequence[str]], *, bold_rows: Sequence[bool] = ()) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        bold = r < len(bold_rows) and bold_rows[r]
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if bold:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            t.setItem(r, c, item)
    t.resizeColumnsToContents()
    header = t.horizontalHeader()
    for c in range(t.columnCount()):
        # keep long columns from pushing the table wider than the window
        if t.columnWidth(c) > 320:
            t.setColumnWidth(c, 320)
    header.setSectionResizeMode(t.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
    t.resizeRowsToContents()
    # once the page is laid out the columns have their final widths; measure the rows again then
    QTimer.singleShot(0, t, t.resizeRowsToContents)
