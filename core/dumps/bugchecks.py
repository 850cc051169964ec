"""Bug check (stop code) names and plain-language meanings, from resources/bugchecks.json."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from core.dumps.model import BugCheck
from core.resources import load_json

UNDOCUMENTED = "not a documented code"
_NO_PARAMETER_NOTES = ("", "", "", "")


@dataclass(frozen=True)
class BugCheckInfo:
    code: int
    name: str  # "DRIVER_IRQL_NOT_LESS_OR_EQUAL", or "0x00000123" when undocumented
    meaning: str  # one sentence, or UNDOCUMENTED
    documented: bool
    parameters: tuple[str, str, str, str] = _NO_PARAMETER_NOTES
    code_address_parameter: int | None = None  # 1-based: which parameter holds a code address

    @property
    def hex_code(self) -> str:
        return format_code(self.code)


def format_code(code: int) -> str:
    return f"0x{code & 0xFFFFFFFF:08X}"


@cache
def _table() -> dict[int, BugCheckInfo]:
    raw: dict[str, Any] = load_json("bugchecks.json")["codes"]
    table: dict[int, BugCheckInfo] = {}
    for key, entry in raw.items():
        code = int(key, 16)
        notes = entry.get("parameters") or list(_NO_PARAMETER_NOTES)
        table[code] = BugCheckInfo(
            code=code,
            name=str(entry["name"]),
            meaning=str(entry["meaning"]),
            documented=True,
            parameters=(str(notes[0]), str(notes[1]), str(notes[2]), str(notes[3])),
            code_address_parameter=entry.get("code_address_parameter"),
        )
    return table


def lookup(code: int) -> BugCheckInfo:
    """What a stop code means. Unknown codes come back as their hex value, marked undocumented."""
    code &= 0xFFFFFFFF  # the header stores a ULONG; callers may pass a sign-extended value
    found = _table().get(code)
    if found is not None:
        return found
    return BugCheckInfo(code=code, name=format_code(code), meaning=UNDOCUMENTED, documented=False)


def all_codes() -> list[BugCheckInfo]:
    return [info for _code, info in sorted(_table().items())]


def describe(code: int, parameters: tuple[int, int, int, int]) -> BugCheck:
    """The model's BugCheck for a code and its four parameters."""
    info = lookup(code)
    return BugCheck(
        code=info.code,
        parameters=parameters,
        name=info.name,
        meaning=info.meaning,
        parameter_meanings=info.parameters,
    )
