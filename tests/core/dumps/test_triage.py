"""Small memory dumps: driver lists, the dump stack and the driver at the faulting address."""

from __future__ import annotations

import pytest

from core.dumps.model import UnloadedDriver
from tests.builders.dumps import build_kernel_dump, driver, typical_drivers
from tests.core.dumps.conftest import read_bytes

BASE = {64: 0xFFFFF80000000000, 32: 0x80000000}


@pytest.mark.parametrize("bits", [32, 64])
def test_driver_list_is_read(bits: int) -> None:
    drivers = typical_drivers(bits, "phdskmnt.sys")
    info = read_bytes(build_kernel_dump(bits, 0xD1, dump_type=4, drivers=drivers))
    assert [(d.name, d.base, d.size, d.timestamp) for d in info.drivers] == \
        [(d.name, d.base, d.size, d.timestamp) for d in drivers]
    assert info.drivers[3].path == r"\SystemRoot\System32\drivers\phdskmnt.sys"
    assert info.dump_stack == ["dump_diskdump.sys", "dump_phdskmnt.sys"]


@pytest.mark.parametrize("bits", [32, 64])
def test_unloaded_drivers_newest_first_and_cut_to_twelve_characters(bits: int) -> None:
    unloaded = [UnloadedDriver("dam.sys", BASE[bits] + 0x1000, BASE[bits] + 0x2000),
                UnloadedDriver("averylongdrivername.sys", BASE[bits] + 0x3000, BASE[bits] + 0x4000)]
    info = read_bytes(build_kernel_dump(bits, 0x7E, dump_type=4, unloaded=unloaded,
                                        drivers=typical_drivers(bits)))
    assert info.unloaded_drivers == [unloaded[0], UnloadedDriver("averylongdri", unloaded[1].start,
                                                                 unloaded[1].end)]


# (bug check, which parameter holds the code address)
FAULTING_PARAMETER = [(0xD1, 4), (0x0A, 4), (0x7E, 2), (0x1000007E, 2), (0x1E, 2), (0x8E, 2),
                      (0x3B, 2), (0x50, 3), (0xD5, 3)]


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize(("code", "which"), FAULTING_PARAMETER)
def test_faulting_driver_is_named_from_the_code_address(bits: int, code: int, which: int) -> None:
    drivers = typical_drivers(bits, "xenvbd.sys")
    target = drivers[3]
    params = [0x11, 0x22, 0x33, 0x44]
    params[which - 1] = target.base + 0x1234
    info = read_bytes(build_kernel_dump(bits, code, params, dump_type=4, drivers=drivers))
    assert info.faulting_driver == "xenvbd.sys"


def test_address_outside_every_driver_gives_no_name_and_says_so() -> None:
    info = read_bytes(build_kernel_dump(64, 0xD1, (0, 2, 0, 0x1234), dump_type=4,
                                        drivers=typical_drivers(64)))
    assert info.faulting_driver is None
    assert any("outside every loaded driver" in note for note in info.notes)


def test_bug_check_without_code_address_names_no_driver() -> None:
    drivers = typical_drivers(64)
    info = read_bytes(build_kernel_dump(64, 0x9F, (3, drivers[2].base + 1, 0, 0), dump_type=4,
                                        drivers=drivers))
    assert info.faulting_driver is None


def test_larger_stride_is_derived_and_noted() -> None:
    drivers = typical_drivers(64)
    info = read_bytes(build_kernel_dump(64, 0xD1, (0, 2, 0, drivers[5].base), dump_type=4,
                                        drivers=drivers, stride=0x98))
    assert [d.name for d in info.drivers] == [d.name for d in drivers]
    assert info.faulting_driver == "dump_diskdump.sys"
    assert any("0x98" in note for note in info.notes)


def test_unexplained_gap_falls_back_to_the_known_stride() -> None:
    drivers = typical_drivers(32)
    info = read_bytes(build_kernel_dump(32, 0x7E, dump_type=4, drivers=drivers, pool_gap=0x1000 + 4))
    assert [d.name for d in info.drivers] == [d.name for d in drivers]
    assert any("usual 0x4c" in note for note in info.notes)


def test_entry_with_unreadable_name_is_skipped_and_counted() -> None:
    drivers = [driver("a.sys", 0x1000, 0x100), driver("b.sys", 0x2000, 0x100)]
    data = bytearray(build_kernel_dump(64, 0x7E, dump_type=4, drivers=drivers))
    list_offset = int.from_bytes(data[0x2030:0x2034], "little")
    data[list_offset:list_offset + 4] = (0xFFFFFF00).to_bytes(4, "little")  # name offset past EOF
    info = read_bytes(bytes(data))
    assert [d.name for d in info.drivers] == ["b.sys"]
    assert any("1 of 2 driver entries had no readable name" in note for note in info.notes)


def test_implausible_driver_count_is_capped() -> None:
    data = bytearray(build_kernel_dump(64, 0x7E, dump_type=4, drivers=typical_drivers(64)))
    data[0x2034:0x2038] = (0xFFFFFFFF).to_bytes(4, "little")
    info = read_bytes(bytes(data))
    assert any("implausible" in note for note in info.notes)
    assert [d.name for d in info.drivers][:3] == ["ntoskrnl.exe", "hal.dll", "storport.sys"]
