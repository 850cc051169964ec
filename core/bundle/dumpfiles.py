"""Which part of a crash dump goes into a bundle: minidumps whole; a complete/kernel MEMORY.DMP only
its header pages (they hold the bug check, the dump type and the sizes the diagnosis reads) unless the
whole file was asked for."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from core.dumps.detect import bits_of, kind_of
from core.dumps.model import DumpKind
from core.errors import NotRecognisedError, TruncatedError, unreadable
from core.safefs import open_regular, stream_size

PAGE = 0x1000
HEADER_64 = 0x2000
HEADER_32 = 0x1000
_DUMPTYPE_OFFSET = {64: 0xF98, 32: 0xF88}
_TRIAGE = 4
_SUBHEADER_SIGNATURES = (b"SDMP", b"FDMP", b"DUMP")


@dataclass(frozen=True)
class DumpPlan:
    path: Path
    size: int
    kind: str  # "minidump" (triage: copied whole) | "memory" (complete/kernel/bitmap) | "user"
    bits: int | None
    excerpt_len: int  # bytes to copy when only an excerpt is taken


def plan_dump(path: Path) -> DumpPlan:
    """Look at the first pages (never the whole file) and decide what to copy."""
    try:
        with open_regular(path) as fh:  # a zip member may be read straight from its archive
            size = stream_size(fh)
            head = fh.read(HEADER_64 + PAGE)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    kind = kind_of(head)  # the dump reader's own signature check
    if kind is DumpKind.USER:
        return DumpPlan(path, size, "user", None, 0)
    bits = bits_of(head)
    if kind is not DumpKind.KERNEL or bits is None:
        raise NotRecognisedError("not a crash dump", path=path, offset=0,
                                 expected="'PAGEDUMP' or 'PAGEDU64' at the start")
    header_len = HEADER_64 if bits == 64 else HEADER_32
    type_at = _DUMPTYPE_OFFSET[bits]
    if len(head) < type_at + 4:
        raise TruncatedError("the dump header is cut short", path=path, offset=len(head),
                             expected=f"a {header_len:#x}-byte header")
    dump_type = struct.unpack_from("<I", head, type_at)[0]
    if dump_type == _TRIAGE:
        return DumpPlan(path, size, "minidump", bits, size)
    excerpt = header_len
    # The summary/bitmap sub-header (and a triage structure) starts right after the header.
    if head[header_len:header_len + 4] in _SUBHEADER_SIGNATURES:
        excerpt += PAGE
    return DumpPlan(path, size, "memory", bits, min(excerpt, size))
