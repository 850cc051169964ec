"""Page 5, the diagnosis, answer first: for each verdict (the primary one first) a block with the
icon and words, the sentence, "What Dump Doctor checked" and what to do; then other findings; the
evidence behind it all (registry paths, file offsets, event records) under a Details expander. The
page opens at the top, details closed, every time."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.diagnosis.model import Diagnosis, NextStep
from core.diagnosis.wording import SECTION_TITLES
from core.wizard.flow import Step
from core.wizard.present import (
    VerdictView,
    finding_line,
    hotfix_link,
    link_words,
    step_lines,
    verdict_views,
)
from gui.computer_picker import ComputerPicker
from gui.logging_setup import where_to_look
from gui.pages.base import FlowPage, WizardHost
from gui.save_location import default_report_path
from gui.verdict_style import style_for
from gui.widgets import icon, scaled_font, wrapped

log = logging.getLogger(__name__)


def _heading(text: str, parent: QWidget, name: str = "") -> QLabel:
    label = wrapped(text, name=name)
    label.setFont(scaled_font(parent, 1.1, bold=True))
    return label


def steps_html(steps: list[NextStep]) -> str:
    """Next steps as rich text: links are words that wrap (the whole address is the link and its
    tooltip), commands stand out. Everything from core is escaped."""
    items = []
    for step in steps:
        parts = [f"<b>{escape(step.title)}</b>"]
        if step.detail:
            parts.append(escape(step.detail))
        if step.command:
            parts.append(f"Type: <code>{escape(step.command)}</code>")
        if step.link and step.link.startswith(("https://", "http://")):
            parts.append(f'<a href="{escape(step.link, quote=True)}" title="{escape(step.link, quote=True)}">'
                         f"Open {escape(link_words(step.link))}</a>")
        elif step.link:
            parts.append(escape(step.link))
        items.append(f"<li>{'<br>'.join(parts)}</li>")
    return f"<ol style='margin-left:0'>{''.join(items)}</ol>" if items else ""


class VerdictBlock(QFrame):
    """One verdict: icon and words, the sentence, how sure, what was checked, what to do."""

    def __init__(self, view: VerdictView, index: int, parent_font_source: QWidget, parent: QWidget) -> None:
        # parented from the start: showing a child before it has a parent would open a window
        super().__init__(parent)
        self.view = view
        style = style_for(view.look)
        self.setObjectName(f"verdict-block-{index}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # colour is only the frame's accent: the icon's shape and the words carry the meaning
        self.setStyleSheet(f"#verdict-block-{index} {{ border: 3px solid {style.accent}; "
                           "border-radius: 6px; }")
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.icon = QLabel()
        self.icon.setObjectName("verdict-icon")
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        # the primary verdict largest; an article that does not apply is one small line
        size = parent_font_source.fontMetrics().height() * (2 if view.brief else 4 if index == 0 else 3)
        self.icon.setPixmap(icon(style.icon).pixmap(size, size))
        self.icon.setAccessibleName(view.words)
        top.addWidget(self.icon)
        text = QVBoxLayout()
        self.words = wrapped(view.words, name="verdict-words")
        self.words.setFont(scaled_font(parent_font_source, 1.1, bold=True))
        self.headline = wrapped(view.headline, name="verdict-headline", selectable=True)
        scale = 1.0 if view.brief else 1.5 if index == 0 else 1.25
        self.headline.setFont(scaled_font(parent_font_source, scale,
                                          bold=not view.brief))
        self.issue = wrapped(view.context, name="verdict-issue")
        self.confidence = wrapped(view.confidence, name="verdict-confidence")
        for w in (self.words, self.headline, self.issue, self.confidence):
            text.addWidget(w)
        top.addLayout(text, 1)
        outer.addLayout(top)
        self.confidence.setVisible(bool(view.confidence))
        self.issue.setVisible(bool(view.context))

        rows = view.checks
        self.checks_title = _heading(SECTION_TITLES["conditions"], parent_font_source, "checked-title")
        self.checks = QWidget()
        self.checks.setObjectName("checked-list")
        self.checks.setAccessibleName(SECTION_TITLES["conditions"])
        grid = QGridLayout(self.checks)
        grid.setContentsMargins(0, 0, 0, 0)
        self.check_labels: list[tuple[QLabel, QLabel]] = []
        for r, row in enumerate(rows):
            state = QLabel(f"{row.mark} {row.state}")
            state.setObjectName("check-state")
            state.setFont(scaled_font(parent_font_source, 1.0, bold=True))
            state.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            what = wrapped(f"{row.label}: {row.text}", name="check-text", selectable=True)
            grid.addWidget(state, r, 0)
            grid.addWidget(what, r, 1)
            self.check_labels.append((state, what))
        if view.checks_note:
            grid.addWidget(wrapped(view.checks_note, name="checks-note"), len(rows), 0, 1, 2)
        grid.setColumnStretch(1, 1)
        outer.addWidget(self.checks_title)
        outer.addWidget(self.checks)
        shown = bool(rows or view.checks_note)
        self.checks_title.setVisible(shown)
        self.checks.setVisible(shown)

        self.lost_title = _heading("Why no dump was written", parent_font_source, "lost-dumps-title")
        self.lost = wrapped("\n".join(f"• {line}" for line in view.lost_dumps), name="lost-dumps",
                            selectable=True)
        outer.addWidget(self.lost_title)
        outer.addWidget(self.lost)
        self.lost_title.setVisible(bool(view.lost_dumps))
        self.lost.setVisible(bool(view.lost_dumps))

        steps = view.steps
        self.steps_title = _heading(SECTION_TITLES["next_steps"], parent_font_source, "steps-title")
        self.steps = wrapped(name="next-steps")
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.steps.setText(steps_html(steps))
        self.steps.setOpenExternalLinks(True)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.steps.setAccessibleDescription("\n".join(step_lines(steps)))
        outer.addWidget(self.steps_title)
        outer.addWidget(self.steps)
        self.steps_title.setVisible(bool(steps))
        self.steps.setVisible(bool(steps))


class DiagnosisPage(FlowPage):
    step = Step.DIAGNOSIS

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        self.setTitle("Diagnosis")
        self.link: str | None = None
        self.blocks: list[VerdictBlock] = []
        self.setSubTitle("What the evidence shows, how sure Dump Doctor is, and what to do.")
        body = self.scrolled_body("diagnosis-details")

        # files from several computers: said first, with a choice of whose diagnosis to show
        self.computers = ComputerPicker("diagnosis-computers")
        self.computers.chosen.connect(self._computer_chosen)
        body.addWidget(self.computers)
        self.verdict_host = QWidget()
        self.verdict_host.setObjectName("verdicts")
        self.verdict_area = QVBoxLayout(self.verdict_host)
        self.verdict_area.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.verdict_host)
        self.findings_title = _heading(SECTION_TITLES["findings"], self, "findings-title")
        body.addWidget(self.findings_title)
        self.findings = wrapped(name="other-findings", selectable=True)
        body.addWidget(self.findings)

        # the evidence, for whoever wants to check the answer: closed until asked for
        self.details_button = QToolButton()
        self.details_button.setObjectName("show-details")
        self.details_button.setText("&Details: the evidence and where each fact was read")
        self.details_button.setAccessibleName("Show the details")
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setCheckable(True)
        self.details_button.setAutoRaise(True)
        self.details_button.toggled.connect(self._show_details)
        body.addWidget(self.details_button)
        self.details = QWidget()
        self.details.setObjectName("details")
        inner = QVBoxLayout(self.details)
        inner.setContentsMargins(16, 0, 0, 0)
        self.explanation = wrapped(name="verdict-explanation", selectable=True)
        inner.addWidget(self.explanation)
        self.evidence_title = _heading("Evidence", self)
        inner.addWidget(self.evidence_title)
        self.evidence = wrapped(name="verdict-evidence", selectable=True)
        inner.addWidget(self.evidence)
        self.missing_title = _heading(SECTION_TITLES["missing"], self)
        inner.addWidget(self.missing_title)
        self.missing = wrapped(name="verdict-missing", selectable=True)
        inner.addWidget(self.missing)
        self.finding_details_title = _heading(f"{SECTION_TITLES['findings']}: details", self)
        inner.addWidget(self.finding_details_title)
        self.finding_details = wrapped(name="finding-details", selectable=True)
        inner.addWidget(self.finding_details)
        body.addWidget(self.details)
        body.addStretch(1)

        buttons = QHBoxLayout()
        self.article_button = QPushButton("Open the &hotfix article")
        self.article_button.setObjectName("open-hotfix-article")
        self.article_button.setAccessibleName("Open the hotfix article in the web browser")
        self.article_button.clicked.connect(self.open_article)
        self.copy_button = QPushButton("&Copy report")
        self.copy_button.setObjectName("copy-report")
        self.copy_button.clicked.connect(self.copy_report)
        self.save_button = QPushButton("Save HTML re&port…")
        self.save_button.setObjectName("save-html-report")
        self.save_button.clicked.connect(self.save_html)
        self.csv_button = QPushButton("Save C&SV…")
        self.csv_button.setObjectName("save-csv")
        self.csv_button.setAccessibleName("Save the crash list and the driver table as CSV")
        self.csv_button.setToolTip("The crash list and the storage driver table as comma-separated "
                                   "files, for spreadsheets and scripts (like BlueScreenView /scomma).")
        self.csv_button.clicked.connect(self.save_csv)
        for b in (self.article_button, self.copy_button, self.save_button, self.csv_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.footer.addLayout(buttons)
        self.action_status = wrapped(name="report-status", selectable=True)
        self.footer.addWidget(self.action_status)
        self._show_details(False)
        self.setFinalPage(True)

    # --- the primary verdict's widgets, for callers that want "the" answer ----------------

    @property
    def headline(self) -> QLabel:
        return self.blocks[0].headline if self.blocks else self._empty_label()

    @property
    def words(self) -> QLabel:
        return self.blocks[0].words if self.blocks else self._empty_label()

    @property
    def icon(self) -> QLabel:
        return self.blocks[0].icon if self.blocks else self._empty_label()

    @property
    def steps(self) -> QLabel:
        return self.blocks[0].steps if self.blocks else self._empty_label()

    def _empty_label(self) -> QLabel:
        return QLabel("", self)

    # --- showing a diagnosis ---------------------------------------------------------------

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        results = self.host.results
        self.computers.show_for(results.diagnosis, results.machine_index)
        diagnosis = results.shown()[0]  # the chosen computer's own, when there are several
        if diagnosis is not None:
            self.show_diagnosis(diagnosis)
        self.action_status.setText("")

    def _computer_chosen(self, index: int) -> None:
        results = self.host.results
        results.machine_index = index
        diagnosis = results.shown()[0]
        if diagnosis is not None:
            self.show_diagnosis(diagnosis)

    def show_diagnosis(self, diagnosis: Diagnosis) -> None:
        for block in self.blocks:
            self.verdict_area.removeWidget(block)
            block.hide()  # deleted later: until then it must not be drawn under the new blocks
            block.deleteLater()
        views = verdict_views(diagnosis)
        self.blocks = [VerdictBlock(v, i, self, self.verdict_host) for i, v in enumerate(views)]
        for block in self.blocks:
            self.verdict_area.addWidget(block)

        self.findings.setText("\n".join(finding_line(f) for f in diagnosis.findings))
        self.findings_title.setVisible(bool(diagnosis.findings))
        self.findings.setVisible(bool(diagnosis.findings))

        several = len(views) > 1
        self.explanation.setText("\n\n".join(
            (f"{v.title}: " if several else "") + v.explanation for v in views if v.explanation))
        evidence: list[str] = []
        missing: list[str] = []
        for v in views:
            if several and v.evidence:
                evidence.append(f"{v.title}:")
            evidence += v.evidence
            missing += v.missing
        self._section(self.evidence_title, self.evidence, evidence)
        self._section(self.missing_title, self.missing, missing)
        self._section(self.finding_details_title, self.finding_details,
                      [f"{f.headline}\n    {f.explanation}".rstrip() for f in diagnosis.findings
                       if f.explanation])

        # the article of the known issue that applies (another article may apply when the primary does not)
        self.link = hotfix_link(next((v for v in diagnosis.verdicts if v.is_problem), diagnosis.verdict))
        self.article_button.setEnabled(self.link is not None)
        self.article_button.setToolTip(self.link or "No article applies to this verdict.")
        # every diagnosis opens at the top with the details closed: the answer is what comes first
        self.details_button.setChecked(False)
        self._show_details(False)
        self.page_scroll.verticalScrollBar().setValue(0)

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    @staticmethod
    def _section(title: QLabel, body: QLabel, lines: list[str]) -> None:
        body.setText("\n".join(lines))
        title.setVisible(bool(lines))
        body.setVisible(bool(lines))

    # --- actions ---------------------------------------------------------------------------

    def open_article(self) -> None:
        if self.link and not QDesktopServices.openUrl(QUrl(self.link)):
            self.action_status.setText(f"No web browser could be started. The article is at {self.link}")

    def _report(self, html: bool) -> str | None:
        results = self.host.results
        if results.diagnosis is None or results.evidence is None:
            return None
        render = self.host.services.render_html if html else self.host.services.render_text
        try:
            return render(results.diagnosis, results.evidence)
        except Exception as exc:  # a report bug must not take the window down
            log.exception("rendering the report failed")
            self.action_status.setText(f"The report could not be made ({exc}). {where_to_look()}")
            return None

    def copy_report(self) -> None:
        text = self._report(html=False)
        if text is not None:
            QApplication.clipboard().setText(text)
            self.action_status.setText("The report is on the clipboard.")

    def _write(self, path: Path, text: str) -> bool:
        try:
            path.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            log.warning("could not save %s: %s", path, exc)
            self.action_status.setText(f"Could not save {path}: {exc.strerror or exc}. {where_to_look()}")
            return False
        self.host.results.saved = True
        return True

    def save_html(self) -> None:
        html = self._report(html=True)
        if html is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Save HTML report",
                                              str(default_report_path("dumpdoctor-report.html")),
                                              "HTML files (*.html);;All files (*)")
        if name and self._write(Path(name), html):
            self.action_status.setText(f"Saved {name}")

    def save_csv(self) -> None:
        evidence = self.host.results.shown()[1]  # the computer shown, when there are several
        if evidence is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the crash list as CSV (the driver table is saved beside it)",
            str(default_report_path("dumpdoctor-crashes.csv")), "CSV files (*.csv);;All files (*)")
        if not name:
            return
        crashes = Path(name)
        stem = (crashes.stem.replace("crashes", "drivers") if "crashes" in crashes.stem
                else f"{crashes.stem}-drivers")
        drivers = crashes.with_name(f"{stem}{crashes.suffix or '.csv'}")
        try:
            crash_csv = self.host.services.render_crash_csv(evidence)
            driver_csv = self.host.services.render_driver_csv(evidence)
        except Exception as exc:  # a report bug must not take the window down
            log.exception("rendering the CSV failed")
            self.action_status.setText(f"The CSV could not be made ({exc}). {where_to_look()}")
            return
        if self._write(crashes, crash_csv) and self._write(drivers, driver_csv):
            self.action_status.setText(f"Saved the crash list as {crashes} and the storage drivers as "
                                       f"{drivers}")
