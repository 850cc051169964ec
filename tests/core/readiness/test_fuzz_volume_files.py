"""Hostile system/*.csv and DumpStack.log in a bundle: whatever the bytes, reading them never raises,
and every fact it returns is well formed (a drive letter, a non-negative number)."""

from __future__ import annotations

import random

import pytest

from core.bundle import layout
from core.bundle.volume_files import read_volume_files

SEEDS = range(200)
PIECES = [b"Node,DeviceID,FreeSpace,Size\r\n", b",C:,", b"123", b"\xff\xfe", b"\x00", b'"', b"\r\r\n",
          "²³".encode(), b"-5", b"9" * 40, b",,,,,,", b"D:", b"TotalPhysicalMemory",
          b"Name,AllocatedBaseSize"]


def _blob(rng: random.Random) -> bytes:
    return b"".join(rng.choice(PIECES) if rng.random() < 0.7 else bytes([rng.randrange(256)])
                    for _ in range(rng.randrange(0, 60)))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_fact_files_never_raise_and_stay_well_formed(seed: int) -> None:
    rng = random.Random(seed)
    files = {name: _blob(rng) for name in layout.SYSTEM_FACT_FILES if rng.random() < 0.8}
    vf = read_volume_files(files.get, lambda member: member)
    if vf is None:
        assert not any(files.values())
        return
    for v in vf.volumes:
        assert len(v.drive) == 2 and v.drive[1] == ":" and v.free_bytes >= 0
    assert vf.ram_bytes is None or vf.ram_bytes > 0
    assert all(mb >= 0 for mb in vf.page_file_sizes_mb.values())
    # No control characters reach a report (terminal escapes in a hostile log).
    assert all(c.isprintable() or c in "\r\n\t" for log in vf.dump_stack_logs for c in log.text)
