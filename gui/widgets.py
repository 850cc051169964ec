"""Small building blocks shared by the pages: wrapped labels, read-only tables, icons.

Tables are model/view (QTableView over RowsModel): a model formats cells only when they are drawn,
so a table of 6,400 drivers costs the GUI thread no more than one of 40. No cell is cut without a
mark: long text ends in "…" (or loses its middle, for paths) and the whole text is the tooltip."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from core.resources import resource_path

Index = QModelIndex | QPersistentModelIndex
WRAP_ROWS_UP_TO = 300  # rows measured for wrapped text; longer tables keep one line per row


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


class RowsModel(QAbstractTableModel):
    """Read-only rows. Cells come from `cell(row_object, column)` when drawn, never all at once."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self._rows: Sequence[Any] = []
        self._cell: Callable[[Any, int], str] = lambda row, c: str(row[c])
        self._bold: Callable[[Any], bool] = lambda _row: False
        self._bold_font = QFont()
        self._bold_font.setBold(True)

    def set_rows(self, rows: Sequence[Any], cell: Callable[[Any, int], str] | None = None,
                 bold: Callable[[Any], bool] | None = None) -> None:
        self.beginResetModel()
        self._rows = rows
        if cell is not None:
            self._cell = cell
        if bold is not None:
            self._bold = bold
        self.endResetModel()

    def text(self, row: int, column: int) -> str:
        return self._cell(self._rows[row], column)

    def row_object(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.AccessibleTextRole):
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.FontRole and self._bold(self._rows[index.row()]):
            return self._bold_font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class RowsTable(QTableView):
    """A read-only table over a RowsModel: whole rows selected, Tab leaves the table, long cells
    elided with "…" and shown whole in the tooltip (or wrapped, for short tables that ask for it)."""

    def __init__(self, headers: Sequence[str], *, name: str, wrap: bool = False,
                 elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
                 max_column_width: int = 320) -> None:
        super().__init__()
        self.rows_model = RowsModel(headers, self)
        self.setModel(self.rows_model)
        self.setObjectName(name)
        self.setAccessibleName(name.replace("-", " "))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(wrap)
        self.setTextElideMode(elide)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.setTabKeyNavigation(False)  # Tab moves on to the next control instead of walking cells
        self.wrap = wrap
        self.max_column_width = max_column_width
        # wrapped cells need their height recomputed whenever a column changes width: once per turn
        # of the event loop, however many columns changed
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit_rows)
        if wrap:
            self.horizontalHeader().sectionResized.connect(lambda *_: self._refit.start())
        else:
            # one line per row: uniform heights, so the view never measures every row
            vh = self.verticalHeader()
            vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            vh.setDefaultSectionSize(self.fontMetrics().height() + 8)

    def set_rows(self, rows: Sequence[Any], cell: Callable[[Any, int], str] | None = None,
                 bold: Callable[[Any], bool] | None = None) -> None:
        self.rows_model.set_rows(rows, cell, bold)
        self._fit_columns()
        self._fit_rows()
        # once the page is laid out the columns have their final widths; measure the rows again then
        self._refit.start()

    def _fit_columns(self) -> None:
        """Column widths from the header and the first rows only: measuring 6,400 rows would stall
        the GUI thread, and the first rows are the ones that matter (they are sorted that way)."""
        # measured in bold: a bold row (a virtual miniport, a file that needs attention) is wider
        bold = QFont(self.font())
        bold.setBold(True)
        model, fm = self.rows_model, QFontMetrics(bold)
        sample = min(model.rowCount(), 100)
        last = model.columnCount() - 1
        self._wanted: list[tuple[int, int]] = []  # (wanted width, header width) per column but the last
        for c in range(last):
            texts = [model.text(r, c).split("\n", 1)[0] for r in range(sample)]
            header = fm.horizontalAdvance(model.headers[c]) + 24
            width = max([header, *(fm.horizontalAdvance(t) + 24 for t in texts)])
            self._wanted.append((min(width, self.max_column_width), header))
        self.horizontalHeader().setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)
        self._share_width()

    def _share_width(self) -> None:
        """Every column on screen, no sideways scrolling: when the wanted widths do not fit, the
        wide columns give up room (their cells then end in "…", whole in the tooltip)."""
        wanted = getattr(self, "_wanted", [])
        if not wanted:
            return
        last_header = self.fontMetrics().horizontalAdvance(self.rows_model.headers[-1]) + 24
        # the stretched last column never gets narrower than the header's default section size
        last_width = max(last_header, self.horizontalHeader().defaultSectionSize())
        room = max(self.viewport().width() - last_width, 0)
        widths = [w for w, _h in wanted]
        total = sum(widths)
        if total > room:
            floor = [min(h, w) for w, h in wanted]
            spare = max(room - sum(floor), 0)
            extra = [w - f for (w, _h), f in zip(wanted, floor, strict=True)]
            scale = spare / sum(extra) if sum(extra) else 0.0
            widths = [f + int(e * scale) for f, e in zip(floor, extra, strict=True)]
        for c, width in enumerate(widths):
            self.setColumnWidth(c, width)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._share_width()

    def _fit_rows(self) -> None:
        if self.wrap and self.rows_model.rowCount() <= WRAP_ROWS_UP_TO:
            self.resizeRowsToContents()

    def text(self, row: int, column: int) -> str:
        return self.rows_model.text(row, column)

    def row_count(self) -> int:
        return self.rows_model.rowCount()

    def current_row(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1
