"""A driver's version resource read straight from the image bytes: the common, well-formed case only.

pefile's resource parser builds an object for every directory entry, string and structure of every
resource, which was a third of a driver's inspection time (issue 18). The diagnosis needs only the
RT_VERSION resource: VS_FIXEDFILEINFO and the StringFileInfo strings. This reader walks to it and
reads those, following pefile's own reading rules (the first RT_VERSION name, each of its languages;
DWORD alignment relative to the data's RVA; the same stop conditions for string tables), so that both
give the same facts. Anything it does not expect — a field running outside the resource data, a
missing signature, a fixed-info block of another size, a surrogate in a string — returns None, and the
caller parses the resources with pefile exactly as before, warnings included.

Layouts: Microsoft's PE format documentation (.rsrc section) and the VS_VERSIONINFO / StringFileInfo /
StringTable / String reference pages.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Protocol

from pefile import PEFormatError

RT_VERSION = 16
SUBDIRECTORY = 0x80000000
_DIRECTORY = struct.Struct("<IIHHHH")  # Characteristics, TimeDateStamp, Major, Minor, #named, #id
_ENTRY = struct.Struct("<II")  # Name or Id, OffsetToData (top bit: a subdirectory)
_DATA_ENTRY = struct.Struct("<IIII")  # OffsetToData (an RVA), Size, CodePage, Reserved
_NODE = struct.Struct("<HHH")  # wLength, wValueLength, wType of every VS_VERSIONINFO block
_FIXED = struct.Struct("<13I")  # VS_FIXEDFILEINFO
FIXED_SIGNATURE = 0xFEEF04BD
MAX_ENTRIES = 4096  # a directory listing more is damage; pefile is left to report it
MAX_VERSION_BLOCKS = 16  # languages of one version resource


class _Image(Protocol):
    def get_offset_from_rva(self, rva: int) -> int: ...


@dataclass
class VersionBlock:
    """One language's VS_VERSIONINFO."""

    file_version: tuple[int, int] | None = None  # (FileVersionMS, FileVersionLS)
    product_version: tuple[int, int] | None = None
    tables: list[dict[str, str]] = field(default_factory=list)  # each StringTable's strings, in order


class UnusualLayoutError(Exception):
    """Something this reader does not handle; pefile reads the resources instead."""


def _align(offset: int, base: int) -> int:
    # pefile's dword_align: alignment of the RVA, not of the offset within the block.
    return ((offset + base + 3) & 0xFFFFFFFC) - (base & 0xFFFFFFFC)


def _unpack(fmt: struct.Struct, data: bytes, offset: int) -> tuple[int, ...]:
    if offset < 0 or offset + fmt.size > len(data):
        raise UnusualLayoutError
    return fmt.unpack_from(data, offset)


def _utf16_to_nul(data: bytes, start: int, max_chars: int | None = None) -> tuple[str, int]:
    """The UTF-16 text at `start` up to its NUL (or `max_chars` characters, as pefile reads a
    String's value), and its length in characters. The text must lie inside `data`."""
    if max_chars == 0:
        return "", 0
    declared_end = None if max_chars is None else start + 2 * max_chars
    limit = len(data) if declared_end is None else min(len(data), declared_end)
    pos = start
    while True:
        nul = data.find(b"\0\0", pos, limit)
        if nul < 0:
            if declared_end is None or declared_end > len(data):
                raise UnusualLayoutError  # ran off the data before the NUL or the declared length
            end = declared_end
            break
        if (nul - start) % 2 == 0:
            end = nul
            break
        pos = nul + 1
    try:
        text = data[start:end].decode("utf-16-le")  # strict: a lone surrogate is unusual
    except UnicodeDecodeError as exc:
        raise UnusualLayoutError from exc
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise UnusualLayoutError  # pefile spells surrogate pairs its own way
    return text, (end - start) // 2


def _node(data: bytes, offset: int) -> tuple[int, int, int, str, int]:
    """(Length, ValueLength, Type, key, offset after the key and its NUL) of the block at `offset`."""
    length, value_length, type_ = _unpack(_NODE, data, offset)
    key, chars = _utf16_to_nul(data, offset + _NODE.size)
    return length, value_length, type_, key, offset + _NODE.size + 2 * (chars + 1)


