"""The known-drivers table (resources/known_drivers.json): which miniports are known virtual or
physical, and why. Entries marked unconfirmed must reach the user as unconfirmed."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from core.resources import load_json


@dataclass(frozen=True)
class KnownDriver:
    match: str  # file name or fnmatch pattern, lower-case
    name: str
    model: str  # "virtual" | "physical" | "unconfirmed"
    port: str | None
    confirmed: bool
    source: str
    reason: str


@cache
def known_drivers() -> tuple[KnownDriver, ...]:
    raw: Any = load_json("known_drivers.json")
    out = []
    for item in raw.get("drivers", []):
        out.append(KnownDriver(
            match=str(item["match"]).lower(),
            name=str(item.get("name", item["match"])),
            model=str(item.get("model", "unconfirmed")),
            port=item.get("port"),
            confirmed=bool(item.get("confirmed", False)),
            source=str(item.get("source", "")),
            reason=str(item.get("reason", "")),
        ))
    return tuple(out)


@cache
def _matcher() -> tuple[re.Pattern[str], tuple[KnownDriver, ...]]:
    """One regex for the whole table, each entry's pattern a numbered group in table order, so the
    first entry that matches wins as before (one search per driver instead of one fnmatch per entry;
    a 6,400-driver folder spent 0.2 s here)."""
    entries = known_drivers()
    alternatives = "|".join(f"(?P<e{i}>{fnmatch.translate(e.match)})" for i, e in enumerate(entries))
    return re.compile(alternatives or "(?!)"), entries


def lookup(file_name: str) -> KnownDriver | None:
    pattern, entries = _matcher()
    found = pattern.match(file_name.lower())
    if found is None or found.lastgroup is None:
        return None
    return entries[int(found.lastgroup[1:])]
