"""Complete and kernel memory dumps name their loaded drivers, dump stack and faulting driver by
walking PsLoadedModuleList through the page tables stored in the dump."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from construct import Container
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dumps import read_dump_stream, structs
from core.dumps.model import DumpInfo, LoadedDriver
from core.dumps.paging import AddressSpace, PagingMode
from core.dumps.structs import (
    BITMAP_DUMP_HEADER,
    KLDR_DATA_TABLE_ENTRY32,
    KLDR_DATA_TABLE_ENTRY64,
    LIST_ENTRY32,
    LIST_ENTRY64,
    PHYSICAL_MEMORY_RUN32,
    PHYSICAL_MEMORY_RUN64,
    UNICODE_STRING32,
    UNICODE_STRING64,
)
from tests.builders.dumps import MemoryDump, build_memory_dump, driver, typical_drivers
from tests.core.dumps.conftest import read_bytes
from tests.core.dumps.test_sparse import CountingReader

MINIPORT = "vhdmp.sys"


def _drivers(bits: int) -> list[LoadedDriver]:
    return typical_drivers(bits, miniport=MINIPORT)


def _fault_in(bits: int, name: str) -> int:
    """An address 0x1234 bytes into driver `name` (parameter 4 of a 0xD1)."""
    return next(d.base for d in _drivers(bits) if d.name == name) + 0x1234


def _read(dump: MemoryDump) -> DumpInfo:
    return read_bytes(dump.to_bytes())


CASES = [
    pytest.param(64, 1, True, id="x64-full-runs"),
    pytest.param(64, 5, True, id="x64-bitmap-full"),
    pytest.param(64, 2, True, id="x64-kernel-summary"),
    pytest.param(64, 6, True, id="x64-bitmap-kernel"),
    pytest.param(32, 1, True, id="x86-pae-full"),
    pytest.param(32, 1, False, id="x86-full"),
]


@pytest.mark.parametrize(("bits", "dump_type", "pae"), CASES)
@pytest.mark.parametrize("large_pages", [False, True], ids=["4k", "large"])
def test_memory_dump_names_drivers_stack_and_faulting_driver(bits: int, dump_type: int, pae: bool,
                                                             large_pages: bool) -> None:
    written = _drivers(bits)
    dump = build_memory_dump(bits, 0xD1, (0, 2, 0, _fault_in(bits, MINIPORT)), written,
                             dump_type=dump_type, pae=pae, large_pages=large_pages)
    info = _read(dump)
    assert [(d.name, d.base, d.size, d.path) for d in info.drivers] == \
        [(d.name, d.base, d.size, d.path) for d in written]
    assert info.dump_stack == ["dump_diskdump.sys", f"dump_{MINIPORT}"]
    assert info.faulting_driver == MINIPORT
    assert info.notes == []


@pytest.mark.parametrize("dump_type", [2, 5])
def test_32_bit_bitmap_dumps_say_their_list_is_not_read(dump_type: int) -> None:
    dump = build_memory_dump(32, 0xD1, (0, 2, 0, _fault_in(32, MINIPORT)), _drivers(32),
                             dump_type=dump_type)
    info = _read(dump)
    assert info.drivers == [] and info.faulting_driver is None
    assert any("32-bit kernel and bitmap dumps is not supported" in note for note in info.notes)


def test_fault_outside_every_module_is_said(tmp_path: Path) -> None:
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, 0xFFFFF8FF_00000000), _drivers(64))
    info = _read(dump)
    assert info.faulting_driver is None
    assert len(info.drivers) == len(_drivers(64))
    assert any("outside every loaded driver" in note for note in info.notes)


def test_cycle_in_the_list_stops_with_a_note() -> None:
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, _fault_in(64, "hal.dll")), _drivers(64), cycle_to=2)
    info = _read(dump)
    assert [d.name for d in info.drivers] == [d.name for d in _drivers(64)]
    assert any("incomplete" in note and "loops back" in note for note in info.notes)
    assert info.faulting_driver == "hal.dll"


@pytest.mark.parametrize("dump_type", [1, 5])
def test_flink_into_a_page_missing_from_the_dump(dump_type: int) -> None:
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, _fault_in(64, "hal.dll")), _drivers(64),
                             dump_type=dump_type, absent_entry=3)
    info = _read(dump)
    assert [d.name for d in info.drivers] == [d.name for d in _drivers(64)[:3]]
    assert any("missing from the dump" in note and "incomplete" in note for note in info.notes)
    assert info.dump_stack == []  # the dump_ drivers come after the break
    assert info.faulting_driver == "hal.dll"


def test_first_entry_missing_makes_the_list_unavailable() -> None:
    dump = build_memory_dump(32, 0xD1, (0, 2, 0, 0x80001234), _drivers(32), absent_entry=0)
    info = _read(dump)
    assert info.drivers == []
    assert any(note.startswith("the loaded-driver list of this dump could not be read")
               and "missing from the dump" in note for note in info.notes)
    assert info.bugcheck is not None and info.bugcheck.code == 0xD1  # the header's facts stay


@pytest.mark.parametrize("length", [0xFFFE, 0xFFFF, 0])
def test_implausible_name_length_skips_that_entry(length: int) -> None:
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, 0), _drivers(64), name_length={4: length})
    info = _read(dump)
    expected = [d.name for i, d in enumerate(_drivers(64)) if i != 4]
    assert [d.name for d in info.drivers] == expected
    assert any("1 loaded-driver entries had no readable name" in note for note in info.notes)


def test_header_without_list_address_says_why_and_reads_nothing_more(tmp_path: Path) -> None:
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, 0), _drivers(64),
                             extra_fields={"PsLoadedModuleList": int.from_bytes(b"PAGEPAGE", "little")})
    data = dump.to_bytes()
    counter = CountingReader(io.BytesIO(data))
    info = read_dump_stream(counter, "MEMORY.DMP", len(data))  # type: ignore[arg-type]
    assert info.drivers == []
    assert any("does not record where the list" in note for note in info.notes)
    assert counter.bytes_read <= 0x2000 + 64


def test_damaged_bitmap_header_is_a_note_not_an_error() -> None:
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, 0), _drivers(64), dump_type=5)
    data = bytearray(dump.to_bytes())
    data[0x2000 + 0x30:0x2000 + 0x38] = (1 << 60).to_bytes(8, "little")  # Pages: absurd
    info = read_bytes(bytes(data))
    assert info.drivers == []
    assert any("more than any machine has" in note for note in info.notes)


def test_too_many_runs_is_a_note_not_an_error() -> None:
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, 0), _drivers(64))
    data = bytearray(dump.to_bytes())
    data[0x88:0x8C] = (1000).to_bytes(4, "little")
    info = read_bytes(bytes(data))
    assert info.drivers == []
    assert any("1000 physical memory runs" in note for note in info.notes)


def test_truncated_full_dump_loses_the_list_not_the_header() -> None:
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, 0), _drivers(64))
    data = dump.to_bytes()[:0x2000 + 0x3000]
    info = read_bytes(data)
    assert info.bugcheck is not None and info.bugcheck.code == 0xD1
    assert info.drivers == []
    assert any("missing from the dump" in note for note in info.notes)


def test_huge_sparse_dump_reads_only_the_pages_it_walks(tmp_path: Path) -> None:
    total_pages = 16 * 2**20  # 64 GiB
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, _fault_in(64, MINIPORT)), _drivers(64),
                             span_pages=total_pages)
    path = dump.write(tmp_path / "MEMORY.DMP")
    with path.open("rb") as fh:
        counter = CountingReader(fh)
        info = read_dump_stream(counter, str(path), dump.size)  # type: ignore[arg-type]
    assert info.faulting_driver == MINIPORT
    assert counter.largest <= 0x2000
    assert counter.bytes_read <= 0x2000 + 64 * 0x1000


def test_huge_bitmap_dump_reads_its_bitmap_and_the_walked_pages(tmp_path: Path) -> None:
    total_pages = 16 * 2**20
    dump = build_memory_dump(64, 0xD1, (0, 2, 0, _fault_in(64, MINIPORT)), _drivers(64),
                             dump_type=5, span_pages=total_pages)
    path = dump.write(tmp_path / "MEMORY.DMP")
    with path.open("rb") as fh:
        counter = CountingReader(fh)
        info = read_dump_stream(counter, str(path), dump.size)  # type: ignore[arg-type]
    assert info.dump_stack == ["dump_diskdump.sys", f"dump_{MINIPORT}"]
    assert counter.bytes_read <= 0x2000 + 0x38 + total_pages // 8 + 64 * 0x1000


# --- the page walker on its own -----------------------------------------------------------------


class DictMemory:
    def __init__(self) -> None:
        self.data: dict[int, int] = {}

    def put(self, address: int, value: int, size: int) -> None:
        for index, byte in enumerate(value.to_bytes(size, "little")):
            self.data[address + index] = byte

    def read(self, address: int, length: int) -> bytes | None:
        if any(address + i not in self.data for i in range(length)):
            return None
        return bytes(self.data[address + i] for i in range(length))


def test_x64_one_gib_page_and_unmapped_addresses() -> None:
    memory = DictMemory()
    va = 0xFFFF_8000_4000_0000 + 0x12_3456
    memory.put(0x1000 + ((va >> 39) & 0x1FF) * 8, 0x2000 | 0x3, 8)
    memory.put(0x2000 + ((va >> 30) & 0x1FF) * 8, 0x1_4000_0000 | 0x83, 8)
    space = AddressSpace(memory, 0x1000, PagingMode.X64)
    assert space.translate(va) == 0x1_4012_3456
    assert space.translate(va + 0x4000_0000) is None  # next PDPT entry: not present
    assert space.translate(0x1000) is None  # PML4 entry 0: not present
    assert space.read(va, 0x10001) is None  # longer than any structure read


def test_x86_non_pae_present_bit_is_honoured() -> None:
    memory = DictMemory()
    memory.put(0x1000 + (0x8040_0000 >> 22) * 4, 0x5000 | 0x3, 4)
    memory.put(0x5000 + 1 * 4, 0x7000 | 0x2, 4)  # PTE not present (paged out)
    memory.put(0x5000 + 2 * 4, 0x8000 | 0x3, 4)
    space = AddressSpace(memory, 0x1000, PagingMode.X86)
    assert space.translate(0x8040_1010) is None
    assert space.translate(0x8040_2010) == 0x8010


# --- structure offsets and round trips ------------------------------------------------------------

OFFSETS = [
    (KLDR_DATA_TABLE_ENTRY64, {"InLoadOrderLinks": 0x0, "DllBase": 0x30, "SizeOfImage": 0x40,
                               "FullDllName": 0x48, "BaseDllName": 0x58}),
    (KLDR_DATA_TABLE_ENTRY32, {"InLoadOrderLinks": 0x0, "DllBase": 0x18, "SizeOfImage": 0x20,
                               "FullDllName": 0x24, "BaseDllName": 0x2C}),
    (BITMAP_DUMP_HEADER, {"Signature": 0x0, "ValidDump": 0x4, "FirstPage": 0x20,
                          "TotalPresentPages": 0x28, "Pages": 0x30}),
    (UNICODE_STRING64, {"Length": 0, "MaximumLength": 2, "Buffer": 8}),
    (UNICODE_STRING32, {"Length": 0, "MaximumLength": 2, "Buffer": 4}),
]


def _offset(struct: object, name: str) -> int:
    position = 0
    for sub in struct.subcons:  # type: ignore[attr-defined]
        if sub.name == name:
            return position
        position += sub.sizeof()
    raise KeyError(name)


@pytest.mark.parametrize(("struct", "offsets"), OFFSETS)
def test_pinned_offsets(struct: object, offsets: dict[str, int]) -> None:
    assert {name: _offset(struct, name) for name in offsets} == offsets


def test_sizes() -> None:
    assert (LIST_ENTRY32.sizeof(), LIST_ENTRY64.sizeof()) == (8, 16)
    assert (PHYSICAL_MEMORY_RUN32.sizeof(), PHYSICAL_MEMORY_RUN64.sizeof()) == (8, 16)
    assert (UNICODE_STRING32.sizeof(), UNICODE_STRING64.sizeof()) == (8, 16)
    assert (KLDR_DATA_TABLE_ENTRY32.sizeof(), KLDR_DATA_TABLE_ENTRY64.sizeof()) == (0x34, 0x68)
    # As many runs as fit between the descriptor (0x64 / 0x88) and ContextRecord (0x320 / 0x348).
    runs32, runs64 = structs.MAX_PHYSICAL_RUNS32, structs.MAX_PHYSICAL_RUNS64
    assert 0x64 + 8 + runs32 * 8 <= 0x320 < 0x64 + 8 + (runs32 + 1) * 8
    assert 0x88 + 0x10 + runs64 * 16 <= 0x348 < 0x88 + 0x10 + (runs64 + 1) * 16


NEW_STRUCTS = [BITMAP_DUMP_HEADER, KLDR_DATA_TABLE_ENTRY32, KLDR_DATA_TABLE_ENTRY64, LIST_ENTRY32,
               LIST_ENTRY64, PHYSICAL_MEMORY_RUN32, PHYSICAL_MEMORY_RUN64, UNICODE_STRING32,
               UNICODE_STRING64]


@pytest.mark.parametrize("struct", NEW_STRUCTS, ids=lambda s: str(s.sizeof()))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_parse_build_round_trip(struct: object, data: st.DataObject) -> None:
    size = struct.sizeof()  # type: ignore[attr-defined]
    raw = data.draw(st.binary(min_size=size, max_size=size))
    parsed = struct.parse(raw)  # type: ignore[attr-defined]
    assert isinstance(parsed, Container)
    assert struct.build(parsed) == raw  # type: ignore[attr-defined]
    assert struct.parse(struct.build(parsed)) == parsed  # type: ignore[attr-defined]


def test_driver_helper_paths_are_kept() -> None:
    written = [driver("a.sys", 0xFFFFF800_10000000, 0x1000, folder=r"\??\C:\odd place")]
    info = _read(build_memory_dump(64, 0x7E, (0, 0, 0, 0), written))
    assert info.drivers[0].path == r"\??\C:\odd place\a.sys"


FUZZ_SAMPLES = [
    build_memory_dump(64, 0xD1, (0, 2, 0, 0), _drivers(64)).to_bytes(),
    build_memory_dump(64, 0xD1, (0, 2, 0, 0), _drivers(64), dump_type=5).to_bytes(),
    build_memory_dump(32, 0xD1, (0, 2, 0, 0), _drivers(32), pae=False).to_bytes(),
]


@settings(max_examples=120, deadline=None)
@given(sample=st.sampled_from(FUZZ_SAMPLES),
       edits=st.lists(st.tuples(st.integers(0, 2**16), st.binary(min_size=1, max_size=8)),
                      min_size=1, max_size=12))
@pytest.mark.fuzz
def test_corrupt_memory_never_raises_a_foreign_error(sample: bytes, edits: list[tuple[int, bytes]]) -> None:
    """Page tables, list links and names overwritten anywhere past the header: the header's facts
    are still reported; at worst the driver list is shorter, with a note."""
    data = bytearray(sample)
    header_size = 0x2000 if sample[4:8] == b"DU64" else 0x1000
    for position, piece in edits:
        offset = header_size + position % (len(data) - header_size)
        data[offset:offset + len(piece)] = piece
    info = read_bytes(bytes(data[:len(sample)]))
    assert info.bugcheck is not None and info.bugcheck.code == 0xD1
    assert len(info.drivers) <= 4096
