"""Builds binary .evtx files from the same event specs (`Ev`) that tests/builders/events.py renders as XML,
so one scenario can be read both as an XML export and as a System.evtx.

    data = build_evtx(b.hibernate_crash_d1(T0), records_per_chunk=4)
    write_evtx(tmp_path / "System.evtx", events, dirty_header=True)
    image = build_evtx_image(events, records_per_chunk=3)   # bytes plus where each chunk/record lies

Layout (libyal "Windows XML Event Log (EVTX) format"): a 4 KiB file header ("ElfFile\\0", CRC32 of its
first 120 bytes), then 64 KiB chunks ("ElfChnk\\0", a 512-byte header whose CRC32 covers bytes 0-120 and
128-512, then event records). Each record is "**\\0\\0", its size, its record id, a FILETIME, a BinXML
body and the size again.

The BinXML body uses no templates: every element name is written inline the first time a chunk uses
it and referenced by its chunk offset afterwards. Elements directly in a record carry no dependency
identifier: libyal documents one, but the evtx crate (0.13) reads elements outside templates without
it and rejects every record that has one. System values carry the types Windows gives them (EventID
UInt16, Level UInt8, TimeCreated FILETIME, EventRecordID UInt64, ...), so the library renders them as
it renders real logs (typed=False writes them as text instead); event data stays text, as the XML
export shows it.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.builders.events import GUIDS, NS, Ev

FILE_HEADER_SIZE = 0x1000
CHUNK_SIZE = 0x10000
CHUNK_HEADER_SIZE = 0x200
RECORD_MAGIC = b"\x2a\x2a\x00\x00"
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)

# BinXML tokens (libyal §"Binary XML"); 0x40 marks "has attributes" / "more attributes follow".
TOKEN_EOF = 0x00
TOKEN_OPEN_START = 0x01
TOKEN_CLOSE_START = 0x02
TOKEN_CLOSE_EMPTY = 0x03
TOKEN_END_ELEMENT = 0x04
TOKEN_VALUE = 0x05
TOKEN_ATTRIBUTE = 0x06
TOKEN_FRAGMENT_HEADER = 0x0F
FLAG_MORE = 0x40

# Value types
T_STRING = 0x01
T_UINT8 = 0x04
T_UINT16 = 0x06
T_UINT64 = 0x0A
T_GUID = 0x0F
T_FILETIME = 0x11
T_HEXINT64 = 0x15


@dataclass(frozen=True)
class Value:
    """A typed BinXML value: `raw` is the encoded payload for fixed-size types, text for strings."""

    type: int
    raw: bytes | str


@dataclass
class Elem:
    name: str
    attrs: list[tuple[str, Value]] = field(default_factory=list)
    children: list[Elem | Value] = field(default_factory=list)


def text(value: str) -> Value:
    return Value(T_STRING, value)


def filetime(value: datetime) -> int:
    """Aware datetime → 100 ns ticks since 1601 (exact: no float on the way)."""
    delta = value.astimezone(UTC) - FILETIME_EPOCH
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _typed(kind: int, number: int) -> Value:
    fmt = {T_UINT8: "<B", T_UINT16: "<H", T_UINT64: "<Q", T_FILETIME: "<Q", T_HEXINT64: "<Q"}[kind]
    return Value(kind, struct.pack(fmt, number))


def event_tree(ev: Ev, record_id: int, *, typed: bool = True) -> Elem:
    """The <Event> element of `ev`, with the same elements in the same order as events.event_xml()."""

    def num(kind: int, number: int) -> Value:
        return _typed(kind, number) if typed else text(str(number))

    provider = Elem("Provider", [("Name", text(ev.provider))])
    if ev.provider in GUIDS:
        guid = GUIDS[ev.provider]
        provider.attrs.append(("Guid", Value(T_GUID, uuid.UUID(guid).bytes_le) if typed else text(guid)))
    if ev.source_name:
        provider.attrs.append(("EventSourceName", text(ev.source_name)))
    event_id = Elem("EventID", children=[num(T_UINT16, ev.event_id)])
    if ev.qualifiers is not None:
        event_id.attrs.append(("Qualifiers", num(T_UINT16, ev.qualifiers)))
    system = [provider, event_id]
    if ev.version is not None:
        system.append(Elem("Version", children=[num(T_UINT8, ev.version)]))
    keywords = _typed(T_HEXINT64, 1 << 63) if typed else text("0x8000000000000000")
    system += [Elem("Level", children=[num(T_UINT8, ev.level)]),
               Elem("Task", children=[num(T_UINT16, 0)]),
               Elem("Keywords", children=[keywords])]
    when = (_typed(T_FILETIME, filetime(ev.time)) if typed
            else text(ev.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")))
    system += [Elem("TimeCreated", [("SystemTime", when)]),
               Elem("EventRecordID", children=[num(T_UINT64, record_id)]),
               Elem("Channel", children=[text("System")]),
               Elem("Computer", children=[text(ev.computer)]),
               Elem("Security")]
    if ev.user_data is not None:
        fields = Elem("Fields", [("xmlns", text("http://example.invalid/fields"))],
                      [Elem(k, children=[text(v)]) for k, v in ev.user_data.items()])
        payload = Elem("UserData", children=[fields])
    else:
        payload = Elem("EventData")
        for name, value in ev.data:
            payload.children.append(Elem("Data", [("Name", text(name))] if name else [], [text(value)]))
        if ev.binary is not None:
            payload.children.append(Elem("Binary", children=[text(ev.binary)]))
    return Elem("Event", [("xmlns", text(NS))], [Elem("System", children=list(system)), payload])


def name_hash(name: str) -> int:
    """The 16-bit hash stored beside a BinXML name (low half of a multiply-by-65599 hash)."""
    value = 0
    for ch in name:
        value = (value * 65599 + ord(ch)) & 0xFFFFFFFF
    return value & 0xFFFF


class _BinXml:
    """Encodes one record's BinXML. Offsets are chunk-relative, so the encoder is told where in the chunk
    its first byte will land and which names the chunk already holds."""

    def __init__(self, base: int, names: dict[str, int]) -> None:
        self.base = base
        self.names = names  # shared with the chunk; only committed when the record fits
        self.new_names: dict[str, int] = {}
        self.buf = bytearray()

    def _name(self, name: str) -> None:
        known = self.names.get(name, self.new_names.get(name))
        if known is not None:
            self.buf += struct.pack("<I", known)
            return
        here = self.base + len(self.buf) + 4  # the name follows its own offset field
        self.buf += struct.pack("<I", here)
        encoded = name.encode("utf-16-le")
        self.buf += struct.pack("<IHH", 0, name_hash(name), len(name)) + encoded + b"\x00\x00"
        self.new_names[name] = here

    def _value(self, value: Value, token: int = TOKEN_VALUE) -> None:
        self.buf += bytes([token, value.type])
        if value.type == T_STRING:
            assert isinstance(value.raw, str)
            encoded = value.raw.encode("utf-16-le")
            self.buf += struct.pack("<H", len(encoded) // 2) + encoded
        else:
            assert isinstance(value.raw, bytes)
            self.buf += value.raw

    def element(self, el: Elem) -> None:
        self.buf += bytes([TOKEN_OPEN_START | (FLAG_MORE if el.attrs else 0)])
        # no dependency identifier here: see the module docstring
        size_at = len(self.buf)
        self.buf += b"\x00\x00\x00\x00"  # data size, patched below
        self._name(el.name)
        if el.attrs:
            list_at = len(self.buf)
            self.buf += b"\x00\x00\x00\x00"
            for i, (name, value) in enumerate(el.attrs):
                more = FLAG_MORE if i + 1 < len(el.attrs) else 0
                self.buf += bytes([TOKEN_ATTRIBUTE | more])
                self._name(name)
                self._value(value)
            struct.pack_into("<I", self.buf, list_at, len(self.buf) - list_at - 4)
        children = [c for c in el.children if not (isinstance(c, Value) and c.raw in ("", b""))]
        if children:
            self.buf.append(TOKEN_CLOSE_START)
            for child in children:
                if isinstance(child, Elem):
                    self.element(child)
                else:
                    self._value(child)
            self.buf.append(TOKEN_END_ELEMENT)
        else:
            self.buf.append(TOKEN_CLOSE_EMPTY)
        struct.pack_into("<I", self.buf, size_at, len(self.buf) - size_at - 4)

    def document(self, root: Elem) -> bytes:
        self.buf += bytes([TOKEN_FRAGMENT_HEADER, 1, 1, 0])
        self.element(root)
        self.buf.append(TOKEN_EOF)
        return bytes(self.buf)


@dataclass
class EvtxImage:
    """The file's bytes and where things are, so tests can damage a chosen chunk or record."""

    data: bytes
    chunk_record_ids: list[list[int]]  # per chunk, the record ids it holds
    record_offsets: dict[int, int]  # record id → absolute file offset of its "**\0\0"

    @staticmethod
    def chunk_offset(index: int) -> int:
        return FILE_HEADER_SIZE + index * CHUNK_SIZE


