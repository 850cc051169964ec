"""The evidence model: everything a scan found, the same shape whatever the source was.

The diagnosis reads only this; it never knows whether evidence came from the live machine, an
offline folder or a bundle. `source_kind` exists for display, not for rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.drivers.model import StorageReport
from core.dumps.model import DumpInfo
from core.events.model import Timeline
from core.evidence_ref import Missing, Problem
from core.readiness.facts_model import VolumeFacts
from core.registry.model import RegistryFacts


@dataclass
class Evidence:
    source_description: str  # "Offline Windows folder /mnt/win7", "Bundle PC42.zip"
    source_kind: str  # "live" | "offline" | "bundle" (display only)
    registry: RegistryFacts | None = None  # None: no SYSTEM hive/.reg at all
    dumps: list[DumpInfo] = field(default_factory=list)  # newest first
    storage: StorageReport | None = None
    timeline: Timeline | None = None
    loaded_dump_modules: list[str] | None = None  # live only: dump_*.sys loaded right now
    problems: list[Problem] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    scanned_at: datetime | None = None
    elevated: bool | None = None  # live only: running as administrator
    volume_facts: VolumeFacts | None = None  # free space, page files on disk, DumpStack.log, RAM
