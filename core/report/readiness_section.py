"""The dump readiness verdict in the text and HTML reports (shared by both, so they say the same)."""

from __future__ import annotations

from core.diagnosis.model import ConditionState
from core.readiness.engine import LABELS
from core.readiness.model import ReadinessCheck, ReadinessVerdict
from core.report.common import ref_text
from core.report.markup import e, link, steps_html, steps_text, wrap

TITLE = "Will the next crash leave a dump?"
MISSING_DUMPS_TITLE = "Crashes that left no dump, and why"
MARK = {ConditionState.YES: "yes", ConditionState.NO: "no ", ConditionState.UNKNOWN: " ? "}
WIDTH = 100


def check_mark(c: ReadinessCheck) -> str:
    return "n/a" if not c.applies else MARK[c.state]




def readiness_text(r: ReadinessVerdict) -> list[str]:
    title = f"{TITLE} {LABELS[r.id]}"
    lines = ["", title, "-" * len(title)]
    lines += wrap(r.headline)
    lines += wrap(r.explanation)
    if r.dump_type:
        lines += wrap(f"Dump type configured: {r.dump_type}")
    lines += steps_text(r.next_steps)
    lines += ["", "  Checks:"]
    for c in r.checks:
        lines += wrap(f"[{check_mark(c)}] {c.label}: {c.text}", "    ")
        if not c.applies or c.state is ConditionState.YES:
            continue  # details only where something is wrong or not known
        for item in c.evidence[:4]:
            where = ref_text(item.ref)
            lines += wrap(f"- {item.text}" + (f"  [{where}]" if where else ""), "          ")
        if c.unconfirmed:
            lines += wrap(f"Unconfirmed: {c.unconfirmed}", "          ")
        if c.sources:
            lines += wrap("Source: " + "; ".join(s.title for s in c.sources), "          ")
    if r.missing_dumps:
        lines += ["", f"  {MISSING_DUMPS_TITLE}:"]
        for lost in r.missing_dumps:
            lines += wrap(f"{lost.time:%Y-%m-%d %H:%M} UTC: {lost.text}", "    ")
    for m in r.missing:
        lines += wrap(f"Would help: {m.message} ({m.how_to_get})", "  ")
    return lines




def readiness_html(r: ReadinessVerdict) -> str:
    # The known-issue answer box colours, reused: green ready, red not ready, orange otherwise.
    css = {"ready": "not-this-issue", "not-ready": "matches", "degraded": "cant-tell",
           "cant-tell": "cant-tell"}
    parts = [f"<h2>{e(TITLE)}</h2>",
             f'<section class="answer {css[r.id.value]}" id="readiness" data-readiness="{e(r.id.value)}">',
             f'<div class="label">{e(LABELS[r.id])}</div>', f"<p><strong>{e(r.headline)}</strong></p>",
             f"<p>{e(r.explanation)}</p>"]
    if r.dump_type:
        parts.append(f'<p class="muted">Dump type configured: {e(r.dump_type)}</p>')
    parts.append("</section>")
    if r.next_steps:
        parts += steps_html(r.next_steps)
    parts.append("<table><tr><th>Check</th><th class='met'>Met?</th><th>What the evidence says</th>"
                 "<th>Source</th></tr>")
    words = {ConditionState.YES: "yes", ConditionState.NO: "no", ConditionState.UNKNOWN: "unknown"}
    for c in r.checks:
        state = words[c.state] if c.applies else "n/a"
        note = f'<br><span class="muted">Unconfirmed: {e(c.unconfirmed)}</span>' if (
            c.unconfirmed and c.applies and c.state is not ConditionState.YES) else ""
        sources = "<br>".join(link(s.link, s.title) for s in c.sources)
        parts.append(f'<tr id="check-{e(c.id)}"><td>{e(c.label)}</td>'
                     f'<td class="{e(state)}">{e(state)}</td>'
                     f"<td>{e(c.text)}{note}</td><td>{sources}</td></tr>")
    parts.append("</table>")
    if r.missing_dumps:
        parts.append(f"<h3>{e(MISSING_DUMPS_TITLE)}</h3><ul>")
        parts += [f"<li>{e(f'{m.time:%Y-%m-%d %H:%M} UTC')}: {e(m.text)}</li>" for m in r.missing_dumps]
        parts.append("</ul>")
    if r.missing:
        parts.append("<ul>" + "".join(f"<li>{e(m.message)} {e(m.how_to_get)}</li>" for m in r.missing)
                     + "</ul>")
    return "\n".join(parts)
