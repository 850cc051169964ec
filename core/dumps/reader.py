"""read_dump: everything a crash dump file says about the crash, read with a few bounded seeks.

Decisions (see docs/architecture.md, core.dumps):
- a kernel dump (PAGEDUMP / PAGEDU64) returns a DumpInfo, even when truncated or damaged: its
  integrity says what is wrong and the header's facts are still reported;
- a user-mode minidump (MDMP) returns a DumpInfo of kind USER with a note saying it is an
  application crash, not a system crash (it is a dump, just not the one we diagnose);
- anything else raises NotRecognisedError; files the OS will not give us raise UnreadableError;
  a kernel header cut off before its bug check raises TruncatedError.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import BinaryIO

from core.dumps.bugchecks import lookup
from core.dumps.detect import HEAD_SIZE, NOT_A_DUMP_MESSAGE, USER_DUMP_MESSAGE, bits_of, kind_of
from core.dumps.header import (
    BITMAP_TYPES,
    DUMP_TYPE_LABELS,
    HEADER_ONLY,
    TRIAGE,
    ParsedHeader,
    fill_info,
    parse_header,
)
from core.dumps.model import DumpInfo, DumpKind, Integrity, IntegrityStatus
from core.dumps.modules import MEMORY_TYPES, read_memory_drivers
from core.dumps.stream import DumpStream
from core.dumps.structs import (
    DUMP_BLOB_FILE_HEADER,
    DUMP_BLOB_HEADER,
    SECONDARY_DATA_SIGNATURE,
    SUMMARY_SIGNATURES,
)
from core.dumps.triage import (
    DUMP_STACK_NAME,
    TriageFacts,
    driver_at,
    marker_valid,
    read_triage_block,
    read_triage_lists,
)
from core.errors import NotRecognisedError, unreadable
from core.safefs import open_regular, stream_size

log = logging.getLogger(__name__)

MAX_BLOBS = 4096  # secondary-data blobs; real dumps hold tens


def read_dump(path: str | Path) -> DumpInfo:
    """Read a crash dump file. See the module docstring for what is returned and what is raised."""
    try:
        with open_regular(path) as fh:
            return read_dump_stream(fh, str(path), stream_size(fh))  # also for a zip member
    except OSError as exc:
        raise unreadable(path, exc) from exc


def read_dump_stream(fh: BinaryIO, path: str, size: int) -> DumpInfo:
    """read_dump on an open binary file (tests wrap it to count the bytes read)."""
    stream = DumpStream(fh, path, size)
    head = stream.read_upto(0, HEAD_SIZE)
    kind = kind_of(head)
    if kind is DumpKind.NOT_A_DUMP:
        raise NotRecognisedError(NOT_A_DUMP_MESSAGE, path=path, offset=0,
                                 expected="PAGEDUMP, PAGEDU64 or MDMP")
    info = DumpInfo(path=path, kind=kind, file_size=size)
    if kind is DumpKind.USER:
        info.notes.append(USER_DUMP_MESSAGE)
        return info
    bits = bits_of(head)
    assert bits is not None  # kind KERNEL implies one of the two signatures
    header = parse_header(stream, bits)
    fill_info(info, header)
    triage = None
    if header.dump_type == TRIAGE and header.present == header.size:
        triage = read_triage_block(stream, header.size)
        if triage is not None and marker_valid(triage):
            read_triage_lists(stream, triage, bits, info)
            _name_faulting_driver(info)
    elif header.dump_type in MEMORY_TYPES and header.present == header.size and size > header.size:
        read_memory_drivers(stream, header, info)
        info.dump_stack = [d.name for d in info.drivers if DUMP_STACK_NAME.match(d.name)]
        _name_faulting_driver(info)
    info.integrity = _integrity(stream, header, triage, info)
    return info


def _name_faulting_driver(info: DumpInfo) -> None:
    if info.bugcheck is None or not info.drivers:
        return
    which = lookup(info.bugcheck.code).code_address_parameter
    if not which:
        return
    address = info.bugcheck.parameters[which - 1]
    driver = driver_at(info.drivers, address)
    if driver is not None:
        info.faulting_driver = driver.name
    else:
        info.notes.append(f"parameter {which} ({address:#x}) is outside every loaded driver, so the "
                          "faulting driver cannot be named from this dump")


def _integrity(stream: DumpStream, header: ParsedHeader, triage: TriageFacts | None,
               info: DumpInfo) -> Integrity:
    size = stream.size
    if header.present < header.size:
        return Integrity(IntegrityStatus.TRUNCATED,
                         f"The file is cut off inside its header ({size:,} of {header.size:,} bytes); "
                         "only the facts that were written before the cut are shown.")
    if header.dump_type == HEADER_ONLY:
        return Integrity(IntegrityStatus.HEADER_ONLY,
                         "This dump holds only its header: the bug check and its parameters are "
                         "there, but no memory to analyse.")
    if header.dump_type == TRIAGE:
        return _triage_integrity(stream, header, triage, info)
    if size == header.size:
        return Integrity(IntegrityStatus.HEADER_ONLY,
                         "The file ends right after its header: the bug check is there, but the "
                         "memory contents were never written.")
    if header.dump_type in BITMAP_TYPES:
        marker = stream.read_upto(header.size, 4)
        if marker not in SUMMARY_SIGNATURES:
            return Integrity(IntegrityStatus.INVALID,
                             f"The memory map that must follow the header of a "
                             f"{DUMP_TYPE_LABELS.get(info.dump_type or '', 'kernel dump')} is missing "
                             f"or damaged (found {marker!r} at offset {header.size:#x}).")
    expected = header.required_dump_space
    if expected is not None and size < expected:
        return _truncated(size, expected)
    return Integrity(IntegrityStatus.COMPLETE, "The dump file is complete.")


def _truncated(size: int, expected: int) -> Integrity:
    return Integrity(IntegrityStatus.TRUNCATED,
                     f"The file is shorter than its header says ({size:,} of {expected:,} bytes): it "
                     "was cut off while being written or copied. The crash details below come from "
                     "the header and are still valid.")


def _triage_integrity(stream: DumpStream, header: ParsedHeader, triage: TriageFacts | None,
                      info: DumpInfo) -> Integrity:
    size = stream.size
    if triage is None:
        return Integrity(IntegrityStatus.TRUNCATED,
                         "The file ends before the small memory dump's contents begin; only the "
                         "header's crash details are available.")
    expected = triage.raw.SizeOfDump
    if expected and size < expected:
        return _truncated(size, expected)
    if triage.marker is None:
        return _truncated(size, triage.raw.ValidOffset + 4)
    if not marker_valid(triage):
        return Integrity(IntegrityStatus.INVALID,
                         f"The small memory dump's validity marker is missing (expected 'TRGD' at "
                         f"offset {triage.raw.ValidOffset:#x}, found {triage.marker!r}): Windows did "
                         "not finish writing it, or it was damaged. Only the header's crash details "
                         "can be trusted.")
    if header.required_dump_space and header.required_dump_space > size:
        # Windows reserves room for a small dump up front and writes less; the triage block's own
        # SizeOfDump (checked above) is what tells a cut file.
        info.notes.append(f"RequiredDumpSpace ({header.required_dump_space:,} bytes) is the space "
                          "Windows reserved, larger than this small dump; SizeOfDump was checked instead")
    cut = _secondary_data_cut(stream, expected)
    if cut is not None:
        return Integrity(IntegrityStatus.TRUNCATED,
                         f"The crash data is complete, but the extra driver data appended after it "
                         f"is cut off at {size:,} bytes (a blob needs {cut:,}).")
    return Integrity(IntegrityStatus.COMPLETE, "The dump file is complete.")


def _secondary_data_cut(stream: DumpStream, offset: int) -> int | None:
    """Walk the 'DumpBlob' secondary data after a triage dump; the end a cut blob needed, or None."""
    file_header_size = DUMP_BLOB_FILE_HEADER.sizeof()
    head = stream.read_upto(offset, file_header_size)
    if len(head) < file_header_size:
        return None
    file_header = DUMP_BLOB_FILE_HEADER.parse(head)
    if file_header.Signature != SECONDARY_DATA_SIGNATURE:
        return None
    blob_header_size = int(DUMP_BLOB_HEADER.sizeof())
    position: int = offset + int(file_header.HeaderSize)
    for _ in range(MAX_BLOBS):
        if position >= stream.size:
            return None
        data = stream.read_upto(position, blob_header_size)
        if len(data) < blob_header_size:
            return position + blob_header_size
        blob = DUMP_BLOB_HEADER.parse(data)
        if blob.HeaderSize < blob_header_size:
            return None  # not a blob header: stop rather than guess
        position += blob.HeaderSize + blob.PrePad + blob.DataSize + blob.PostPad
        if position > stream.size:
            return int(position)
    return None
