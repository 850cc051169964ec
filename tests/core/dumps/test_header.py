"""What the header tells the user: build, machine, bug check, dump type, times, memory size."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.dumps.model import DumpKind
from core.dumps.structs import PAGE_FILLER
from tests.builders.dumps import build_header, build_kernel_dump
from tests.core.dumps.conftest import read_bytes

DUMP_TYPE_NAMES = {1: "full", 2: "kernel", 3: "header-only", 4: "small", 5: "bitmap-full",
                   6: "bitmap-kernel", 7: "automatic"}


@pytest.mark.parametrize("bits", [32, 64])
def test_header_facts(bits: int) -> None:
    crash = datetime(2010, 11, 5, 8, 1, 2, 345678, tzinfo=UTC)
    params = (0x8, 0x2, 0x1, 0x8F000000 + bits)
    info = read_bytes(build_kernel_dump(bits, 0xD1, params, dump_type=2, build=7600, processors=8,
                                        system_time=crash, uptime_seconds=90.5, comment="test rig",
                                        product_type=3, physical_pages=0x80000))
    assert info.kind is DumpKind.KERNEL
    assert info.bits == bits
    assert info.build == 7600
    assert info.checked_build is False
    assert info.machine == ("x64" if bits == 64 else "x86")
    assert info.processors == 8
    assert info.bugcheck is not None
    assert info.bugcheck.code == 0xD1
    assert info.bugcheck.name == "DRIVER_IRQL_NOT_LESS_OR_EQUAL"
    assert info.bugcheck.parameters == params
    assert "faulting driver" in info.bugcheck.parameter_meanings[3]
    assert info.dump_type == "kernel"
    assert info.system_time == crash
    assert info.system_uptime_seconds == pytest.approx(90.5)
    assert info.comment == "test rig"
    assert info.product_type == 3
    assert info.physical_memory_pages == 0x80000
    assert info.physical_memory_runs == 3
    assert info.physical_memory_bytes == 0x80000 * 4096


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize("code", sorted(DUMP_TYPE_NAMES))
def test_every_dump_type_is_named(bits: int, code: int) -> None:
    info = read_bytes(build_kernel_dump(bits, 0x50, dump_type=code))
    assert info.dump_type == DUMP_TYPE_NAMES[code]
    assert info.dump_type_code == code


def test_unknown_dump_type_is_shown_as_unknown() -> None:
    info = read_bytes(build_kernel_dump(64, 0x50, dump_type=42))
    assert info.dump_type == "unknown (42)"


@pytest.mark.parametrize(("machine", "bits"), [("x86", 32), ("x64", 64), ("ARM64", 64)])
def test_machine(machine: str, bits: int) -> None:
    assert read_bytes(build_kernel_dump(bits, 0x1, machine=machine)).machine == machine


def test_checked_build() -> None:
    assert read_bytes(build_kernel_dump(32, 0x1, checked=True)).checked_build is True


@pytest.mark.parametrize("bits", [32, 64])
def test_filler_fields_are_not_recorded(bits: int) -> None:
    data = build_header(bits, BugCheckCode=0x9F, BugCheckParameter=[3, 0, 0, 0])
    info = read_bytes(data + b"\0" * 16)
    assert info.bugcheck is not None and info.bugcheck.code == 0x9F
    for name in ("build", "processors", "machine", "system_time", "system_uptime_seconds", "comment",
                 "required_dump_space", "product_type", "physical_memory_bytes", "dump_type",
                 "checked_build"):
        assert getattr(info, name) is None, name


def test_small_dumps_record_no_memory_size() -> None:
    info = read_bytes(build_kernel_dump(64, 0x7E, dump_type=4))
    assert info.physical_memory_bytes is None


def test_undocumented_code_is_shown_as_hex() -> None:
    info = read_bytes(build_kernel_dump(64, 0x0BADC0DE, dump_type=1))
    assert info.bugcheck is not None
    assert info.bugcheck.name == "0x0BADC0DE"
    assert info.bugcheck.meaning == "not a documented code"


@pytest.mark.parametrize("bits", [32, 64])
def test_header_cut_inside_still_gives_the_bug_check(bits: int) -> None:
    data = build_kernel_dump(bits, 0xD1, (1, 2, 0, 3), dump_type=1)[:0x200]
    info = read_bytes(data)
    assert info.bugcheck is not None and info.bugcheck.parameters == (1, 2, 0, 3)
    assert info.build == 7601
    assert info.dump_type is None  # lies beyond the cut
    assert info.integrity is not None and info.integrity.status.value == "truncated"


def test_filler_constant_is_the_page_pattern() -> None:
    assert PAGE_FILLER == b"PAGE"
