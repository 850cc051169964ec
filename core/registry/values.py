"""Raw registry value bytes → the Python shapes RegKey hands out (str, int, list[str], bytes).

Hive files and `.reg` hex(...) data store the same bytes, so both readers decode through here and a
value reads the same whichever source it came from.
"""

from __future__ import annotations

from core.registry.keys import (
    REG_DWORD,
    REG_DWORD_BIG_ENDIAN,
    REG_EXPAND_SZ,
    REG_LINK,
    REG_MULTI_SZ,
    REG_QWORD,
    REG_SZ,
    RegData,
)


def decode_utf16(raw: bytes) -> str:
    """UTF-16LE text up to the first NUL; an odd trailing byte (seen in sloppy writers) is dropped."""
    if len(raw) % 2:
        raw = raw[:-1]
    text = raw.decode("utf-16-le", errors="replace")
    end = text.find("\x00")
    return text if end < 0 else text[:end]


def decode_multi(raw: bytes) -> list[str]:
    if len(raw) % 2:
        raw = raw[:-1]
    parts = raw.decode("utf-16-le", errors="replace").split("\x00")
    # A MULTI_SZ ends with an empty string; Windows stops at the first empty one.
    out: list[str] = []
    for part in parts:
        if not part:
            break
        out.append(part)
    return out


def decode_value(type_: int, raw: bytes) -> RegData:
    """Decode by declared type; data whose size does not fit its type stays bytes (never guessed)."""
    if type_ in (REG_SZ, REG_EXPAND_SZ, REG_LINK):
        return decode_utf16(raw)
    if type_ == REG_MULTI_SZ:
        return decode_multi(raw)
    if type_ == REG_DWORD and len(raw) == 4:
        return int.from_bytes(raw, "little")
    if type_ == REG_DWORD_BIG_ENDIAN and len(raw) == 4:
        return int.from_bytes(raw, "big")
    if type_ == REG_QWORD and len(raw) == 8:
        return int.from_bytes(raw, "little")
    return bytes(raw)
