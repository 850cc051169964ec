"""The dump readiness verdict in the text and HTML reports (shared by both, so they say the same)."""

from __future__ import annotations

import textwrap
from html import escape

from core.diagnosis.model import ConditionState
from core.readiness.engine import LABELS
from core.readiness.model import ReadinessCheck, ReadinessVerdict
from core.report.common import clean, ref_text

TITLE = "Will the next crash leave a dump?"
MISSING_DUMPS_TITLE = "Crashes that left no dump, and why"
_MARK = {ConditionState.YES: "yes", ConditionState.NO: "no ", ConditionState.UNKNOWN: " ? "}
WIDTH = 100


def check_mark(c: ReadinessCheck) -> str:
    return "n/a" if not c.applies else _MARK[c.state]


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(clean(text), WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def readiness_text(r: ReadinessVerdict) -> list[str]:
    title = f"{TITLE} {LABELS[r.id]}"
    lines = ["", title, "-" * len(title)]
    lines += _wrap(r.headline)
    lines += _wrap(r.explanation)
    if r.dump_type:
        lines += _wrap(f"Dump type configured: {r.dump_type}")
    for n, step in enumerate(r.next_steps, 1):
        lines += _wrap(f"{n}. {step.title}")
        if step.detail:
            lines += _wrap(step.detail, "     ")
        if step.command:
            lines.append(f"     > {clean(step.command)}")
        if step.link:
            lines.append(f"     {clean(step.link)}")
    lines += ["", "  Checks:"]
    for c in r.checks:
        lines += _wrap(f"[{check_mark(c)}] {c.label}: {c.text}", "    ")
        if not c.applies or c.state is ConditionState.YES:
            continue  # details only where something is wrong or not known
        for item in c.evidence[:4]:
            where = ref_text(item.ref)
            lines += _wrap(f"- {item.text}" + (f"  [{where}]" if where else ""), "          ")
        if c.unconfirmed:
            lines += _wrap(f"Unconfirmed: {c.unconfirmed}", "          ")
        if c.sources:
            lines += _wrap("Source: " + "; ".join(s.title for s in c.sources), "          ")
    if r.missing_dumps:
        lines += ["", f"  {MISSING_DUMPS_TITLE}:"]
        for lost in r.missing_dumps:
            lines += _wrap(f"{lost.time:%Y-%m-%d %H:%M} UTC: {lost.text}", "    ")
    for m in r.missing:
        lines += _wrap(f"Would help: {m.message} ({m.how_to_get})", "  ")
    return lines


def _e(text: object) -> str:
    return escape(clean(text), quote=True)


def _link(url: str | None, text: str) -> str:
    if url and url.startswith(("https://", "http://")):
        return f'<a href="{_e(url)}">{_e(text)}</a>'
    return _e(text)


def readiness_html(r: ReadinessVerdict) -> str:
    # The known-issue answer box colours, reused: green ready, red not ready, orange otherwise.
    css = {"ready": "not-this-issue", "not-ready": "matches", "degraded": "cant-tell",
           "cant-tell": "cant-tell"}
    parts = [f"<h2>{_e(TITLE)}</h2>",
             f'<section class="answer {css[r.id.value]}" id="readiness" data-readiness="{_e(r.id.value)}">',
             f'<div class="label">{_e(LABELS[r.id])}</div>', f"<p><strong>{_e(r.headline)}</strong></p>",
             f"<p>{_e(r.explanation)}</p>"]
    if r.dump_type:
        parts.append(f'<p class="muted">Dump type configured: {_e(r.dump_type)}</p>')
    parts.append("</section>")
    if r.next_steps:
        parts.append('<ol class="steps">')
        for s in r.next_steps:
            extra = f"<br>{_e(s.detail)}" if s.detail else ""
            if s.command:
                extra += f"<br><code>{_e(s.command)}</code>"
            if s.link:
                extra += f"<br>{_link(s.link, s.link)}"
            parts.append(f"<li><strong>{_e(s.title)}</strong>{extra}</li>")
        parts.append("</ol>")
    parts.append("<table><tr><th>Check</th><th class='met'>Met?</th><th>What the evidence says</th>"
                 "<th>Source</th></tr>")
    words = {ConditionState.YES: "yes", ConditionState.NO: "no", ConditionState.UNKNOWN: "unknown"}
    for c in r.checks:
        state = words[c.state] if c.applies else "n/a"
        note = f'<br><span class="muted">Unconfirmed: {_e(c.unconfirmed)}</span>' if (
            c.unconfirmed and c.applies and c.state is not ConditionState.YES) else ""
        sources = "<br>".join(_link(s.link, s.title) for s in c.sources)
        parts.append(f'<tr id="check-{_e(c.id)}"><td>{_e(c.label)}</td>'
                     f'<td class="{_e(state)}">{_e(state)}</td>'
                     f"<td>{_e(c.text)}{note}</td><td>{sources}</td></tr>")
    parts.append("</table>")
    if r.missing_dumps:
        parts.append(f"<h3>{_e(MISSING_DUMPS_TITLE)}</h3><ul>")
        parts += [f"<li>{_e(f'{m.time:%Y-%m-%d %H:%M} UTC')}: {_e(m.text)}</li>" for m in r.missing_dumps]
        parts.append("</ul>")
    if r.missing:
        parts.append("<ul>" + "".join(f"<li>{_e(m.message)} {_e(m.how_to_get)}</li>" for m in r.missing)
                     + "</ul>")
    return "\n".join(parts)
