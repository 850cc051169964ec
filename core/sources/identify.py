"""Tell what an evidence file is from its first bytes, never from its name: bundles hold files that
users renamed ("crash1.bin", "system.hiv"), and a name can lie."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from core.drivers.pe_inspect import detect as pe_detect
from core.dumps.detect import is_kernel_dump, is_user_dump
from core.errors import unreadable
from core.events.evtx_reader import detect as evtx_detect
from core.events.xml_reader import detect as event_xml_detect
from core.registry.hive_format import is_hive, is_hive_log
from core.registry.hive_identify import identify_from_header
from core.registry.reg_export import detect as reg_detect
from core.safefs import open_regular
from core.textenc import decode_start

PREFIX_SIZE = 4096  # enough for every signature below; never read more to identify


class FileKind(StrEnum):
    KERNEL_DUMP = "kernel-dump"  # PAGEDUMP / PAGEDU64
    USER_DUMP = "user-dump"  # MDMP
    HIVE = "hive"  # regf primary file
    HIVE_LOG = "hive-log"  # regf transaction log (.LOG1/.LOG2)
    EVTX = "evtx"
    PE = "pe"
    REG_EXPORT = "reg-export"
    EVENT_XML = "event-xml"
    MANIFEST = "manifest"
    ZIP = "zip"  # nested archives are never opened
    UNKNOWN = "unknown"


def is_zip(prefix: bytes) -> bool:
    """A zip archive (a bundle, or a nested archive that is never opened)."""
    return prefix.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def is_manifest(prefix: bytes) -> bool:
    """A bundle's manifest.json."""
    text = decode_start(prefix).lstrip("\ufeff \t\r\n")
    return text.startswith("{") and '"format_version"' in text


# The one list source identification walks, first match wins: each reader owns its signature check,
# so a new artifact reader is one line here. Order matters only where signatures overlap (a PE is
# checked before the text formats; a manifest before event XML).
DETECTORS: tuple[tuple[FileKind, Callable[[bytes], bool]], ...] = (
    (FileKind.KERNEL_DUMP, is_kernel_dump),
    (FileKind.USER_DUMP, is_user_dump),
    (FileKind.HIVE, is_hive),
    (FileKind.HIVE_LOG, is_hive_log),
    (FileKind.EVTX, evtx_detect),
    (FileKind.ZIP, is_zip),
    (FileKind.PE, pe_detect),
    (FileKind.REG_EXPORT, reg_detect),
    (FileKind.MANIFEST, is_manifest),
    (FileKind.EVENT_XML, event_xml_detect),
)


def identify_bytes(prefix: bytes) -> FileKind:
    """Classify a file by its first bytes (up to PREFIX_SIZE)."""
    return next((kind for kind, detect in DETECTORS if detect(prefix)), FileKind.UNKNOWN)


def identify_file(path: Path) -> FileKind:
    """Classify a file on disk; raises UnreadableError when it cannot be opened."""
    try:
        with open_regular(path) as fh:
            return identify_bytes(fh.read(PREFIX_SIZE))
    except OSError as exc:
        raise unreadable(path, exc) from exc


def hive_name_from_header(prefix: bytes) -> str | None:
    """Which hive a regf file is, from the file name Windows stores in its base block (0x30, UTF-16,
    e.g. "\\SystemRoot\\System32\\Config\\SYSTEM"), named as core.registry.identify_hive names it.
    Works on a prefix, so a hive inside a zip is named without extracting it."""
    if len(prefix) < 0x70 or not prefix.startswith(b"regf"):
        return None
    return identify_from_header(prefix[0x30:0x70].decode("utf-16-le", errors="ignore").split("\0", 1)[0])


def parse_manifest(data: bytes) -> dict[str, object] | None:
    """A bundle manifest, or None when the JSON is not one (the caller reports that)."""
    try:
        # Collectors before #19 echoed the manifest in the OEM code page: a non-ASCII computer name
        # is then not UTF-8. Such bytes only ever sit inside JSON strings, so replacing them keeps
        # the rest of the manifest (sizes, excerpts, what was left out) usable.
        value = json.loads(data.decode("utf-8-sig", errors="replace"))
    except ValueError:
        return None
    return value if isinstance(value, dict) and "format_version" in value else None
