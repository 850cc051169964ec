"""Each driver kind in the words a helpdesk engineer uses; the stable ids (DriverKind values such as
"storport-physical") stay in the JSON report and never reach a person."""

from __future__ import annotations

from core.drivers.model import DriverKind, StorageDriver

KIND_WORDS: dict[DriverKind, str] = {
    DriverKind.STORPORT_VIRTUAL: "Virtual Storport miniport",
    DriverKind.STORPORT_PHYSICAL: "Physical Storport miniport",
    DriverKind.SCSIPORT: "SCSIport miniport",
    DriverKind.ATA: "ATA",
    DriverKind.MONOLITHIC: "Monolithic (no port driver)",
    DriverKind.DUMP_STACK: "Crash dump stack",
    DriverKind.OTHER: "Other",
    DriverKind.UNKNOWN: "Unknown (file not available)",
}


def in_use_words(d: StorageDriver) -> str:
    """'In use' for a person: Crashdmp.sys and Diskdump.sys are loaded only while a crash dump or a
    hibernation file is written, so "no" would mislead."""
    if d.kind is DriverKind.DUMP_STACK and not d.in_use:
        return "only while a dump is written"
    if d.loose and not d.in_use:  # a file given on its own: only the registry could tell
        return "unknown"
    return "yes" if d.in_use else "no"
