"""Transaction-log replay (FACTS §7): a hive copied from a running or crashed machine is often dirty,
and the changes not yet in the primary file sit in <hive>.LOG1 / <hive>.LOG2 beside it.

New-format logs (Windows 8.1+, "HvLE" entries) are replayed with python-registry's RegistryLog; the
old format (Vista/7, a "DIRT" bitmap of 512-byte pages) we replay ourselves because that library
refuses it — and Windows 7 is the very system this product is about. Everything happens in memory:
the evidence files are only ever opened for reading.
"""

from __future__ import annotations

import io
import logging
import struct
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import DumpDoctorError, unreadable
from core.registry.hive_format import (
    BASE_BLOCK_SIZE,
    FILE_TYPE_LOG_NEW,
    FILE_TYPE_LOG_OLD,
    HEADER_CHECKSUM_SPAN,
    header_checksum,
    parse_base_block,
)
from core.registry.marvin32 import use_for_python_registry

log = logging.getLogger(__name__)

MAX_LOG_BYTES = 512 * 1024 * 1024  # logs are capped far lower by Windows; anything bigger is hostile
SECTOR = 512


@dataclass
class ReplayResult:
    data: bytearray
    applied: list[str] = field(default_factory=list)  # log file names that changed the hive
    notes: list[str] = field(default_factory=list)


def find_logs(hive: Path) -> list[Path]:
    """<hive>.LOG1 and <hive>.LOG2 beside the hive, matched ignoring case, LOG1 first."""
    wanted = {f"{hive.name}.log1".casefold(): 0, f"{hive.name}.log2".casefold(): 1}
    found: list[tuple[int, Path]] = []
    try:
        for entry in hive.parent.iterdir():
            rank = wanted.get(entry.name.casefold())
            if rank is not None and entry.is_file():
                found.append((rank, entry))
    except OSError as exc:
        # Without the listing the logs cannot be replayed; the hive is then read as it is on disk.
        log.warning("%s: cannot look for its transaction logs: %s", hive, exc)
        return []
    return [p for _rank, p in sorted(found)]


def _read_log(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_LOG_BYTES:
            raise DumpDoctorError(f"transaction log is implausibly large ({size:,} bytes); not replayed",
                                  path=path)
        return path.read_bytes()
    except OSError as exc:
        raise unreadable(path, exc) from exc


def replay_logs(data: bytearray, logs: list[Path]) -> ReplayResult:
    """Apply the logs to the in-memory hive `data`. A log that cannot be used is noted, not fatal."""
    result = ReplayResult(data)
    new_format: list[tuple[Path, bytes]] = []
    for path in logs:
        try:
            raw = _read_log(path)
            block = parse_base_block(raw[:SECTOR], path)
        except DumpDoctorError as exc:
            result.notes.append(f"transaction log not used: {exc}")
            continue
        if block.file_type == FILE_TYPE_LOG_NEW:
            new_format.append((path, raw))
        elif block.file_type in FILE_TYPE_LOG_OLD:
            if not result.applied and _replay_old(result, path, raw):
                result.applied.append(path.name)
        else:
            result.notes.append(f"{path.name}: file type {block.file_type} is not a transaction log; "
                                "not used")
    if new_format:
        _replay_new(result, new_format)
    return result


def _replay_new(result: ReplayResult, logs: list[tuple[Path, bytes]]) -> None:
    from Registry import RegistryLog  # python-registry: Apache-2.0

    use_for_python_registry()  # its entry hashing was 80% of opening a dirty Windows 10 hive
    buf = io.BytesIO(bytes(result.data))
    parsed = []
    for path, raw in logs:
        buf.seek(0)  # RegistryLog reads the primary's base block from the current position
        try:
            parsed.append((path, RegistryLog.RegistryLog(buf, io.BytesIO(raw))))
        except Exception as exc:  # the library raises its own exception types and struct.error
            result.notes.append(f"{path.name}: transaction log not used ({type(exc).__name__}: {exc})")
    eligible = [(p, lg) for p, lg in parsed if lg.is_eligible_log()]
    if len(eligible) == 2 and not eligible[0][1].is_starting_log(eligible[1][1]):
        eligible.reverse()
    sequence: int | None = None
    for path, lg in eligible:
        try:
            if sequence is None:
                sequence = lg.recover_hive()
                applied = sequence is not None
            else:
                nxt = lg.recover_hive_continue(sequence + 1)
                applied = nxt is not None
                sequence = nxt if nxt is not None else sequence
        except Exception as exc:  # a corrupt entry stops replay; what was applied stays applied
            result.notes.append(f"{path.name}: replay stopped ({type(exc).__name__}: {exc})")
            break
        if applied:
            result.applied.append(path.name)
    result.data = bytearray(buf.getvalue())


def _replay_old(result: ReplayResult, path: Path, raw: bytes) -> bool:
    """Old format: base block copy, 'DIRT' + bitmap (one bit per 512-byte page of hive-bin data),
    then the dirty pages in bitmap order, each 512 bytes, starting at the next sector boundary."""
    data = result.data
    log_block = parse_base_block(raw[:SECTOR], path)
    primary = parse_base_block(bytes(data[:SECTOR]), path)
    if log_block.primary_sequence != log_block.secondary_sequence:
        result.notes.append(f"{path.name}: the log itself was not completely written; not used")
        return False
    if primary.checksum_ok and log_block.timestamp != primary.timestamp:
        result.notes.append(f"{path.name}: the log belongs to another write of the hive "
                            "(timestamps differ); not used")
        return False
    if raw[SECTOR:SECTOR + 4] != b"DIRT":
        result.notes.append(f"{path.name}: no 'DIRT' dirty vector at offset 0x200; not used")
        return False
    bits = log_block.hbins_size // SECTOR
    bitmap = raw[SECTOR + 4:SECTOR + 4 + (bits + 7) // 8]
    pos = -(-(SECTOR + 4 + len(bitmap)) // SECTOR) * SECTOR
    pages = 0
    for index in range(min(bits, len(bitmap) * 8)):
        if not bitmap[index // 8] >> (index % 8) & 1:
            continue
        page = raw[pos:pos + SECTOR]
        if len(page) < SECTOR:
            result.notes.append(f"{path.name}: ends after {pages} dirty pages (offset 0x{pos:X}); "
                                "the rest could not be replayed")
            break
        target = BASE_BLOCK_SIZE + index * SECTOR
        if target + SECTOR > len(data):
            data.extend(bytes(target + SECTOR - len(data)))
        data[target:target + SECTOR] = page
        pos += SECTOR
        pages += 1
    header = bytearray(raw[:SECTOR])
    struct.pack_into("<I", header, 0x1C, 0)  # back to "primary file"
    struct.pack_into("<I", header, 8, log_block.primary_sequence)
    struct.pack_into("<I", header, HEADER_CHECKSUM_SPAN, header_checksum(bytes(header)))
    data[:SECTOR] = header
    log.info("%s: replayed %d dirty pages", path, pages)
    return pages > 0
