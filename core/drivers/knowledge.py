"""The known-drivers table (resources/known_drivers.json): which miniports are known virtual or
physical, and why. Entries marked unconfirmed must reach the user as unconfirmed."""

from __future__ import annotations

import fnmatch
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


def lookup(file_name: str) -> KnownDriver | None:
    name = file_name.lower()
    for entry in known_drivers():
        if fnmatch.fnmatchcase(name, entry.match):
            return entry
    return None
