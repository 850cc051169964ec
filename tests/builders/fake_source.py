"""The one fake EvidenceSource the tests share: hands out exactly the registry roots, dump files,
driver files and event inputs it was given, so a test checks the scan, the export or the wizard
without depending on how the real sources find files."""

from __future__ import annotations

from pathlib import Path

from core.events.model import EventInput
from core.evidence_ref import Missing
from core.registry.keys import RegKey
from core.registry.model import CrashControl
from core.sources.base import EvidenceSource, RegistryHives


class FakeSource(EvidenceSource):
    def __init__(self, *, kind: str = "bundle", description: str = "fake evidence",
                 system: RegKey | None = None, software: RegKey | None = None,
                 dumps: list[Path] | None = None, drivers: dict[str, Path] | None = None,
                 events: list[EventInput] | None = None, excerpts: dict[str, int] | None = None,
                 missing: list[Missing] | None = None) -> None:
        super().__init__()
        self.kind, self.description = kind, description
        self.system, self.software = system, software
        self.dumps, self.drivers, self.events = dumps or [], drivers or {}, events or []
        self.excerpts = excerpts or {}  # file name -> original size, for header excerpts
        self.missing.extend(missing or [])
        self.closed = False

    def registry(self) -> RegistryHives:
        return RegistryHives(self.system, self.software)

    def dump_files(self, crash_control: CrashControl | None) -> list[Path]:
        return list(self.dumps)

    def driver_file(self, file_name: str, image_path: str | None = None) -> Path | None:
        return self.drivers.get(file_name.casefold())

    def event_inputs(self) -> list[EventInput]:
        return list(self.events)

    def excerpt_of_size(self, path: Path) -> int | None:
        return self.excerpts.get(path.name)

    def close(self) -> None:
        self.closed = True