def _record(record_id: int, ev: Ev, base: int, names: dict[str, int], typed: bool) -> tuple[bytes, _BinXml]:
    enc = _BinXml(base + 24, names)
    body = enc.document(event_tree(ev, record_id, typed=typed))
    size = 24 + len(body) + 4
    head = RECORD_MAGIC + struct.pack("<IQQ", size, record_id, filetime(ev.time))
    return head + body + struct.pack("<I", size), enc


def _chunk(records: list[tuple[int, bytes]]) -> bytes:
    chunk = bytearray(CHUNK_SIZE)
    chunk[0:8] = b"ElfChnk\x00"
    pos = CHUNK_HEADER_SIZE
    last_offset = pos
    for _, raw in records:
        chunk[pos:pos + len(raw)] = raw
        last_offset = pos
        pos += len(raw)
    first_id, last_id = records[0][0], records[-1][0]
    struct.pack_into("<QQQQIIII", chunk, 8, first_id, last_id, first_id, last_id, 128, last_offset, pos,
                     zlib.crc32(chunk[CHUNK_HEADER_SIZE:pos]))
    struct.pack_into("<I", chunk, 124, zlib.crc32(bytes(chunk[0:120]) + bytes(chunk[128:CHUNK_HEADER_SIZE])))
    return bytes(chunk)


