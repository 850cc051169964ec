"""A zip's central directory read by our own bounded code before `zipfile` sees it.

`zipfile.ZipFile` reads the whole central directory into memory and builds an object per entry before
anyone can look at the count (two million empty entries: 1.1 GB and 29 s), and it refuses the whole
archive for one entry it dislikes: a name flagged UTF-8 that is not (UnicodeDecodeError), a newer zip
version (NotImplementedError), a corrupt extra field (BadZipFile). Here the end-of-central-directory
record is located and checked first, then at most `max_entries` entries and `max_bytes` bytes are
read, entry by entry, with the checks zipfile would make. Entries that would fail are left out and
named; `view()` then presents zipfile with the archive whose central directory holds only the kept
entries (and fresh end records saying so), without copying the archive.
"""

from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from core.errors import UnsafeInputError, unreadable
from core.seekview import SplicedFile

# signature, disk, directory disk, entries here, entries, directory size and offset, comment length
_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIG = b"PK\x05\x06"
_LOC64 = struct.Struct("<4sLQL")
_LOC64_SIG = b"PK\x06\x07"
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_EOCD64_SIG = b"PK\x06\x06"
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_CENTRAL_SIG = b"PK\x01\x02"
_MAX_COMMENT = 0xFFFF
_MAX_EXTRACT_VERSION = 63  # zipfile.MAX_EXTRACT_VERSION: above it zipfile raises NotImplementedError
_UTF8_FLAG = 0x800


