"""Which hive a regf file is, from its content: the base block's file-name field (the tail of the path
Windows loaded it from) and, when that is blank or unknown, the root key's subkeys."""

from __future__ import annotations

import logging
from pathlib import Path

from core.errors import DumpDoctorError, unreadable
from core.registry.hive_format import BASE_BLOCK_SIZE, MAGIC, parse_base_block
from core.safefs import open_regular

log = logging.getLogger(__name__)

_BY_FILE_NAME = {
    "system": "SYSTEM", "software": "SOFTWARE", "sam": "SAM", "security": "SECURITY",
    "default": "DEFAULT", "ntuser.dat": "NTUSER", "usrclass.dat": "USRCLASS",
    "components": "COMPONENTS", "drivers": "DRIVERS", "bcd": "BCD", "elam": "ELAM",
    "amcache.hve": "AMCACHE", "bbi": "BBI",
}

# Root subkeys that only one hive has (all must be present, compared ignoring case).
_BY_SUBKEYS: list[tuple[str, set[str]]] = [
    ("SYSTEM", {"select"}),
    ("SYSTEM", {"controlset001", "mounteddevices"}),
    ("SAM", {"sam"}),
    ("SECURITY", {"policy"}),
    ("SOFTWARE", {"microsoft", "classes", "policies"}),
    ("NTUSER", {"software", "control panel"}),
    ("BCD", {"objects", "description"}),
]

_HKLM = {"SYSTEM", "SOFTWARE", "SAM", "SECURITY"}


def identify_from_header(file_name: str) -> str | None:
    tail = file_name.replace("/", "\\").rsplit("\\", 1)[-1].strip().casefold()
    return _BY_FILE_NAME.get(tail)


def identify_from_subkeys(names: list[str]) -> str | None:
    have = {n.casefold() for n in names}
    for kind, needed in _BY_SUBKEYS:
        if needed <= have:
            return kind
    return None


def root_path_for(kind: str | None, root_name: str) -> tuple[str, str]:
    """(name, evidence path) for a hive's root key: HKLM\\SYSTEM for SYSTEM, and so on."""
    if kind in _HKLM:
        return kind, f"HKLM\\{kind}"
    if kind == "DEFAULT":
        return kind, "HKU\\.DEFAULT"
    if kind is not None:
        return kind, kind
    return root_name or "ROOT", root_name or "ROOT"


def identify_hive(path: str | Path) -> str | None:
    """"SYSTEM", "SOFTWARE", "SAM", "SECURITY", "NTUSER", ... or None for a file that is not a hive
    or a hive we cannot name. Raises UnreadableError when the file cannot be read at all."""
    path = Path(path)
    try:
        with open_regular(path) as fh:
            head = fh.read(BASE_BLOCK_SIZE)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    if head[:4] != MAGIC:
        return None
    try:
        kind = identify_from_header(parse_base_block(head, path).file_name)
    except DumpDoctorError as exc:
        log.info("%s: hive not identified: %s", path, exc)
        return None
    if kind is not None:
        return kind
    from core.registry.hive import open_hive  # here: hive.py imports this module

    try:
        root = open_hive(path, use_logs=False)
        return identify_from_subkeys([k.name for k in root.subkeys()])
    except DumpDoctorError as exc:
        log.info("%s: hive not identified by its keys: %s", path, exc)
        return None
