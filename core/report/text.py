"""The diagnosis as plain text for a terminal: answer first, then what to do, then the details."""

from __future__ import annotations

from core.advice import with_advice
from core.diagnosis.model import Diagnosis, Verdict
from core.diagnosis.wording import (
    CONFIDENCE_LABELS,
    SECTION_TITLES,
    SEVERITY_LABELS,
    VERDICT_LABELS,
    brief_verdict_text,
)
from core.evidence import Evidence
from core.report.common import (
    Table,
    aligned_columns,
    appendix_tables,
    clean,
    missing_not_in_steps,
    ref_text,
    system_rows,
)
from core.report.markup import MARK, steps_text, title, wrap
from core.report.readiness_section import readiness_text


def _verdict(v: Verdict, lines: list[str]) -> None:
    lines += title(f"{SECTION_TITLES['verdict' if v.primary else 'other_verdict']} {VERDICT_LABELS[v.id]} "
                    f"({CONFIDENCE_LABELS[v.confidence.level.value].lower()})")
    lines += wrap(v.headline)
    lines += wrap(v.explanation)
    lines += wrap(f"How sure: {v.confidence.why}")
    lines += wrap(f"Known issue: \u201c{v.issue_title}\u201d")
    if v.link:
        lines.append(f"  {v.link}")
    lines += title(SECTION_TITLES["conditions"])
    for c in v.conditions:
        lines += wrap(f"[{MARK[c.state]}] {c.label}: {c.text}")
    if v.next_steps:
        lines += title(SECTION_TITLES["next_steps"])
        lines += steps_text(v.next_steps)
    if v.evidence:
        lines += title("Evidence")
        for item in v.evidence:
            where = ref_text(item.ref)
            lines += wrap(f"{'+' if item.supports else '-'} {item.text}" + (f"  [{where}]" if where else ""))
    missing = missing_not_in_steps(v)
    if missing:
        lines += title(SECTION_TITLES["missing"])
        for m in missing:
            lines += wrap(f"- {with_advice(m.message, m.how_to_get)}")


def _table(t: Table, lines: list[str]) -> None:
    lines += title(SECTION_TITLES[t.title_key])
    if not t.rows:
        lines.append(f"  {t.empty}")
        return
    if t.title_key == "problems":  # the reason is the point: never cut it to a column's width
        for path, message, step in t.rows:
            lines += wrap(f"- {path} ({step}): {message}", "  ")
        return
    lines += [("  " + line).rstrip() for line in aligned_columns([t.headers, *t.rows], cap=60)]


def render_text(diag: Diagnosis, ev: Evidence) -> str:
    """The report; when the files come from several computers, that comes first, then one full
    report per computer."""
    if not diag.machines:
        return _render_one(diag, ev)
    out = [*wrap(diag.headline, ""), ""]
    for machine in diag.machines:
        identity = machine.evidence.machine
        files = ", ".join(p.label for p in identity.pieces) if identity else ""
        out += wrap(f"- {machine.label}: {VERDICT_LABELS[machine.diagnosis.verdict.id]}. Files: {files}.")
        for note in identity.notes if identity else []:
            out += wrap(note, "    ")
    for n, machine in enumerate(diag.machines, 1):
        out += ["", f"##### Computer {n} of {len(diag.machines)}: {clean(machine.label)} #####",
                _render_one(machine.diagnosis, machine.evidence)]
    return "\n".join(out)


def _render_one(diag: Diagnosis, ev: Evidence) -> str:
    lines = [f"Dump Doctor report \u2014 {clean(ev.source_description)}", "=" * 40]
    lines += wrap(diag.headline, "")
    readiness = readiness_text(diag.readiness) if diag.readiness is not None else []
    if diag.primary_kind == "readiness":
        lines += readiness
    for v in diag.prominent_verdicts:  # the primary issue, then other articles that apply
        _verdict(v, lines)
    if diag.primary_kind != "readiness":
        lines += readiness
    if diag.brief_verdicts:
        lines += title(SECTION_TITLES["other_issues"])
        for v in diag.brief_verdicts:
            lines += wrap(f"- {brief_verdict_text(v)}" + (f" {v.link}" if v.link else ""))
    lines += title(SECTION_TITLES["findings"])
    if not diag.findings:
        lines.append("  Nothing else to report.")
    for f in diag.findings:
        lines += wrap(f"[{SEVERITY_LABELS[f.severity]}] {f.headline}")
        lines += wrap(f.explanation, "      ")
        if f.technical:
            lines += wrap(f"Technical: {f.technical}", "      ")
        for item in f.evidence[:10]:
            where = ref_text(item.ref)
            lines += wrap(f"- {item.text}" + (f"  [{where}]" if where else ""), "      ")
        for step in f.next_steps:
            lines += wrap(f"> {step.title}" + (f": {step.command}" if step.command else ""), "      ")
    lines += title(SECTION_TITLES["technical"])
    for key, value in system_rows(ev):
        lines += wrap(f"{key}: {value}")
    for v in diag.verdicts:
        lines += wrap(f"Rule {v.issue_id}: {v.technical}")
    for t in appendix_tables(ev):
        _table(t, lines)
    return "\n".join(lines) + "\n"
