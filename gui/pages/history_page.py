"""Page 3, crash history: the dump files found, or, when there are none, what the System event
log says about unexpected restarts, with the events behind it."""

from __future__ import annotations

from core.diagnosis.wording import plural
from core.wizard.flow import Step
from core.wizard.present import DumpRow, dump_rows, timeline_rows, timeline_statement
from gui.pages.base import FlowPage, WizardHost
from gui.widgets import RowsTable, scaled_font, wrapped

DUMP_HEADERS = ("Time", "Stop code", "Faulting driver", "Type", "Integrity", "File")
EVENT_HEADERS = ("Time", "What happened", "Events")


def _dump_cell(r: DumpRow, column: int) -> str:
    return (r.time, r.bugcheck, r.faulting_driver, r.dump_type, r.integrity, r.path)[column]


class HistoryPage(FlowPage):
    step = Step.HISTORY

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        self.setTitle("Crash history")
        layout = self.scrolled_body()
        self.statement = wrapped(name="history-statement", selectable=True)
        self.statement.setFont(scaled_font(self, 1.15, bold=True))
        layout.addWidget(self.statement)
        # wrapped, so a long path or Stop code name is read whole without scrolling sideways
        self.dumps = RowsTable(DUMP_HEADERS, name="dump-table", wrap=True, max_column_width=240)
        self.dumps.setMinimumHeight(self.fontMetrics().height() * 8)
        layout.addWidget(self.dumps, 1)
        self.events_label = wrapped("Events behind this statement:")
        layout.addWidget(self.events_label)
        self.events = RowsTable(EVENT_HEADERS, name="timeline-table", wrap=True, max_column_width=420)
        self.events.setMinimumHeight(self.fontMetrics().height() * 8)
        layout.addWidget(self.events, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        evidence = self.host.results.shown()[1]  # the chosen computer's, when there are several
        self.shown_machine = self.host.results.machine_index
        if evidence is None:
            return
        rows = dump_rows(evidence.dumps)
        statement = timeline_statement(evidence.timeline)
        if rows:
            self.setSubTitle(f"{plural(len(rows), 'crash dump file')} found, "
                             "newest first.")
            self.statement.setText(statement if evidence.timeline is not None else "")
            self.dumps.set_rows(rows, _dump_cell, lambda r: not r.integrity_ok)
        else:
            self.setSubTitle("No crash dump file was found, so this is what the System event log "
                             "records.")
            self.statement.setText(statement)
        self.dumps.setVisible(bool(rows))
        events = timeline_rows(evidence.timeline)
        self.events.set_rows([[e.time, e.what, e.events] for e in events])
        show_events = not rows and bool(events)
        self.events.setVisible(show_events)
        self.events_label.setVisible(show_events)
