"""A 64 GiB dump is read like a small one: only the header pages and triage regions, by seek."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

import pytest

from core.dumps import read_dump_stream
from core.dumps.model import IntegrityStatus
from tests.builders.dumps import build_kernel_dump, typical_drivers

SIXTY_FOUR_GIB = 64 * 2**30


class CountingReader(io.RawIOBase):
    """Wraps a binary file and counts what is read through it."""

    def __init__(self, inner: BinaryIO) -> None:
        self.inner = inner
        self.bytes_read = 0
        self.reads = 0
        self.largest = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.inner.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "the reader must never read to the end of the file"
        data = self.inner.read(size)
        self.reads += 1
        self.bytes_read += len(data)
        self.largest = max(self.largest, len(data))
        return data


def _sparse(path: Path, header: bytes, size: int) -> Path:
    with path.open("wb") as fh:
        fh.write(header)
        fh.truncate(size)
    return path


@pytest.mark.parametrize("dump_type", [1, 6])
def test_huge_kernel_dump_reads_only_its_header(tmp_path: Path, dump_type: int) -> None:
    header = build_kernel_dump(64, 0xD1, (0, 2, 0, 0xFFFFF80000001234), dump_type=dump_type,
                               body_size=0x100, required_dump_space=SIXTY_FOUR_GIB)
    path = _sparse(tmp_path / "MEMORY.DMP", header, SIXTY_FOUR_GIB)
    with path.open("rb") as fh:
        counter = CountingReader(fh)
        info = read_dump_stream(counter, str(path), SIXTY_FOUR_GIB)  # type: ignore[arg-type]
    assert info.integrity is not None and info.integrity.status is IntegrityStatus.COMPLETE
    assert info.bugcheck is not None and info.bugcheck.code == 0xD1
    assert counter.bytes_read <= 0x2000 + 64
    assert counter.reads <= 5


def test_huge_triage_dump_reads_only_its_regions(tmp_path: Path) -> None:
    data = build_kernel_dump(64, 0x7E, dump_type=4, drivers=typical_drivers(64))
    path = _sparse(tmp_path / "big.dmp", data, SIXTY_FOUR_GIB)
    with path.open("rb") as fh:
        counter = CountingReader(fh)
        info = read_dump_stream(counter, str(path), SIXTY_FOUR_GIB)  # type: ignore[arg-type]
    assert len(info.drivers) == len(typical_drivers(64))
    assert counter.bytes_read <= len(data) + 64
    assert counter.largest <= 0x2000


def test_hostile_sizes_never_cause_a_large_read(tmp_path: Path) -> None:
    data = bytearray(build_kernel_dump(64, 0x7E, dump_type=4, drivers=typical_drivers(64)))
    data[0x2038:0x2040] = (0x10).to_bytes(4, "little") + (0xFFFFFFF0).to_bytes(4, "little")  # pool
    path = _sparse(tmp_path / "hostile.dmp", bytes(data), SIXTY_FOUR_GIB)
    with path.open("rb") as fh:
        counter = CountingReader(fh)
        info = read_dump_stream(counter, str(path), SIXTY_FOUR_GIB)  # type: ignore[arg-type]
    assert [d.name for d in info.drivers] == [d.name for d in typical_drivers(64)]
    assert counter.bytes_read <= 0x10000
