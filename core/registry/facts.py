"""read_registry_facts: SYSTEM and/or SOFTWARE roots → RegistryFacts. Missing pieces are None or
empty; a corrupt part is noted in hive_notes and the rest is still read."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from core.errors import DumpDoctorError
from core.evidence_ref import EvidenceRef
from core.registry.facts_common import current_control_set
from core.registry.facts_control import (
    read_crash_control,
    read_hibernation,
    read_page_file_settings,
    read_page_files,
)
from core.registry.facts_services import read_devices, read_services
from core.registry.facts_system import read_system_facts
from core.registry.hive import HiveRoot
from core.registry.keys import RegKey
from core.registry.model import RegistryFacts

log = logging.getLogger(__name__)
T = TypeVar("T")


def _guarded(what: str, notes: list[str], fn: Callable[[], T], fallback: T,
             unreadable: list[str] | None = None, part: str = "") -> T:
    try:
        return fn()
    except DumpDoctorError as exc:
        notes.append(f"{what} could not be read: {exc.message}")
        log.info("%s could not be read: %s", what, exc)
        if unreadable is not None and part:
            unreadable.append(part)
        return fallback


def read_registry_facts(system: RegKey | None, software: RegKey | None) -> RegistryFacts:
    facts = RegistryFacts()
    notes = facts.hive_notes
    for root in (system, software):
        if isinstance(root, HiveRoot):  # only a hive file has these: dirty / logs replayed / not found
            notes.extend(root.notes)
    cs: RegKey | None = None
    cs_name: str | None = None
    if system is not None:
        none: tuple[RegKey | None, EvidenceRef | None] = (None, None)
        cs, _cs_ref = _guarded("the current control set", notes, lambda: current_control_set(system), none,
                             facts.unreadable, "control-set")
        cs_name = cs.name if cs is not None else None
    facts.system = _guarded("the Windows version", notes, lambda: read_system_facts(cs, cs_name, software),
                            None, facts.unreadable, "version")
    if cs is not None:
        found_cs = cs
        bad = facts.unreadable
        facts.crash_control = _guarded("CrashControl", notes, lambda: read_crash_control(found_cs), None,
                                       bad, "crash-control")
        facts.page_files = _guarded("PagingFiles", notes, lambda: read_page_files(found_cs), [], bad,
                                    "page-files")
        facts.page_file_settings = _guarded("Memory Management", notes,
                                            lambda: read_page_file_settings(found_cs), None, bad,
                                            "page-files")
        facts.hibernation = _guarded("Control\\Power", notes, lambda: read_hibernation(found_cs), None,
                                     bad, "power")
        facts.services = _guarded("Services", notes, lambda: read_services(found_cs, notes, bad), {}, bad,
                                  "services")
        facts.devices = _guarded("Enum", notes, lambda: read_devices(found_cs, notes, bad), [], bad, "enum")
    elif system is not None:
        facts.unreadable.append("control-set")
    for root in (system, software):
        if isinstance(root, HiveRoot) and root.state.skipped_values:
            # the facts above were read without them; the log names each one
            notes.append(f"{root.state.path.name}: {len(root.state.skipped_values)} registry value(s) could "
                         "not be decoded and were skipped")
    return facts
