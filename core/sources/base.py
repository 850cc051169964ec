"""One interface for every place evidence comes from. Each source hands out files (extracting from a
zip only what is asked for), registry roots, and event-log inputs; the readers in core.dumps /
core.registry / core.drivers / core.events do the parsing, the same way for all sources. Files are
opened through core.safefs.open_regular: a zip's crash dumps are read straight from the archive
there (their paths are not files on disk), every other file is a plain file.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from core.events.model import EventInput
from core.evidence_ref import Missing, Problem
from core.progress import NEVER_CANCELLED, CancelToken
from core.readiness.facts_model import VolumeFacts
from core.registry.keys import RegKey
from core.registry.model import CrashControl, RegistryFacts


@dataclass
class RegistryHives:
    """Roots of HKLM\\SYSTEM and HKLM\\SOFTWARE, from hive files, .reg exports or the live registry."""

    system: RegKey | None = None
    software: RegKey | None = None
    notes: list[str] = field(default_factory=list)  # "dirty hive; transaction logs replayed"

    def close(self) -> None:
        """Release the hive files (mapped into memory) so their folder can be removed."""
        for key in (self.system, self.software):
            close = getattr(key, "close", None)
            if close is not None:
                close()

    def put(self, name: str, key: RegKey) -> None:
        """Place a root by hive name ("SYSTEM" or "SOFTWARE")."""
        if name == "SYSTEM":
            self.system = key
        else:
            self.software = key


__all__ = ["EventInput", "EvidenceSource", "RegistryHives"]  # EventInput lives in the events model


class EvidenceSource(ABC):
    kind: str = ""  # "live" | "offline" | "bundle" | "files" (loose files chosen one by one)
    # Whether display_path / public_text can name a file otherwise than by its real path. Only sources
    # that read copies (bundles) do; for the others the scan does not walk its whole evidence through
    # them, which cost about a tenth of a 400-driver scan (issue 18).
    renames_files: bool = False
    description: str = ""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.missing: list[Missing] = []
        # Set by whoever is reading the source (the scan, the export), so that long work inside the
        # source itself (unpacking a large zip member) stops when the user cancels.
        self.cancel: CancelToken = NEVER_CANCELLED

    @abstractmethod
    def registry(self) -> RegistryHives: ...

    @abstractmethod
    def dump_files(self, crash_control: CrashControl | None) -> list[Path]:
        """Crash dump candidates, newest first (content is checked by the dump reader)."""

    @abstractmethod
    def driver_file(self, file_name: str, image_path: str | None = None) -> Path | None:
        """The driver file for a service (by ImagePath when known, else by file name)."""

    @abstractmethod
    def event_inputs(self) -> list[EventInput]:
        """System-log inputs to read (evtx files, XML exports, or a live query written to XML)."""

    def loaded_dump_modules(self) -> list[str] | None:
        """dump_*.sys modules loaded right now (live Windows only)."""
        return None

    def given_driver_files(self) -> list[Path]:
        """Driver files the user handed over on their own (bundles, loose files): each is listed and
        classified from its content even when no service entry names it. Whole Windows folders and
        this computer give none (their drivers are found through the registry)."""
        return []

    def elevated(self) -> bool | None:
        return None

    def how_to_add(self, hint: str) -> str:
        """How the user gets evidence this source lacks. `hint` is the advice for copied evidence
        (add a file, run the collector); the live source replaces it, since neither helps on the
        machine being read."""
        return hint

    def volume_facts(self, facts: RegistryFacts | None) -> VolumeFacts | None:
        """Free space, page files on disk, DumpStack.log, folders and RAM, as far as this source can
        read them (None: it can read none of them)."""
        return None

    def display_path(self, path: Path) -> str:
        """How to name a file to the user: bundles map private extraction paths back to
        "bundle.zip!dumps/Minidump/x.dmp" so reports never show a temporary folder."""
        return str(path)

    def public_text(self, text: str) -> str:
        """`text` with every private path (a zip member's temporary copy) replaced by the name the
        user knows; the scan passes every string of its Evidence through this (core.sources.relabel)."""
        return text

    def excerpt_of_size(self, path: Path) -> int | None:
        """Original size when the file is a header excerpt of a bigger file (bundle manifest)."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook, most sources hold nothing
        """Release temporary files (zip extraction, live query output)."""

    def __enter__(self) -> EvidenceSource:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
