"""Triage output: CSV for spreadsheets, NDJSON for fleet tools, and one self-contained HTML overview.

The overview is a single file with its style and script inline (it is mailed, attached to tickets and
opened offline): click a header to sort, tick verdicts to filter, and each machine's name links to its
full report, written beside the overview in `<overview name>-reports/`.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from core.triage.row import COLUMNS, TriageRow
from core.version import __version__

CSV_PROBLEM_SEPARATOR = " | "
VERDICT_ORDER = ("matches", "at-risk", "cant-tell", "not-this-issue", "error")


def csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return CSV_PROBLEM_SEPARATOR.join(str(v) for v in value)
    text = str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheet programs; evidence text (a
    # computer name, a file name in a bundle) must never become one.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(rows: Sequence[TriageRow], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([key for key, _, _ in COLUMNS])
    for row in rows:
        data = row.to_json()
        writer.writerow([csv_value(data[key]) for key, _, _ in COLUMNS])


def ndjson_lines(rows: Sequence[TriageRow]) -> list[str]:
    # ASCII with \u escapes: any JSON reader decodes them, and no console code page can break a line.
    return [json.dumps(row.to_json(), ensure_ascii=True, separators=(",", ":")) for row in rows]


def report_folder(overview: Path) -> Path:
    return overview.with_name(overview.stem + "-reports")


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")[:60] or "machine"


def write_reports(overview: Path, rows: Sequence[TriageRow],
                  reports: Sequence[bytes | None]) -> list[str | None]:
    """Write each machine's full report beside the overview; returns the links (relative), None where
    the machine has no report (it could not be examined)."""
    folder = report_folder(overview)
    links: list[str | None] = []
    written: dict[int, str] = {}  # a bundle of several computers has one report for all its rows
    for number, (row, report) in enumerate(zip(rows, reports, strict=True), start=1):
        if report is None:
            links.append(None)
            continue
        if id(report) in written:
            links.append(written[id(report)])
            continue
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{number:04d}-{_safe_name(row.computer_name or Path(row.source).name)}.html"
        (folder / name).write_bytes(report)
        link = f"{folder.name}/{name}"
        links.append(link)
        written[id(report)] = link
    return links


_CSS = """
body{font:14px/1.4 system-ui,Segoe UI,sans-serif;margin:1.5em;color:#1b1b1b}
h1{font-size:1.4em;margin:0 0 .3em} .muted{color:#555}
.filters{margin:.8em 0;display:flex;flex-wrap:wrap;gap:1em;align-items:center}
.filters label{white-space:nowrap}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}
th{background:#eef1f5;cursor:pointer;position:sticky;top:0;text-align:left}
th[aria-sort=ascending]::after{content:" \\25B2"} th[aria-sort=descending]::after{content:" \\25BC"}
tr.v-matches td.verdict{background:#fde2e1;font-weight:bold} tr.v-at-risk td.verdict{background:#fff1cc}
tr.v-cant-tell td.verdict{background:#e8e8f5} tr.v-error td.verdict{background:#eee;font-style:italic}
td.r-not-ready{background:#fde2e1;font-weight:bold} td.r-degraded{background:#fff1cc}
td.problems{font-size:.85em;color:#5a3e00;max-width:30em}
"""

_SCRIPT = """
(function(){
var table=document.getElementById('machines'),body=table.tBodies[0];
function cell(tr,i){var c=tr.cells[i];return c.getAttribute('data-sort')||c.textContent;}
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
 th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();th.click();}});
 th.addEventListener('click',function(){
  var asc=th.getAttribute('aria-sort')!=='ascending';
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
  th.setAttribute('aria-sort',asc?'ascending':'descending');
  var rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(a,b){var x=cell(a,i),y=cell(b,i);
   var n=parseFloat(x),m=parseFloat(y);
   var r=(!isNaN(n)&&!isNaN(m)&&String(n)===x&&String(m)===y)?n-m:x.localeCompare(y);
   return asc?r:-r;});
  rows.forEach(function(r){body.appendChild(r);});
 });
});
function filter(){
 var on={};Array.prototype.forEach.call(document.querySelectorAll('input[data-verdict]'),
  function(b){on[b.getAttribute('data-verdict')]=b.checked;});
 var shown=0;Array.prototype.forEach.call(body.rows,function(r){
  var v=r.getAttribute('data-verdict');var vis=on[v]!==false;r.hidden=!vis;if(vis)shown++;});
 document.getElementById('shown').textContent=shown;
}
Array.prototype.forEach.call(document.querySelectorAll('input[data-verdict]'),
 function(b){b.addEventListener('change',filter);});
filter();
})();
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _cell(key: str, row: TriageRow, link: str | None) -> str:
    value = getattr(row, key)
    if key == "problems":
        return f'<td class="problems">{"<br>".join(_e(p) for p in value)}</td>'
    text = _e(value)
    if key == "computer_name":
        shown = text or _e(Path(row.source).name)
        return f'<td><a href="{_e(link)}">{shown}</a></td>' if link else f"<td>{shown}</td>"
    if key == "dump_readiness":
        return f'<td class="r-{text}">{text}</td>'
    if key == "verdict":
        rank = VERDICT_ORDER.index(value) if value in VERDICT_ORDER else len(VERDICT_ORDER)
        return f'<td class="verdict" data-sort="{rank}">{text}</td>'
    return f"<td>{text}</td>"


