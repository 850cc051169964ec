"""manifest.json: what the bundle holds (with hashes), what was left out and why, what was redacted."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.bundle.layout import FORMAT_VERSION
from core.bundle.redact import RedactionSummary
from core.evidence_ref import Problem
from core.jsonutil import iso_utc, to_jsonable
from core.version import __version__


@dataclass(frozen=True)
class FileEntry:
    path: str  # member name inside the bundle
    size: int
    sha256: str
    excerpt_of_size: int | None = None  # set when only the first pages of a larger file are included

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "size": self.size, "sha256": self.sha256}
        if self.excerpt_of_size is not None:
            out["excerpt_of_size"] = self.excerpt_of_size
        return out


@dataclass(frozen=True)
class LeftOut:
    what: str  # a file or a kind of evidence
    why: str  # a sentence the person reading the bundle understands


@dataclass
class Manifest:
    source: str
    files: list[FileEntry] = field(default_factory=list)  # every member except manifest.json itself
    left_out: list[LeftOut] = field(default_factory=list)
    redacted: RedactionSummary = field(default_factory=lambda: RedactionSummary(applied=False))
    notes: list[str] = field(default_factory=list)
    # What the scan that made the bundle could not read (files, records): a bundle holds only what
    # was readable, so without these the reopened bundle would look complete (docs/bundle-format.md).
    scan_problems: list[Problem] = field(default_factory=list)
    unreadable_records: int = 0
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    tool: str = f"Dump Doctor {__version__}"
    format_version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "tool": self.tool,
            "created": iso_utc(self.created),
            "source": self.source,
            "files": [f.to_json() for f in self.files],
            "left_out": [to_jsonable(x) for x in self.left_out],
            "redacted": to_jsonable(self.redacted),
            "notes": list(self.notes),
            "scan_problems": [{"path": p.path, "message": p.message, "severity": str(p.severity),
                               "step": p.step} for p in self.scan_problems],
            "unreadable_records": self.unreadable_records,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
