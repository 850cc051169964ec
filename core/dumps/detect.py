"""Tell a kernel crash dump from a user-mode minidump or anything else, by content (never by name)."""

from __future__ import annotations

from pathlib import Path

from core.dumps.model import DumpKind
from core.dumps.structs import MINIDUMP_SIGNATURE, SIGNATURE, VALID_DUMP_32, VALID_DUMP_64
from core.errors import unreadable
from core.safefs import open_regular

SIGNATURE_32 = SIGNATURE + VALID_DUMP_32  # b"PAGEDUMP"
SIGNATURE_64 = SIGNATURE + VALID_DUMP_64  # b"PAGEDU64"
HEAD_SIZE = 8

USER_DUMP_MESSAGE = ("this is an application crash dump (a user-mode minidump), "
                     "not a system crash dump")
NOT_A_DUMP_MESSAGE = "not a crash dump: the file does not start with PAGEDUMP, PAGEDU64 or MDMP"


def kind_of(head: bytes) -> DumpKind:
    if head[:8] in (SIGNATURE_32, SIGNATURE_64):
        return DumpKind.KERNEL
    if head[:4] == MINIDUMP_SIGNATURE:
        return DumpKind.USER
    return DumpKind.NOT_A_DUMP


def bits_of(head: bytes) -> int | None:
    if head[:8] == SIGNATURE_64:
        return 64
    if head[:8] == SIGNATURE_32:
        return 32
    return None


def detect(path: str | Path) -> DumpKind:
    """What kind of file `path` is, reading only its first 8 bytes. Raises UnreadableError."""
    try:
        with open_regular(path) as fh:
            head = fh.read(HEAD_SIZE)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    return kind_of(head)


def is_kernel_dump(prefix: bytes) -> bool:
    """The reader's signature check on a file's first bytes (source identification walks these)."""
    return kind_of(prefix) is DumpKind.KERNEL


def is_user_dump(prefix: bytes) -> bool:
    return kind_of(prefix) is DumpKind.USER
