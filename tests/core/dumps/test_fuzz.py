"""Fuzzing dump files with garbage and truncations: only the project's own errors may escape, naming
the file (tests/fuzzing.py), and what is read is a dump with its integrity judged."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dumps.model import DumpKind
from tests.builders.dumps import Blob, build_kernel_dump, typical_drivers
from tests.core.dumps.conftest import read_bytes
from tests.fuzzing import only_project_errors

SAMPLES = [
    build_kernel_dump(32, 0xD1, (1, 2, 3, 0x80300010), dump_type=4, drivers=typical_drivers(32)),
    build_kernel_dump(64, 0xD1, (1, 2, 3, 0xFFFFF80000300010), dump_type=4, drivers=typical_drivers(64),
                      blobs=[Blob(0x40)]),
    build_kernel_dump(64, 0x133, dump_type=6, body_size=0x200),
    build_kernel_dump(32, 0x7E, dump_type=1, body_size=0x200),
]


pytestmark = pytest.mark.fuzz


def _read(data: bytes) -> None:
    info = only_project_errors(lambda: read_bytes(data), names="MEMORY.DMP")
    if info is None:
        return
    assert info.kind in (DumpKind.KERNEL, DumpKind.USER)
    if info.kind is DumpKind.KERNEL:
        assert info.integrity is not None


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES), cut=st.integers(0, 2**20))
def test_truncations(sample: bytes, cut: int) -> None:
    _read(sample[:cut % (len(sample) + 1)])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES),
       edits=st.lists(st.tuples(st.integers(0, 2**20), st.binary(min_size=1, max_size=8)), max_size=12))
def test_corruptions(sample: bytes, edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(sample)
    for where, value in edits:
        where %= len(data)
        data[where:where + len(value)] = value
    _read(bytes(data[:len(sample)]))


@settings(max_examples=100, deadline=None)
@given(prefix=st.sampled_from([b"PAGEDUMP", b"PAGEDU64", b"MDMP", b""]), rest=st.binary(max_size=0x2100))
def test_garbage(prefix: bytes, rest: bytes) -> None:
    _read(prefix + rest)


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.integers(0, 2**32 - 1), min_size=18, max_size=18))
def test_garbage_triage_block(values: list[int]) -> None:
    data = bytearray(SAMPLES[1])
    for index, value in enumerate(values):
        data[0x2000 + 4 * index:0x2004 + 4 * index] = value.to_bytes(4, "little")
    _read(bytes(data))