def build_evtx_image(records: Sequence[Ev], *, records_per_chunk: int | None = None, first_record_id: int = 1,
                     dirty_header: bool = False, header_chunk_count: int | None = None,
                     header_next_record: int | None = None, typed: bool = True) -> EvtxImage:
    """Record ids come from `Ev.record_id` when set, else count on from the previous record.
    records_per_chunk None fills each chunk as far as 64 KiB allows. dirty_header: the header is left as
    a live copy leaves it (dirty flag, chunk count and next record id of the first chunk only);
    header_chunk_count / header_next_record override those two fields outright."""
    chunks: list[list[tuple[int, bytes]]] = [[]]
    names: dict[str, int] = {}
    pos = CHUNK_HEADER_SIZE
    next_id = first_record_id
    for ev in records:
        record_id = ev.record_id if ev.record_id is not None else next_id
        next_id = record_id + 1
        full = records_per_chunk is not None and len(chunks[-1]) >= records_per_chunk
        raw, enc = _record(record_id, ev, pos, names, typed)
        if full or pos + len(raw) > CHUNK_SIZE:
            if not chunks[-1]:
                raise ValueError(f"event {ev.provider}/{ev.event_id} does not fit in one chunk")
            chunks.append([])
            names, pos = {}, CHUNK_HEADER_SIZE
            raw, enc = _record(record_id, ev, pos, names, typed)
        names.update(enc.new_names)
        chunks[-1].append((record_id, raw))
        pos += len(raw)
    chunks = [c for c in chunks if c]

    offsets: dict[int, int] = {}
    for index, chunk in enumerate(chunks):
        at = EvtxImage.chunk_offset(index) + CHUNK_HEADER_SIZE
        for record_id, raw in chunk:
            offsets[record_id] = at
            at += len(raw)

    count = len(chunks)
    next_record = chunks[-1][-1][0] + 1 if chunks else first_record_id
    flags = 0
    if dirty_header:
        flags = 1
        count = min(count, 1)
        next_record = chunks[0][-1][0] + 1 if chunks else first_record_id
    if header_chunk_count is not None:
        count = header_chunk_count
    if header_next_record is not None:
        next_record = header_next_record
    header = bytearray(FILE_HEADER_SIZE)
    struct.pack_into("<8sQQQIHHHH", header, 0, b"ElfFile\x00", 0, max(count - 1, 0), next_record, 128, 1, 3,
                     FILE_HEADER_SIZE, count)
    struct.pack_into("<I", header, 120, flags)
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
    data = bytes(header) + b"".join(_chunk(c) for c in chunks)
    return EvtxImage(data, [[rid for rid, _ in c] for c in chunks], offsets)


def build_evtx(records: Sequence[Ev], *, records_per_chunk: int | None = None, first_record_id: int = 1,
               dirty_header: bool = False, header_chunk_count: int | None = None,
               header_next_record: int | None = None, typed: bool = True) -> bytes:
    """The bytes of an .evtx file holding `records` (options: see build_evtx_image)."""
    return build_evtx_image(records, records_per_chunk=records_per_chunk, first_record_id=first_record_id,
                            dirty_header=dirty_header, header_chunk_count=header_chunk_count,
                            header_next_record=header_next_record, typed=typed).data


def write_evtx(path: Path, records: Sequence[Ev], **options: Any) -> Path:
    path.write_bytes(build_evtx(records, **options))
    return path