# The overview leaves out what would make it too wide to read (the CSV and NDJSON have every column),
# and puts what a helpdesk acts on first: the machine, both verdicts, the last crash, then the details.
_OVERVIEW_ORDER = ("computer_name", "verdict", "dump_readiness", "last_crash_time", "stop_code", "stop_name",
                   "no_dump_reason", "faulting_driver", "problems", "boot_miniport", "boot_miniport_kind",
                   "diskdump_version", "diskdump_fix_state", "os", "os_build", "verdict_reason", "exit_code",
                   "source")
_BY_KEY = {c[0]: c for c in COLUMNS}
OVERVIEW_COLUMNS = tuple(_BY_KEY[key] for key in _OVERVIEW_ORDER)


def render_overview(rows: Sequence[TriageRow], links: Sequence[str | None],
                    generated_at: datetime | None = None) -> str:
    counts = Counter(r.verdict for r in rows)
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    verdicts = [v for v in VERDICT_ORDER if counts[v]] + sorted(set(counts) - set(VERDICT_ORDER))
    boxes = "".join(f'<label><input type="checkbox" checked data-verdict="{_e(v)}"> {_e(v)} '
                    f"({counts[v]})</label>" for v in verdicts)
    head = "".join(f'<th scope="col" tabindex="0" title="{_e(desc)}">{_e(title)}</th>'
                   for _, title, desc in OVERVIEW_COLUMNS)
    body = []
    # Most urgent first (the known issue, then at risk, ...); the page can be re-sorted by any column.
    ordered = sorted(zip(rows, links, strict=True), key=lambda rl: (
        VERDICT_ORDER.index(rl[0].verdict) if rl[0].verdict in VERDICT_ORDER else len(VERDICT_ORDER),
        rl[0].computer_name or "~", rl[0].source))
    for row, link in ordered:
        cells = "".join(_cell(key, row, link) for key, _, _ in OVERVIEW_COLUMNS)
        body.append(f'<tr class="v-{_e(row.verdict)}" data-verdict="{_e(row.verdict)}">{cells}</tr>')
    no_dump = sum(1 for r in rows if r.no_dump_reason)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Dump Doctor triage: {len(rows)} machines</title><style>{_CSS}</style></head><body>\n"
        f"<h1>Dump Doctor triage: {len(rows)} machines</h1>\n"
        f'<p class="muted">Dump Doctor {_e(__version__)}, {_e(when)}. {counts["matches"]} match the known '
        f"issue, {counts['at-risk']} at risk, {no_dump} last crashed without a dump, {counts['error']} could "
        "not be examined. Click a column to sort; click a computer for its full report.</p>\n"
        f'<div class="filters"><strong>Verdicts:</strong>{boxes}<span>showing <span id="shown">'
        f"{len(rows)}</span></span></div>\n"
        f'<table id="machines"><thead><tr>{head}</tr></thead><tbody>\n' + "\n".join(body)
        + f"\n</tbody></table>\n<script>{_SCRIPT}</script>\n</body></html>\n")


def write_overview(path: Path, rows: Sequence[TriageRow], reports: Sequence[bytes | None]) -> None:
    links = write_reports(path, rows, reports)
    path.write_text(render_overview(rows, links), encoding="utf-8")
