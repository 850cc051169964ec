"""The evidence model: everything a scan found, the same shape whatever the source was.

The diagnosis reads only this; it never knows whether evidence came from the live machine, an
offline folder or a bundle. `source_kind` exists for display, not for rules: what a rule needs to know
about where evidence came from is said by the evidence itself (`collected_whole`, the refs).

One Evidence describes one computer. When the files come from several, `machines` holds one Evidence
per computer (the first is this one) and each is diagnosed on its own evidence only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.drivers.model import StorageReport
from core.dumps.model import DumpInfo
from core.events.model import Timeline
from core.evidence_ref import Missing, Problem
from core.machines import MachineIdentity
from core.osversion import OsVersion
from core.readiness.facts_model import VolumeFacts
from core.registry.model import RegistryFacts


@dataclass
class Evidence:
    source_description: str  # "Offline Windows folder /mnt/win7", "Bundle PC42.zip"
    source_kind: str  # "live" | "offline" | "bundle" | "files" (display only)
    registry: RegistryFacts | None = None  # None: no SYSTEM hive/.reg at all
    dumps: list[DumpInfo] = field(default_factory=list)  # newest first
    storage: StorageReport | None = None
    timeline: Timeline | None = None
    loaded_dump_modules: list[str] | None = None  # live only: dump_*.sys loaded right now
    problems: list[Problem] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    scanned_at: datetime | None = None
    elevated: bool | None = None  # live only: running as administrator
    # True when the driver files are the machine's own disk (live or a mounted Windows folder), so a
    # file that is not there is absent from the machine; False for bundles and loose files.
    collected_whole: bool = False
    os_version: OsVersion | None = None  # from every source that says which Windows this is
    machine: MachineIdentity | None = None  # the computer these files show
    # Set when the files come from several computers; the first is this Evidence itself, so the field
    # is left out of == and repr (they would go round in a circle).
    machines: list[Evidence] = field(default_factory=list, compare=False, repr=False)
    volume_facts: VolumeFacts | None = None  # free space, page files on disk, DumpStack.log, RAM

    @property
    def whole_source_description(self) -> str:
        """The source as the user chose it. With files from several computers each computer's Evidence
        names its computer after a last " — " (core.scan), and the first one also stands for the whole:
        the whole must not be described as that one computer (bundle manifest, JSON report)."""
        if self.machines:
            return self.source_description.rsplit(" \u2014 ", 1)[0]
        return self.source_description
