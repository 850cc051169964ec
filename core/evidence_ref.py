"""Pointers from a finding back to where its evidence came from, and records of what went wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# Python's own words that readers' messages sometimes carry from a library: each is replaced by what it
# means for the file, so no user reads "unpack_from requires a buffer of at least ...".
_INTERNALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"unpack_from requires a buffer of at least \d+ bytes[^()]*(\([^)]*\))?"),
     "the data there goes beyond the end of the file (it is cut short or damaged)"),
    (re.compile(r"unpack requires a buffer of \d+ bytes"),
     "the data there goes beyond the end of the file (it is cut short or damaged)"),
    (re.compile(r"(list|tuple|bytearray|string) index out of range"), "a structure points outside the file"),
    (re.compile(r"'[\w.-]+' codec can't decode[^;)]*"), "text there cannot be decoded"),
    (re.compile(r"'\w+' object has no attribute '\w+'"), "a structure is not what was expected"),
    (re.compile(r"\b(?:struct\.error|error|IndexError|KeyError|ValueError|TypeError|AttributeError|"
                r"UnicodeDecodeError|OverflowError|EOFError|OSError)\s*:\s*"), ""),
    (re.compile(r"\((?:struct\.error|error|IndexError|KeyError|ValueError|TypeError|AttributeError|"
                r"UnicodeDecodeError|OverflowError|EOFError)\)"), ""),
)


def user_words(message: str) -> str:
    """A reader's message as a user should read it: no Python exception names or library internals."""
    for pattern, words in _INTERNALS:
        message = pattern.sub(words, message)
    return re.sub(r"\s{2,}", " ", message).strip()


@dataclass(frozen=True)
class EvidenceRef:
    """Where a fact was read: a file (with offset), a registry key/value, or an event record."""

    kind: str  # "file" | "registry" | "event" | "dump" | "derived"
    location: str  # path, key path (HKLM\SYSTEM\...\value), or "System.evtx #13534"
    detail: str = ""  # e.g. the value read, the event's time
    file: str = ""  # for a registry key: the hive (or export) file it was read from, as the user names it

    def __str__(self) -> str:
        where = self.location
        if self.file and self.file not in self.location:
            where += f" in {self.file}"
        return f"{where} ({self.detail})" if self.detail else where


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", user_words(self.message))

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Missing:
    """Evidence a source could not provide, and how the user can supply it."""

    what: str  # stable id: "system-hive", "software-hive", "event-log", "drivers", "dumps", "admin"
    message: str  # "No SYSTEM hive in this bundle."
    how_to_get: str = ""  # "Run the collector as administrator, or add Windows\\System32\\config\\SYSTEM."
