"""What an .evtx file holds, read from its headers alone, so the reader can tell what the `evtx` library
did not return: the file header (chunk count, next record number), the 128-byte head of every 64 KiB
chunk, and, when the file ends inside a chunk, the record headers of that one partial chunk.

Live-copied logs have stale headers that UNDER-count (FACTS §7) — normal, a note at most. A header that
promises MORE than the file holds means the copy was cut: that is a loss to report.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import NotRecognisedError, TruncatedError, unreadable
from core.safefs import open_regular

FILE_MAGIC = b"ElfFile\x00"
CHUNK_MAGIC = b"ElfChnk\x00"
RECORD_MAGIC = b"**\x00\x00"
HEADER_BLOCK = 0x1000
CHUNK_SIZE = 0x10000
CHUNK_HEADER_SIZE = 0x200
RECORD_HEADER_SIZE = 24
CHUNK_HEADER_READ = 40  # the chunk header bytes the census needs: signature, first and last record id
MIN_RECORD_SIZE = RECORD_HEADER_SIZE + 4  # header, then at least the trailing size copy
# A record is at least 24 bytes of header plus a BinXML body, so a 64 KiB chunk cannot hold more than
# a few thousand; anything larger is a damaged header, not a count to trust.
MAX_RECORDS_PER_CHUNK = CHUNK_SIZE // RECORD_HEADER_SIZE


@dataclass
class CutChunk:
    """The chunk the file ends inside. Records up to `last_complete_id` lie wholly before the cut; the
    library, fed the chunk padded with zeros, also returns empty shells for the later ones."""

    index: int
    first_id: int
    last_id: int
    last_complete_id: int | None  # None: not one record of the chunk is whole

    @property
    def lost_ids(self) -> range:
        """The record ids of this chunk that the cut reached (returned by the library as shells)."""
        floor = self.first_id - 1 if self.last_complete_id is None else self.last_complete_id
        return range(floor + 1, self.last_id + 1)


@dataclass
class ChunkCensus:
    file_size: int = 0
    header_chunk_count: int = 0
    header_next_record: int = 0
    header_dirty: bool = False
    chunk_slots: int = 0  # 64 KiB slots the file holds, a partial last one included
    chunks_with_records: int = 0
    damaged_chunks: list[int] = field(default_factory=list)
    declared_records: int = 0
    highest_record_id: int = 0  # over the chunks with a sane header
    truncated_chunk: int | None = None
    cut: CutChunk | None = None  # set when the cut chunk's header could be read

    @property
    def ends_mid_chunk(self) -> bool:
        return self.file_size > HEADER_BLOCK and (self.file_size - HEADER_BLOCK) % CHUNK_SIZE != 0

    @property
    def padded_size(self) -> int:
        """The size with the last partial chunk filled up to 64 KiB."""
        if not self.ends_mid_chunk:
            return self.file_size
        return HEADER_BLOCK + self.chunk_slots * CHUNK_SIZE

    def missing_chunks(self) -> int:
        """Chunks the header lists beyond the end of the file (0 for a stale, under-counting header)."""
        return max(0, self.header_chunk_count - self.chunk_slots)

    def missing_record_ids(self) -> tuple[int, int] | None:
        """The record ids the header's next-record number promises but no chunk holds, as (first, last)."""
        promised_last = self.header_next_record - 1
        if self.highest_record_id and promised_last > self.highest_record_id:
            return self.highest_record_id + 1, promised_last
        return None


def chunk_census(path: Path) -> ChunkCensus:
    """Read the file header and every chunk's head, 128 bytes at a time, plus at most one partial chunk."""
    try:
        with open_regular(path) as fh:
            header = fh.read(HEADER_BLOCK)
            if len(header) < 8 or header[:8] != FILE_MAGIC:
                raise NotRecognisedError("not an .evtx event log", path=path, offset=0,
                                         expected="the signature 'ElfFile'")
            if len(header) < 128:
                raise TruncatedError("the .evtx file header is cut short", path=path, offset=len(header),
                                     expected="a 4096-byte file header")
            census = ChunkCensus(file_size=fh.seek(0, 2))
            census.header_next_record = struct.unpack_from("<Q", header, 24)[0]
            census.header_chunk_count = struct.unpack_from("<H", header, 42)[0]
            census.header_dirty = bool(struct.unpack_from("<I", header, 120)[0] & 1)
            index = 0
            while True:
                offset = HEADER_BLOCK + index * CHUNK_SIZE
                if offset >= census.file_size:
                    break
                fh.seek(offset)
                head = fh.read(128)
                cut = offset + CHUNK_SIZE > census.file_size
                if cut:
                    census.truncated_chunk = index
                if head[:8] == CHUNK_MAGIC and len(head) >= CHUNK_HEADER_READ:
                    first, last = struct.unpack_from("<QQ", head, 24)
                    if first <= last and last - first < MAX_RECORDS_PER_CHUNK:
                        census.declared_records += last - first + 1
                        census.chunks_with_records += 1
                        census.highest_record_id = max(census.highest_record_id, last)
                        if cut:
                            fh.seek(offset)
                            partial = fh.read(CHUNK_SIZE)  # less than 64 KiB: the file ends in it
                            census.cut = CutChunk(index, first, last,
                                                  last_whole_record(partial, first, last))
                    else:
                        census.damaged_chunks.append(index)
                elif head.strip(b"\x00"):
                    # Preallocated, never-used chunks are all zeros; anything else was a chunk once.
                    census.damaged_chunks.append(index)
                index += 1
            census.chunk_slots = index
            return census
    except OSError as exc:
        raise unreadable(path, exc) from exc


def last_whole_record(chunk: bytes, first_id: int, last_id: int) -> int | None:
    """The highest record id in `chunk` (cut short) whose bytes all lie before the cut. A damaged record
    header is stepped over by looking for the next record signature, as the library would lose only it."""
    best: int | None = None
    pos = CHUNK_HEADER_SIZE
    while pos + RECORD_HEADER_SIZE <= len(chunk):
        if chunk[pos:pos + 4] == RECORD_MAGIC:
            size, record_id = struct.unpack_from("<IQ", chunk, pos + 4)
            sane = MIN_RECORD_SIZE <= size <= CHUNK_SIZE - pos and first_id <= record_id <= last_id
            if sane:
                if pos + size > len(chunk):
                    break  # this record is the one the cut goes through
                best = record_id if best is None else max(best, record_id)
                pos += size
                continue
        pos = chunk.find(RECORD_MAGIC, pos + 1)
        if pos < 0:
            break
    return best
