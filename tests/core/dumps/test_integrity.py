"""Complete, truncated, header-only and invalid dumps, each explained in a sentence."""

from __future__ import annotations

import pytest

from core.dumps.model import IntegrityStatus
from tests.builders.dumps import Blob, build_kernel_dump, typical_drivers
from tests.core.dumps.conftest import read_bytes


def _status(data: bytes) -> tuple[IntegrityStatus, str]:
    info = read_bytes(data)
    assert info.integrity is not None
    return info.integrity.status, info.integrity.message


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize("dump_type", [1, 2, 4, 5, 6, 7])
def test_complete(bits: int, dump_type: int) -> None:
    data = build_kernel_dump(bits, 0xD1, dump_type=dump_type, drivers=typical_drivers(bits))
    status, message = _status(data)
    assert status is IntegrityStatus.COMPLETE
    assert "complete" in message


@pytest.mark.parametrize("bits", [32, 64])
def test_shorter_than_required_dump_space_is_truncated_but_keeps_the_header(bits: int) -> None:
    data = build_kernel_dump(bits, 0x50, (1, 0, 2, 0), dump_type=1, body_size=0x10000)
    info = read_bytes(data[:len(data) // 2])
    assert info.integrity is not None and info.integrity.status is IntegrityStatus.TRUNCATED
    assert f"{len(data):,}" in info.integrity.message
    assert info.bugcheck is not None and info.bugcheck.code == 0x50


@pytest.mark.parametrize("bits", [32, 64])
def test_triage_shorter_than_size_of_dump_is_truncated(bits: int) -> None:
    data = build_kernel_dump(bits, 0x7E, dump_type=4, drivers=typical_drivers(bits))
    info = read_bytes(data[:-40])
    assert info.integrity is not None and info.integrity.status is IntegrityStatus.TRUNCATED
    assert info.bugcheck is not None and info.bugcheck.code == 0x7E


def test_triage_cut_right_after_the_header_is_truncated() -> None:
    data = build_kernel_dump(64, 0x7E, dump_type=4, drivers=typical_drivers(64))
    status, message = _status(data[:0x2000])
    assert status is IntegrityStatus.TRUNCATED
    assert "before the small memory dump" in message


def test_triage_with_larger_reserved_space_is_complete_and_noted() -> None:
    data = build_kernel_dump(64, 0x7E, dump_type=4, drivers=typical_drivers(64),
                             required_dump_space=10_000_000)
    info = read_bytes(data)
    assert info.integrity is not None and info.integrity.status is IntegrityStatus.COMPLETE
    assert any("SizeOfDump was checked instead" in note for note in info.notes)


@pytest.mark.parametrize("bits", [32, 64])
def test_header_only_dump_type(bits: int) -> None:
    status, message = _status(build_kernel_dump(bits, 0xD1, dump_type=3, body_size=0))
    assert status is IntegrityStatus.HEADER_ONLY
    assert "only its header" in message


def test_kernel_dump_that_ends_after_its_header_is_header_only() -> None:
    data = build_kernel_dump(64, 0xD1, dump_type=1, body_size=0x1000, required_dump_space=0)
    status, _message = _status(data[:0x2000])
    assert status is IntegrityStatus.HEADER_ONLY


@pytest.mark.parametrize("bits", [32, 64])
def test_bad_triage_marker_is_invalid(bits: int) -> None:
    data = build_kernel_dump(bits, 0xD1, dump_type=4, drivers=typical_drivers(bits), valid_marker=b"XXXX")
    info = read_bytes(data)
    assert info.integrity is not None and info.integrity.status is IntegrityStatus.INVALID
    assert "TRGD" in info.integrity.message
    assert info.drivers == []  # not trusted
    assert info.bugcheck is not None and info.bugcheck.code == 0xD1


@pytest.mark.parametrize("dump_type", [2, 5, 6])
def test_missing_bitmap_sub_header_is_invalid(dump_type: int) -> None:
    data = bytearray(build_kernel_dump(64, 0x133, dump_type=dump_type))
    data[0x2000:0x2004] = b"\0\0\0\0"
    status, message = _status(bytes(data))
    assert status is IntegrityStatus.INVALID
    assert "missing or damaged" in message


def test_secondary_data_complete() -> None:
    data = build_kernel_dump(64, 0x7E, dump_type=4, drivers=typical_drivers(64),
                             blobs=[Blob(0x1000), Blob(0x44, post_pad=4)])
    assert _status(data)[0] is IntegrityStatus.COMPLETE


def test_secondary_data_cut_is_truncated() -> None:
    data = build_kernel_dump(64, 0x7E, dump_type=4, drivers=typical_drivers(64),
                             blobs=[Blob(0x1000), Blob(0x2000)])
    info = read_bytes(data[:-0x100])
    assert info.integrity is not None and info.integrity.status is IntegrityStatus.TRUNCATED
    assert "extra driver data" in info.integrity.message
    assert len(info.drivers) == len(typical_drivers(64))  # the crash data itself is intact
