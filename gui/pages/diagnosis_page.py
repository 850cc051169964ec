"""Page 5, the diagnosis: core.diagnosis's verdict in one large sentence with an icon and words,
the evidence behind it, next steps, the hotfix article, and the report as text or HTML."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.diagnosis.model import Diagnosis, EvidenceItem, NextStep
from core.diagnosis.wording import CONFIDENCE_LABELS, SECTION_TITLES, SEVERITY_LABELS
from core.wizard.flow import Step
from core.wizard.present import hotfix_link, readiness_lines
from gui.logging_setup import where_to_look
from gui.verdict_style import style_for
from gui.widgets import icon, scaled_font, wrapped
from gui.wizard import DumpDoctorWizard, FlowPage

log = logging.getLogger(__name__)


def _evidence_line(item: EvidenceItem) -> str:
    mark = "✔" if item.supports else "✘"
    where = f"  [{item.ref}]" if item.ref is not None else ""
    return f"{mark} {item.text}{where}"


def _step_line(n: int, step: NextStep) -> str:
    parts = [f"{n}. {step.title}"]
    if step.detail:
        parts.append(f"   {step.detail}")
    if step.command:
        parts.append(f"   Command: {step.command}")
    if step.link:
        parts.append(f"   {step.link}")
    return "\n".join(parts)


class DiagnosisPage(FlowPage):
    step = Step.DIAGNOSIS

    def __init__(self, wizard: DumpDoctorWizard) -> None:
        super().__init__(wizard)
        self.setTitle("Diagnosis")
        self.link: str | None = None
        self.setSubTitle("What the evidence shows, how sure Dump Doctor is, and what to do.")
        outer = QVBoxLayout(self)

        # the verdict: icon and words carry the meaning; colour is only the frame's accent
        self.banner = QFrame()
        self.banner.setObjectName("verdict-banner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        banner = QHBoxLayout(self.banner)
        self.icon = QLabel()
        self.icon.setObjectName("verdict-icon")
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        banner.addWidget(self.icon)
        text = QVBoxLayout()
        self.words = wrapped(name="verdict-words")
        self.words.setFont(scaled_font(self, 1.1, bold=True))
        self.issue = wrapped(name="verdict-issue")
        self.headline = wrapped(name="verdict-headline", selectable=True)
        self.headline.setFont(scaled_font(self, 1.5, bold=True))
        self.confidence = wrapped(name="verdict-confidence")
        text.addWidget(self.words)
        text.addWidget(self.headline)
        text.addWidget(self.issue)
        text.addWidget(self.confidence)
        banner.addLayout(text, 1)
        outer.addWidget(self.banner)

        scroll = QScrollArea()
        scroll.setObjectName("diagnosis-details")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        details = QVBoxLayout(body)
        self.explanation = wrapped(name="verdict-explanation", selectable=True)
        details.addWidget(self.explanation)
        self.readiness_title = self._heading("Will the next crash leave a dump?")
        details.addWidget(self.readiness_title)
        self.readiness = wrapped(name="readiness", selectable=True)
        details.addWidget(self.readiness)
        self.evidence_title = self._heading("Evidence")
        details.addWidget(self.evidence_title)
        self.evidence = wrapped(name="verdict-evidence", selectable=True)
        details.addWidget(self.evidence)
        self.missing_title = self._heading(SECTION_TITLES["missing"])
        details.addWidget(self.missing_title)
        self.missing = wrapped(name="verdict-missing", selectable=True)
        details.addWidget(self.missing)
        self.steps_title = self._heading(SECTION_TITLES["next_steps"])
        details.addWidget(self.steps_title)
        self.steps = wrapped(name="next-steps", selectable=True)
        details.addWidget(self.steps)
        self.findings_title = self._heading(SECTION_TITLES["findings"])
        details.addWidget(self.findings_title)
        self.findings = wrapped(name="other-findings", selectable=True)
        details.addWidget(self.findings)
        details.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

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
        for b in (self.article_button, self.copy_button, self.save_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.action_status = wrapped(name="report-status", selectable=True)
        outer.addWidget(self.action_status)
        self.setFinalPage(True)

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setFont(scaled_font(self, 1.1, bold=True))
        return label

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        diagnosis = self.dd.results.diagnosis
        if diagnosis is not None:
            self.show_diagnosis(diagnosis)
        self.action_status.setText("")

    def show_diagnosis(self, diagnosis: Diagnosis) -> None:
        verdict = diagnosis.verdict
        style = style_for(verdict.id)
        size = self.fontMetrics().height() * 4
        self.icon.setPixmap(icon(style.icon).pixmap(size, size))
        self.icon.setAccessibleName(style.words)
        self.banner.setStyleSheet(
            f"#verdict-banner {{ border: 3px solid {style.accent}; border-radius: 6px; }}")
        self.words.setText(style.words)
        self.issue.setText(f"Known issue: {verdict.issue_title}")
        self.headline.setText(verdict.headline)
        level = CONFIDENCE_LABELS.get(str(verdict.confidence.level), str(verdict.confidence.level))
        self.confidence.setText(f"{level}: {verdict.confidence.why}")
        self.explanation.setText(verdict.explanation)
        self._section(self.readiness_title, self.readiness, readiness_lines(diagnosis))
        self._section(self.evidence_title, self.evidence, [_evidence_line(e) for e in verdict.evidence])
        self._section(self.missing_title, self.missing,
                      [f"• {m.message} {m.how_to_get}".rstrip() for m in verdict.missing])
        self._section(self.steps_title, self.steps,
                      [_step_line(i, s) for i, s in enumerate(verdict.next_steps, 1)])
        self._section(self.findings_title, self.findings,
                      [f"• {SEVERITY_LABELS.get(f.severity, f.severity)}: {f.headline} "
                       f"{f.explanation}".rstrip() for f in diagnosis.findings])
        self.link = hotfix_link(verdict)
        self.article_button.setEnabled(self.link is not None)
        self.article_button.setToolTip(self.link or "No article applies to this verdict.")

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
        results = self.dd.results
        if results.diagnosis is None or results.evidence is None:
            return None
        render = self.dd.services.render_html if html else self.dd.services.render_text
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

    def save_html(self) -> None:
        html = self._report(html=True)
        if html is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Save HTML report", "dumpdoctor-report.html",
                                              "HTML files (*.html)")
        if not name:
            return
        try:
            Path(name).write_text(html, encoding="utf-8")
        except OSError as exc:
            log.warning("could not save the report to %s: %s", name, exc)
            self.action_status.setText(f"Could not save {name}: {exc.strerror or exc}. {where_to_look()}")
            return
        self.action_status.setText(f"Saved {name}")
