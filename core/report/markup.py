"""The small pieces every report shares, once: wrapping text lines, escaping HTML, links that are
only ever web links, and how a list of next steps is written in text and in HTML."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from html import escape

from core.diagnosis.model import ConditionState, NextStep
from core.report.common import clean

WIDTH = 100
MARK = {ConditionState.YES: "yes", ConditionState.NO: "no ", ConditionState.UNKNOWN: " ? "}


def wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(clean(text), WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def title(text: str) -> list[str]:
    return ["", text, "-" * len(text)]


def steps_text(steps: Iterable[NextStep]) -> list[str]:
    lines: list[str] = []
    for n, step in enumerate(steps, 1):
        lines += wrap(f"{n}. {step.title}")
        if step.detail:
            lines += wrap(step.detail, "     ")
        if step.command:
            lines.append(f"     > {clean(step.command)}")
        if step.link:
            lines.append(f"     {clean(step.link)}")
    return lines


def e(text: object) -> str:
    return escape(clean(text), quote=True)


def link(url: str | None, text: str | None = None) -> str:
    # Only web links become anchors; anything else (javascript:, data:) is shown as text.
    if url and url.startswith(("https://", "http://")):
        return f'<a href="{e(url)}">{e(text or url)}</a>'
    return e(text or url or "")


def steps_html(steps: Iterable[NextStep]) -> list[str]:
    parts = ['<ol class="steps">']
    for s in steps:
        extra = f"<br>{e(s.detail)}" if s.detail else ""
        if s.command:
            extra += f"<br><code>{e(s.command)}</code>"
        if s.link:
            extra += f"<br>{link(s.link)}"
        parts.append(f"<li><strong>{e(s.title)}</strong>{extra}</li>")
    parts.append("</ol>")
    return parts