@dataclass
class CentralDirectory:
    prefix_end: int  # where the central directory starts in the file (everything before is kept)
    offset_field: int  # the directory offset the end record declared (zipfile derives "concat" from it)
    entries: bytearray = field(default_factory=bytearray)  # the kept entries, raw
    count: int = 0
    declared: int = 0  # entries the end record declared
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (member name, why)
    notes: list[str] = field(default_factory=list)  # about the directory as a whole

    def view(self, fh: BinaryIO) -> BinaryIO:
        """The archive as zipfile must see it: the original bytes up to the directory, the kept
        entries, and zip64 end records (always, so any size or count is representable)."""
        cd_size = len(self.entries)
        eocd64 = _EOCD64.pack(_EOCD64_SIG, _EOCD64.size - 12, 45, 45, 0, 0, self.count, self.count,
                              cd_size, self.offset_field)
        loc64 = _LOC64.pack(_LOC64_SIG, 0, self.prefix_end + cd_size, 1)
        eocd = _EOCD.pack(_EOCD_SIG, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
        tail = bytes(self.entries) + eocd64 + loc64 + eocd
        return io.BufferedReader(SplicedFile(fh, self.prefix_end, tail), buffer_size=1 << 16)


def _not_zip(path: Path, why: str) -> UnsafeInputError:
    return UnsafeInputError(f"not a readable zip file ({why})", path=path, expected="a zip archive")


def _find_end(fh: BinaryIO, size: int, path: Path) -> tuple[int, tuple[int, ...]]:
    """(position, fields) of the end-of-central-directory record, found as zipfile finds it."""
    if size < _EOCD.size:
        raise _not_zip(path, f"only {size} bytes; the end-of-archive record alone takes 22")
    fh.seek(size - _EOCD.size)
    data = fh.read(_EOCD.size)
    if data[:4] == _EOCD_SIG and data[-2:] == b"\0\0":
        return size - _EOCD.size, _EOCD.unpack(data)
    start = max(size - _MAX_COMMENT - _EOCD.size, 0)
    fh.seek(start)
    tail = fh.read()
    at = tail.rfind(_EOCD_SIG)
    if at < 0 or at + _EOCD.size > len(tail):
        raise _not_zip(path, "no end-of-archive record; the file is cut short or not a zip")
    return start + at, _EOCD.unpack(tail[at:at + _EOCD.size])


def _zip64(fh: BinaryIO, eocd_at: int) -> tuple[int, int, int] | None:
    """(entries, directory size, directory offset) from zip64 end records placed as zipfile expects
    them (immediately before the end record); None when there are none."""
    if eocd_at < _LOC64.size + _EOCD64.size:
        return None
    fh.seek(eocd_at - _LOC64.size)
    loc = fh.read(_LOC64.size)
    if len(loc) != _LOC64.size or loc[:4] != _LOC64_SIG:
        return None
    fh.seek(eocd_at - _LOC64.size - _EOCD64.size)
    rec = fh.read(_EOCD64.size)
    if len(rec) != _EOCD64.size or rec[:4] != _EOCD64_SIG:
        return None
    fields = _EOCD64.unpack(rec)
    return fields[7], fields[8], fields[9]


def _extra_problem(extra: bytes, file_size: int, compress_size: int, header_offset: int) -> str | None:
    """What zipfile's ZipInfo._decodeExtra would raise for, in words; None when it would not."""
    while len(extra) >= 4:
        kind, length = struct.unpack_from("<HH", extra)
        if length + 4 > len(extra):
            return f"its extra field {kind:04x} is cut short"
        if kind == 0x0001:
            needed = 8 * sum((file_size in (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF), compress_size == 0xFFFFFFFF,
                              header_offset == 0xFFFFFFFF))
            if length < needed:
                return "its zip64 extra field lacks the sizes it promises"
        extra = extra[length + 4:]
    return None


def read_central_directory(fh: BinaryIO, path: Path, max_entries: int, max_bytes: int) -> CentralDirectory:
    """Locate and read the central directory within the limits; raise UnsafeInputError when the file
    is not a zip at all."""
    try:
        size = os.fstat(fh.fileno()).st_size
        eocd_at, eocd = _find_end(fh, size, path)
        _sig, disk, cd_disk, _here, declared, cd_size, cd_offset, _comment = eocd
        cd_end = eocd_at
        z64 = _zip64(fh, eocd_at)
        if z64 is not None:
            declared, cd_size, cd_offset = z64
            cd_end = eocd_at - _LOC64.size - _EOCD64.size
        elif disk != 0 or cd_disk != 0:
            raise _not_zip(path, "it is one part of a multi-part (spanned) archive")
        cd_start = cd_end - cd_size
        if cd_start < 0:
            raise _not_zip(path, "its central directory would start before the file does")
        out = CentralDirectory(prefix_end=cd_start, offset_field=cd_offset, declared=declared)
        if declared > max_entries:
            out.notes.append(f"the zip declares {declared:,} members; only the first {max_entries:,} "
                             "are considered")
        fh.seek(cd_start)
        reader = io.BufferedReader(_Bounded(fh, cd_size), buffer_size=1 << 16)
        seen = 0
        while seen < min(declared, max_entries):
            head = reader.read(_CENTRAL.size)
            if not head:
                break
            if len(head) < _CENTRAL.size or head[:4] != _CENTRAL_SIG:
                out.notes.append(f"the central directory is damaged after {seen:,} of {declared:,} "
                                 "entries; the rest are not read")
                break
            f = _CENTRAL.unpack(head)
            extract_version, flags = f[3], f[5]
            compress_size, file_size = f[10], f[11]
            name_len, extra_len, comment_len = f[12], f[13], f[14]
            header_offset = f[18]
            name_raw = reader.read(name_len)
            extra = reader.read(extra_len)
            comment = reader.read(comment_len)
            if len(name_raw) + len(extra) + len(comment) < name_len + extra_len + comment_len:
                out.notes.append(f"the central directory is cut short after {seen:,} entries")
                break
            seen += 1
            shown = name_raw.decode("utf-8", errors="replace") or "(no name)"
            why = None
            if flags & _UTF8_FLAG:
                try:
                    name_raw.decode("utf-8")
                except UnicodeDecodeError:
                    why = "its name is flagged as UTF-8 but is not valid UTF-8"
            if why is None and b"\0" in name_raw:
                why = "its name contains a NUL character"
            if why is None and extract_version > _MAX_EXTRACT_VERSION:
                why = (f"it needs zip version {extract_version / 10:.1f}, newer than this reader "
                       "supports")
            if why is None:
                why = _extra_problem(extra, file_size, compress_size, header_offset)
            if why is not None:
                out.skipped.append((shown, why))
                continue
            entry = head[:32] + b"\0\0" + head[34:] + name_raw + extra  # member comment dropped
            if len(out.entries) + len(entry) > max_bytes:
                out.notes.append(f"the central directory is larger than {max_bytes:,} bytes; members "
                                 f"after the first {out.count:,} are not considered")
                break
            out.entries += entry
            out.count += 1
        return out
    except OSError as exc:
        raise unreadable(path, exc) from exc


class _Bounded(io.RawIOBase):
    """At most `limit` bytes of `fh` from its current position."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        super().__init__()
        self._fh = fh
        self._left = max(0, limit)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        part = self._fh.read(min(len(view), self._left))
        view[:len(part)] = part
        self._left -= len(part)
        return len(part)

    def close(self) -> None:  # the caller owns fh
        super().close()
