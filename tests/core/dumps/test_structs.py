"""The construct definitions sit at the offsets Windows uses (like kdmp-parser's static_asserts),
and building then parsing reproduces every value (the builders depend on that)."""

from __future__ import annotations

import pytest
from construct import Container
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dumps import structs
from tests.builders.dumps import filler_header

# (field, 32-bit offset, 64-bit offset, width in bytes 32/64) — FACTS.md §3 / mindumpdef.h
HEADER_OFFSETS = [
    ("MajorVersion", 0x08, 0x08, 4, 4),
    ("MinorVersion", 0x0C, 0x0C, 4, 4),
    ("DirectoryTableBase", 0x10, 0x10, 4, 8),
    ("PfnDataBase", 0x14, 0x18, 4, 8),
    ("PsLoadedModuleList", 0x18, 0x20, 4, 8),
    ("PsActiveProcessHead", 0x1C, 0x28, 4, 8),
    ("MachineImageType", 0x20, 0x30, 4, 4),
    ("NumberProcessors", 0x24, 0x34, 4, 4),
    ("BugCheckCode", 0x28, 0x38, 4, 4),
    ("KdDebuggerDataBlock", 0x60, 0x80, 4, 8),
    ("DumpType", 0xF88, 0xF98, 4, 4),
    ("MiniDumpFields", 0xF8C, 0x1038, 4, 4),
    ("ProductType", 0xF94, 0x1040, 4, 4),
    ("RequiredDumpSpace", 0xFA0, 0xFA0, 8, 8),
    ("SystemUpTime", 0xFB8, 0x1030, 8, 8),
    ("SystemTime", 0xFC0, 0xFA8, 8, 8),
]
BYTES_OFFSETS = [
    ("PhysicalMemoryBlockBuffer", 0x64, 0x88),
    ("ContextRecord", 0x320, 0x348),
    ("Exception", 0x7D0, 0xF00),
    ("Comment", 0x820, 0xFB0),
]


def _marker(width: int) -> int:
    return int.from_bytes(bytes(range(0xA1, 0xA1 + width)), "little")


@pytest.mark.parametrize("bits", [32, 64])
def test_header_sizes(bits: int) -> None:
    struct = structs.DUMP_HEADER64 if bits == 64 else structs.DUMP_HEADER32
    assert struct.sizeof() == (0x2000 if bits == 64 else 0x1000)


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize(("field", "off32", "off64", "w32", "w64"), HEADER_OFFSETS)
def test_header_field_offsets(bits: int, field: str, off32: int, off64: int, w32: int, w64: int) -> None:
    struct = structs.DUMP_HEADER64 if bits == 64 else structs.DUMP_HEADER32
    offset, width = (off64, w64) if bits == 64 else (off32, w32)
    header = filler_header(bits)
    header[field] = _marker(width)
    data = struct.build(header)
    assert data[offset:offset + width] == bytes(range(0xA1, 0xA1 + width))


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize(("field", "off32", "off64"), BYTES_OFFSETS)
def test_header_area_offsets(bits: int, field: str, off32: int, off64: int) -> None:
    struct = structs.DUMP_HEADER64 if bits == 64 else structs.DUMP_HEADER32
    offset = off64 if bits == 64 else off32
    header = filler_header(bits)
    size = len(header[field])
    header[field] = b"\x5A" * size
    data = struct.build(header)
    assert data[offset:offset + size] == b"\x5A" * size
    assert data[offset - 1] != 0x5A and data[offset + size] != 0x5A


@pytest.mark.parametrize(("bits", "first", "step"), [(32, 0x2C, 4), (64, 0x40, 8)])
def test_bugcheck_parameter_offsets(bits: int, first: int, step: int) -> None:
    struct = structs.DUMP_HEADER64 if bits == 64 else structs.DUMP_HEADER32
    header = filler_header(bits)
    header.BugCheckParameter = [1, 2, 3, 4]
    data = struct.build(header)
    for index in range(4):
        assert int.from_bytes(data[first + index * step:first + (index + 1) * step], "little") == index + 1


TRIAGE_FIELDS = ["ServicePackBuild", "SizeOfDump", "ValidOffset", "ContextOffset", "ExceptionOffset",
                 "MmOffset", "UnloadedDriversOffset", "PrcbOffset", "ProcessOffset", "ThreadOffset",
                 "CallStackOffset", "SizeOfCallStack", "DriverListOffset", "DriverCount",
                 "StringPoolOffset", "StringPoolSize", "BrokenDriverOffset", "TriageOptions"]


def test_triage_dump_field_offsets() -> None:
    values = {name: 0x1000 + index for index, name in enumerate(TRIAGE_FIELDS)}
    data = structs.TRIAGE_DUMP.build(values)
    for index, name in enumerate(TRIAGE_FIELDS):
        assert int.from_bytes(data[4 * index:4 * index + 4], "little") == values[name], name


@pytest.mark.parametrize(("struct", "stride", "offsets"), [
    (structs.DUMP_DRIVER_ENTRY64, 0x90, {"DllBase": (0x38, 8), "SizeOfImage": (0x48, 4),
                                          "TimeDateStamp": (0x88, 4), "DriverNameOffset": (0, 4)}),
    (structs.DUMP_DRIVER_ENTRY32, 0x4C, {"DllBase": (0x1C, 4), "SizeOfImage": (0x24, 4),
                                          "TimeDateStamp": (0x48, 4), "DriverNameOffset": (0, 4)}),
])
def test_driver_entry_offsets(struct, stride: int, offsets: dict[str, tuple[int, int]]) -> None:
    assert struct.sizeof() == stride
    entry = struct.parse(bytes(stride))
    for field, (offset, width) in offsets.items():
        probe = Container(entry)
        probe[field] = _marker(width)
        data = struct.build(probe)
        assert data[offset:offset + width] == bytes(range(0xA1, 0xA1 + width)), field


@pytest.mark.parametrize(("struct", "size", "start"), [
    (structs.DUMP_UNLOADED_DRIVERS64, 0x38, 0x28), (structs.DUMP_UNLOADED_DRIVERS32, 0x28, 0x20)])
def test_unloaded_entry_layout(struct, size: int, start: int) -> None:
    assert struct.sizeof() == size
    entry = Container(struct.parse(bytes(size)))
    entry.StartAddress = 0x77
    assert struct.build(entry)[start] == 0x77


@settings(max_examples=60, deadline=None)
@given(bits=st.sampled_from([32, 64]), pattern=st.binary(min_size=1, max_size=64),
       code=st.integers(0, 2**32 - 1), build=st.integers(0, 2**32 - 1))
def test_header_round_trip(bits: int, pattern: bytes, code: int, build: int) -> None:
    struct = structs.DUMP_HEADER64 if bits == 64 else structs.DUMP_HEADER32
    size = struct.sizeof()
    raw = bytearray((pattern * (size // len(pattern) + 1))[:size])
    offset = 0x38 if bits == 64 else 0x28
    raw[offset:offset + 4] = code.to_bytes(4, "little")
    raw[0x0C:0x10] = build.to_bytes(4, "little")
    raw = bytes(raw)
    parsed = struct.parse(raw)
    assert struct.build(parsed) == raw
    assert struct.parse(struct.build(parsed)) == parsed


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.integers(0, 2**32 - 1), min_size=18, max_size=18))
def test_triage_round_trip(values: list[int]) -> None:
    built = structs.TRIAGE_DUMP.build(dict(zip(TRIAGE_FIELDS, values, strict=True)))
    assert structs.TRIAGE_DUMP.parse(built) == Container(zip(TRIAGE_FIELDS, values, strict=True))
