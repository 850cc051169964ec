"""Pointers from a finding back to where its evidence came from, and records of what went wrong."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class EvidenceRef:
    """Where a fact was read: a file (with offset), a registry key/value, or an event record."""

    kind: str  # "file" | "registry" | "event" | "dump" | "derived"
    location: str  # path, key path (HKLM\SYSTEM\...\value), or "System.evtx #13534"
    detail: str = ""  # e.g. the value read, the event's time

    def __str__(self) -> str:
        return f"{self.location} ({self.detail})" if self.detail else self.location


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


# Problem.step of evidence that could not be read because this computer ran short of temporary disk
# space: not a fault in the evidence, and an answer without it must not look complete (no exit 0).
TEMP_SPACE_STEP = "temp-space"


@dataclass(frozen=True)
class Problem:
    """A file or record that could not be (fully) read. The scan goes on; the user is told."""

    path: str
    message: str
    severity: Severity = Severity.ERROR
    step: str = ""  # "dumps", "registry", "drivers", "events"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Missing:
    """Evidence a source could not provide, and how the user can supply it."""

    what: str  # stable id: "system-hive", "software-hive", "event-log", "drivers", "dumps", "admin"
    message: str  # "No SYSTEM hive in this bundle."
    how_to_get: str = ""  # "Run the collector as administrator, or add Windows\\System32\\config\\SYSTEM."
