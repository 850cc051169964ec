"""The few base-block fields we check ourselves before handing a hive to the parsing library, so that a
bad file is reported in words (which file, which offset, what was expected) instead of a library trace."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from core.errors import FormatError, NotRecognisedError, TruncatedError

MAGIC = b"regf"
BASE_BLOCK_SIZE = 0x1000
HEADER_CHECKSUM_SPAN = 0x1FC
FILE_TYPE_PRIMARY = 0
FILE_TYPE_LOG_OLD = (1, 2)
FILE_TYPE_LOG_NEW = 6


@dataclass(frozen=True)
class BaseBlock:
    primary_sequence: int
    secondary_sequence: int
    timestamp: int
    file_type: int
    root_cell: int
    hbins_size: int
    file_name: str  # the tail of the path the hive was loaded from, e.g. "\\SystemRoot\\...\\SYSTEM"
    checksum: int
    checksum_ok: bool

    @property
    def dirty(self) -> bool:
        return self.primary_sequence != self.secondary_sequence or not self.checksum_ok


def header_checksum(block: bytes) -> int:
    """XOR of the first 508 bytes as dwords, with the two reserved results Windows avoids."""
    xsum = 0
    for (word,) in struct.iter_unpack("<I", block[:HEADER_CHECKSUM_SPAN]):
        xsum ^= word
    if xsum == 0:
        return 1
    if xsum == 0xFFFFFFFF:
        return 0xFFFFFFFE
    return xsum


def parse_base_block(head: bytes, path: Path) -> BaseBlock:
    if head[:4] != MAGIC:
        raise NotRecognisedError("not a registry hive", path=path, offset=0,
                                 expected="the 'regf' signature of a hive file")
    if len(head) < 0x200:
        raise TruncatedError("the hive's base block is cut short", path=path, offset=len(head),
                             expected="a 512-byte base block")
    seq1, seq2, stamp = struct.unpack_from("<IIQ", head, 4)
    file_type, _fmt, root_cell, hbins_size = struct.unpack_from("<IIII", head, 0x1C)
    name = head[0x30:0x70].decode("utf-16-le", errors="replace").split("\x00", 1)[0]
    checksum = struct.unpack_from("<I", head, HEADER_CHECKSUM_SPAN)[0]
    return BaseBlock(seq1, seq2, stamp, file_type, root_cell, hbins_size, name, checksum,
                     header_checksum(head) == checksum)


def check_primary_layout(head: bytes, size: int, path: Path) -> BaseBlock:
    """Validate what the library would otherwise trip over with an unhelpful message."""
    block = parse_base_block(head, path)
    if block.file_type != FILE_TYPE_PRIMARY:
        raise NotRecognisedError(
            f"this is a registry transaction log (file type {block.file_type}), not a hive",
            path=path, offset=0x1C, expected="a primary hive file (file type 0)")
    if size < BASE_BLOCK_SIZE + 0x20:
        raise TruncatedError("the hive ends before its first hive bin", path=path, offset=size,
                             expected="a 4096-byte base block followed by hive bins")
    if head[BASE_BLOCK_SIZE:BASE_BLOCK_SIZE + 4] != b"hbin" and len(head) >= BASE_BLOCK_SIZE + 4:
        raise FormatError("the first hive bin has no 'hbin' signature", path=path, offset=BASE_BLOCK_SIZE,
                          expected="'hbin'")
    if BASE_BLOCK_SIZE + block.root_cell + 0x50 > size:
        raise FormatError("the root key cell lies outside the file", path=path,
                          offset=BASE_BLOCK_SIZE + block.root_cell,
                          expected=f"a root cell inside the {size}-byte file")
    return block


def _file_type(prefix: bytes) -> int | None:
    """The base block's file type (0 primary, 1/2/6 transaction log), None when not a regf file."""
    if not prefix.startswith(MAGIC):
        return None
    return struct.unpack_from("<I", prefix, 0x1C)[0] if len(prefix) >= 0x20 else FILE_TYPE_PRIMARY


def is_hive(prefix: bytes) -> bool:
    """A primary hive file, from its first bytes (source identification walks these checks)."""
    return _file_type(prefix) == FILE_TYPE_PRIMARY


def is_hive_log(prefix: bytes) -> bool:
    """A hive transaction log (.LOG1/.LOG2): regf too, with a log file type."""
    file_type = _file_type(prefix)
    return file_type is not None and file_type != FILE_TYPE_PRIMARY
