"""How each verdict looks: icon (distinct shapes), words, and an accent colour.

The colour is only an accent (a border); the words and the icon's shape carry the meaning, so the
page reads the same without colour and in dark mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.diagnosis.model import VerdictId
from core.diagnosis.wording import VERDICT_LABELS


@dataclass(frozen=True)
class VerdictStyle:
    icon: str  # resources/icons/<icon>.svg
    words: str  # shown beside the icon (core's wording, shared with the reports)
    accent: str  # border colour


_ACCENTS = {VerdictId.MATCHES: "#c62828", VerdictId.AT_RISK: "#e0a000",
            VerdictId.NOT_THIS_ISSUE: "#2e7d32", VerdictId.CANT_TELL: "#78909c"}

STYLES: dict[VerdictId, VerdictStyle] = {
    v: VerdictStyle(f"verdict-{v.value}", VERDICT_LABELS[v], _ACCENTS[v]) for v in VerdictId
}


def style_for(verdict_id: VerdictId | str) -> VerdictStyle:
    try:
        return STYLES[VerdictId(verdict_id)]
    except ValueError:
        return STYLES[VerdictId.CANT_TELL]
