"""The diagnosis as one self-contained HTML page: the answer for a non-expert first, a technical
appendix after. Every piece of text from the evidence is escaped; there is no script and no external
resource, so the file can be mailed and printed as is."""

from __future__ import annotations

from core.diagnosis.model import ConditionState, Diagnosis, Finding, Verdict
from core.diagnosis.wording import (
    CONFIDENCE_LABELS,
    GLOSSARY,
    SECTION_TITLES,
    SEVERITY_LABELS,
    VERDICT_LABELS,
    brief_verdict_text,
)
from core.evidence import Evidence
from core.report.common import Table, appendix_tables, missing_not_in_steps, ref_text, system_rows
from core.report.markup import e, link, steps_html
from core.report.readiness_section import readiness_html
from core.version import __version__

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#1b1b1b;max-width:60rem;
margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:1.8rem;border-bottom:1px solid #ccc}
.answer{border-left:.5rem solid #888;padding:.6rem 1rem;background:#f5f5f5;margin:1rem 0}
.answer.matches,.answer.at-risk{border-color:#c62828;background:#fdecea}
.answer.not-this-issue{border-color:#2e7d32;background:#edf7ed}
.answer.cant-tell{border-color:#ef6c00;background:#fff4e5}
.label{font-weight:700;font-size:1.1rem}.muted{color:#555;font-size:.9rem}
ol.steps li{margin:.4rem 0}code{background:#eee;padding:0 .25rem;border-radius:3px}
.finding{margin:.6rem 0;padding:.4rem .8rem;border-left:.3rem solid #888}
.finding.error{border-color:#c62828}.finding.warning{border-color:#ef6c00}.finding.info{border-color:#1565c0}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top;word-break:normal;
overflow-wrap:break-word;hyphens:none}
th{background:#eee}th.met{white-space:nowrap;word-break:normal}.yes{color:#c62828}.no{color:#2e7d32}.unknown{color:#ef6c00}
details{margin:.3rem 0}
@media print{body{max-width:none;margin:0;font-size:11pt}details{display:block}
details>summary{list-style:none}.answer,.finding{break-inside:avoid}a{color:#000}
a[href]:after{content:" (" attr(href) ")";font-size:.8em;word-break:break-all}}
"""




def _evidence_list(items: list[tuple[str, str, bool]]) -> str:
    rows = []
    for text, where, supports in items:
        mark = "" if supports else "<strong>against:</strong> "
        src = f' <span class="muted">[{e(where)}]</span>' if where else ""
        rows.append(f"<li>{mark}{e(text)}{src}</li>")
    return "<ul>" + "".join(rows) + "</ul>" if rows else ""


def _verdict(v: Verdict) -> str:
    parts = [f'<section class="answer {e(v.id.value)}" id="verdict-{e(v.issue_id)}" '
             f'data-verdict="{e(v.id.value)}">',
             f'<div class="label">{e(VERDICT_LABELS[v.id])}</div>',
             f"<p><strong>{e(v.headline)}</strong></p>", f"<p>{e(v.explanation)}</p>",
             f'<p class="muted">{e(CONFIDENCE_LABELS[v.confidence.level.value])}: '
             f"{e(v.confidence.why)}</p>",
             f'<p class="muted">Known issue: {link(v.link, v.issue_title) if v.link else e(v.issue_title)}'
             "</p></section>"]
    if v.next_steps:
        parts.append(f"<h2>{e(SECTION_TITLES['next_steps'])}</h2>")
        parts += steps_html(v.next_steps)
    missing = missing_not_in_steps(v)
    if missing:
        parts.append(f"<h2>{e(SECTION_TITLES['missing'])}</h2><ul>")
        parts += [f"<li>{e(m.message)} {e(m.how_to_get)}</li>" for m in missing]
        parts.append("</ul>")
    parts.append(f"<h2>{e(SECTION_TITLES['conditions'])}</h2><table><tr><th>Condition</th>"
                 "<th class='met'>Met?</th><th>What the evidence says</th></tr>")
    words = {ConditionState.YES: "yes", ConditionState.NO: "no", ConditionState.UNKNOWN: "unknown"}
    for c in v.conditions:
        parts.append(f"<tr><td>{e(c.label)}</td><td class=\"{words[c.state]}\">{words[c.state]}</td>"
                     f"<td>{e(c.text)}</td></tr>")
    parts.append("</table>")
    if v.evidence:
        parts.append("<details open><summary>Evidence behind this answer</summary>")
        parts.append(_evidence_list([(i.text, ref_text(i.ref), i.supports) for i in v.evidence]))
        parts.append("</details>")
    return "\n".join(parts)


def _finding(f: Finding) -> str:
    body = [f'<div class="finding {e(f.severity.value)}" id="finding-{e(f.id)}">',
            f"<strong>{e(SEVERITY_LABELS[f.severity])}: {e(f.headline)}</strong>",
            f"<p>{e(f.explanation)}</p>"]
    for s in f.next_steps:
        body.append(f"<p>\u27a4 {e(s.title)}" + (f" <code>{e(s.command)}</code>" if s.command else "")
                    + "</p>")
    if f.technical or f.evidence:
        body.append("<details><summary>Details</summary>")
        if f.technical:
            body.append(f'<p class="muted">{e(f.technical)}</p>')
        body.append(_evidence_list([(i.text, ref_text(i.ref), True) for i in f.evidence[:20]]))
        body.append("</details>")
    body.append("</div>")
    return "\n".join(body)


def _cell(text: object) -> str:
    """A table cell. Columns never break inside a word ("unknow n" in a narrow column); long paths
    and keys may break after a separator instead, so they do not widen the table."""
    return e(text).replace("\\", "\\<wbr>").replace("/", "/<wbr>")


def _table(t: Table) -> str:
    head = f"<h3>{e(SECTION_TITLES[t.title_key])}</h3>"
    if not t.rows:
        return head + f"<p>{e(t.empty)}</p>"
    rows = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in r) + "</tr>" for r in t.rows)
    return (head + "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in t.headers) + "</tr>" + rows
            + "</table>")


def render_html(diag: Diagnosis, ev: Evidence) -> str:
    # With several computers the first one's description names it; the title names the whole source.
    source = ev.whole_source_description
    title = f"Dump Doctor report \u2014 {source}"
    body = [f"<h1>{e(title)}</h1>", f'<p class="muted">Dump Doctor {e(__version__)}; knowledge '
            f"{e(diag.knowledge_version)}</p>", f"<p><strong>{e(diag.headline)}</strong></p>"]
    if diag.machines:
        # Several computers: each one's report in turn, under its name, after the notice above.
        for n, machine in enumerate(diag.machines, 1):
            body.append(f"<hr><h1>{e(f'Computer {n} of {len(diag.machines)}: {machine.label}')}</h1>")
            body.append(f"<p><strong>{e(machine.diagnosis.headline)}</strong></p>")
            body += _body(machine.diagnosis, machine.evidence)
    else:
        body += _body(diag, ev)
    body.append("<h3>Words used in this report</h3><dl>" + "".join(
        f"<dt><strong>{e(k)}</strong></dt><dd>{e(v)}</dd>" for k, v in GLOSSARY.items()) + "</dl>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _body(diag: Diagnosis, ev: Evidence) -> list[str]:
    body: list[str] = []
    readiness = readiness_html(diag.readiness) if diag.readiness is not None else ""
    if diag.primary_kind == "readiness":
        body.append(readiness)
    for v in diag.prominent_verdicts:  # the primary issue, then other articles that apply
        body.append(f"<h2>{e(SECTION_TITLES['verdict' if v.primary else 'other_verdict'])}</h2>")
        body.append(_verdict(v))
    if diag.primary_kind != "readiness":
        body.append(readiness)
    if diag.brief_verdicts:
        body.append(f"<h2>{e(SECTION_TITLES['other_issues'])}</h2><ul>" + "".join(
            f'<li id="verdict-{e(v.issue_id)}" data-verdict="{e(v.id.value)}">{e(brief_verdict_text(v))}'
            + (f" {link(v.link)}" if v.link else "") + "</li>" for v in diag.brief_verdicts) + "</ul>")
    body.append(f"<h2>{e(SECTION_TITLES['findings'])}</h2>")
    body += [_finding(f) for f in diag.findings] or ["<p>Nothing else to report.</p>"]
    body.append(f"<h2>{e(SECTION_TITLES['technical'])}</h2>")
    body.append(f"<h3>{e(SECTION_TITLES['system'])}</h3><table>"
                + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in system_rows(ev))
                + "</table>")
    body += [_table(t) for t in appendix_tables(ev)]
    body.append("<h3>Rules evaluated</h3><ul>" + "".join(
        f"<li>{e(v.issue_id)}: {e(v.id.value)} \u2014 {e(v.technical)}</li>" for v in diag.verdicts)
        + "</ul>")
    return body
