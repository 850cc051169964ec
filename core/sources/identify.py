"""Tell what an evidence file is from its first bytes, never from its name: bundles hold files that
users renamed ("crash1.bin", "system.hiv"), and a name can lie."""

from __future__ import annotations

import json
import struct
from enum import StrEnum
from pathlib import Path

from core.errors import unreadable
from core.registry.hive_identify import identify_from_header
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


_REG_HEADERS = ("windows registry editor version 5.00", "regedit4")


def _text_start(prefix: bytes) -> str:
    """The prefix decoded as text (UTF-16 with BOM or UTF-8), lower-cased, without leading space."""
    return decode_start(prefix).lstrip("\ufeff \t\r\n").lower()


def _is_pe(prefix: bytes) -> bool:
    if len(prefix) < 0x40 or not prefix.startswith(b"MZ"):
        return False
    (e_lfanew,) = struct.unpack_from("<I", prefix, 0x3C)
    # Headers beyond the prefix are legal but unheard of for drivers; MZ alone then decides.
    return e_lfanew + 4 > len(prefix) or prefix[e_lfanew:e_lfanew + 4] == b"PE\0\0"


def _is_manifest(text: str) -> bool:
    return text.startswith("{") and '"format_version"' in text


def identify_bytes(prefix: bytes) -> FileKind:
    """Classify a file by its first bytes (up to PREFIX_SIZE)."""
    if prefix.startswith((b"PAGEDUMP", b"PAGEDU64")):
        return FileKind.KERNEL_DUMP
    if prefix.startswith(b"MDMP"):
        return FileKind.USER_DUMP
    if prefix.startswith(b"regf"):
        # Base block field "file type": 0 primary, 1/2/6 transaction logs.
        file_type = struct.unpack_from("<I", prefix, 0x1C)[0] if len(prefix) >= 0x20 else 0
        return FileKind.HIVE if file_type == 0 else FileKind.HIVE_LOG
    if prefix.startswith(b"ElfFile\0"):
        return FileKind.EVTX
    if prefix.startswith(b"PK\x03\x04") or prefix.startswith(b"PK\x05\x06"):
        return FileKind.ZIP
    if _is_pe(prefix):
        return FileKind.PE
    text = _text_start(prefix)
    if text.startswith(_REG_HEADERS):
        return FileKind.REG_EXPORT
    if _is_manifest(text):
        return FileKind.MANIFEST
    if text.startswith("<?xml"):
        end = text.find("?>")
        text = text[end + 2:].lstrip() if end >= 0 else ""
    if text.startswith(("<event ", "<event>", "<events", "<event\n", "<event\r")):
        return FileKind.EVENT_XML
    return FileKind.UNKNOWN


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