def _string_table(data: bytes, offset: int, base: int, strings: dict[str, str]) -> int:
    """Read one StringTable's strings into `strings`; its Length."""
    length, _vl, _t, _lang, after = _node(data, offset)
    entry = _align(after, base)
    while entry < offset + length:
        if entry + _NODE.size > len(data):
            raise UnusualLayoutError
        s_length, s_value_length, _st, key, after_key = _node(data, entry)
        value, _chars = _utf16_to_nul(data, _align(after_key, base), s_value_length)
        entry = offset + length if s_length == 0 else _align(entry + s_length, base)
        strings[key] = value
    return length


def _version_block(data: bytes, base: int) -> VersionBlock:
    """`data`: the version resource's bytes; `base`: their RVA."""
    root_length, value_length, _type, key, after = _node(data, 0)
    if key != "VS_VERSION_INFO" or value_length != _FIXED.size:
        raise UnusualLayoutError
    fixed_at = _align(after, base)
    fixed = _unpack(_FIXED, data, fixed_at)
    if fixed[0] != FIXED_SIGNATURE:
        raise UnusualLayoutError  # pefile would still report whatever is there: let it
    block = VersionBlock(file_version=(fixed[2], fixed[3]), product_version=(fixed[4], fixed[5]))
    child = _align(fixed_at + _FIXED.size, base)
    while True:
        length, child_value_length, child_type, child_key, after_key = _node(data, child)
        if child_key.startswith("StringFileInfo") and child_type in (0, 1) and child_value_length == 0:
            table = _align(after_key, base)
            while True:
                if table + _NODE.size > len(data):
                    break  # pefile stops here too
                strings: dict[str, str] = {}
                table_length = _string_table(data, table, base, strings)
                block.tables.append(strings)
                following = _align(table_length + table, base)
                # pefile's own stop conditions (the second compares an offset within the whole block
                # with this StringFileInfo's length, and so decides how many tables it reads).
                if following == table or following >= length:
                    break
                table = following
        child = _align(length + child, base)
        if length == 0 or child >= root_length:
            return block


def read_version_resource(image: _Image, data: bytes, rva: int, size: int) -> list[VersionBlock] | None:
    """The version blocks of the image's resource directory at `rva` (size `size`), in pefile's
    order; [] when it has no RT_VERSION resource; None when pefile should read the resources."""
    if not rva or not size:
        return []
    try:
        root = image.get_offset_from_rva(rva)
        entries = _directory(data, root, ids_only=True)
        versions = [target for name, target in entries if name == RT_VERSION]
        if not versions:
            return []
        if len(versions) > 1:
            return None
        names = _directory(data, _subdirectory(root, versions[0]))
        if not names:
            return None
        languages = _directory(data, _subdirectory(root, names[0][1]))
        if not languages or len(languages) > MAX_VERSION_BLOCKS:
            return None
        blocks = []
        for _lang, target in languages:
            if target & SUBDIRECTORY:
                return None
            data_rva, data_size, _cp, _r = _unpack(_DATA_ENTRY, data, root + target)
            if data_rva % 4:
                return None
            start = image.get_offset_from_rva(data_rva)
            if start + data_size > len(data):
                return None
            blocks.append(_version_block(data[start:start + data_size], data_rva))
        return blocks
    except (UnusualLayoutError, PEFormatError, struct.error, ValueError, TypeError):
        return None  # PEFormatError: an RVA outside every section


def _subdirectory(root: int, target: int) -> int:
    if not target & SUBDIRECTORY:
        raise UnusualLayoutError
    return root + (target & ~SUBDIRECTORY)


def _directory(data: bytes, offset: int, *, ids_only: bool = False) -> list[tuple[int, int]]:
    """(Id, OffsetToData) of a resource directory's entries. At the top level named types are
    skipped (RT_VERSION has an id); below it a named entry is unusual (pefile would take it first)."""
    _c, _t, _ma, _mi, named, ids = _unpack(_DIRECTORY, data, offset)
    if named + ids > MAX_ENTRIES or (named and not ids_only):
        raise UnusualLayoutError
    first = offset + _DIRECTORY.size
    if first + _ENTRY.size * (named + ids) > len(data):
        raise UnusualLayoutError
    out = []
    for index in range(named + ids):
        name, target = _ENTRY.unpack_from(data, first + _ENTRY.size * index)
        if not name & SUBDIRECTORY:
            out.append((name, target))
    return out
