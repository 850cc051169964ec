"""Values read straight from the hive bytes (core.registry.hive_values) must read exactly as the
library path does, and hand anything unusual back to it."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest

import core.registry.hive as hive_module
from core.registry import open_hive
from core.registry.hive_values import MAX_CELL_DATA, read_values
from core.registry.keys import (
    REG_BINARY,
    REG_DWORD,
    REG_DWORD_BIG_ENDIAN,
    REG_EXPAND_SZ,
    REG_MULTI_SZ,
    REG_QWORD,
    REG_SZ,
    MemoryKey,
    RegKey,
    RegValue,
)
from tests.builders.regf import BASE, build_hive


def tree() -> MemoryKey:
    root = MemoryKey("ROOT")
    svc = root.ensure(r"ControlSet001\Services\stor")
    svc.set("", REG_SZ, "the default value")
    svc.set("Start", REG_DWORD, 0)
    svc.set("ImagePath", REG_EXPAND_SZ, r"system32\DRIVERS\stor.sys")
    svc.set("Short", REG_SZ, "a")  # 4 bytes with its NUL: stored in the vk itself
    svc.set("Empty", REG_SZ, "")
    svc.set("Depend", REG_MULTI_SZ, ["one", "twö"])
    svc.set("Blob", REG_BINARY, bytes(range(200)))
    svc.set("Tiny", REG_BINARY, b"\x01\x02")
    svc.set("Q", REG_QWORD, 2**40 + 7)
    svc.set("BE", REG_DWORD_BIG_ENDIAN, 0x01020304)
    svc.set("Nämé", REG_SZ, "unicode name")
    root.ensure("Empty key")
    return root


def walk(key: RegKey) -> list[tuple[str, list[RegValue]]]:
    out = [(key.path, list(key.values()))]
    for sub in key.subkeys():
        out += walk(sub)
    return out


def comparable(walked: list[tuple[str, list[RegValue]]]) -> list[tuple[str, list[RegValue]]]:
    """Without REG_DWORD_BIG_ENDIAN: python-registry reads an inline big-endian DWORD from the four
    bytes after the vk's offset field instead of from the field itself (the direct reader gets it
    right, asserted below). Windows itself never writes that type."""
    return [(path, [v for v in values if v.type != REG_DWORD_BIG_ENDIAN]) for path, values in walked]


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list]:
    fast = walk(open_hive(path, use_logs=False))
    with monkeypatch.context() as m:
        m.setattr(hive_module, "read_values", lambda buf, nk: None)
        slow = walk(open_hive(path, use_logs=False))
    return fast, slow


def test_every_value_reads_the_same_as_through_the_library(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "SYSTEM"
    path.write_bytes(bytes(build_hive(tree()).data))
    fast, slow = both_ways(path, monkeypatch)
    assert comparable(fast) == comparable(slow)
    values = dict(fast)[r"HKLM\SYSTEM\ControlSet001\Services\stor"]
    by_name = {v.name: v.data for v in values}
    assert by_name[""] == "the default value" and by_name["Short"] == "a" and by_name["Empty"] == ""
    assert by_name["Depend"] == ["one", "twö"] and by_name["Nämé"] == "unicode name"
    assert by_name["Q"] == 2**40 + 7 and by_name["BE"] == 0x01020304 and by_name["Tiny"] == b"\x01\x02"


def _stor_nk(data: bytes, image_offsets: dict[str, int]) -> int:
    return BASE + image_offsets[r"ControlSet001\Services\stor"] + 4


def test_anything_unusual_goes_back_to_the_library() -> None:
    image = build_hive(tree())
    nk = _stor_nk(bytes(image.data), image.key_offsets)
    assert read_values(bytes(image.data), nk) is not None
    vk = BASE + image.value_offsets[(r"ControlSet001\Services\stor", "Blob")] + 4
    cases = {}
    big = bytearray(image.data)
    struct.pack_into("<I", big, vk + 4, MAX_CELL_DATA + 1)  # big data lives in 'db' segments
    cases["big data"] = big
    devprop = bytearray(image.data)
    struct.pack_into("<I", devprop, vk + 0x0C, 0xFFFF0011)  # a device-property type
    cases["device property type"] = devprop
    outside = bytearray(image.data)
    struct.pack_into("<I", outside, vk + 8, len(outside))  # data past the end of the file
    cases["data outside the file"] = outside
    no_sig = bytearray(image.data)
    no_sig[vk:vk + 2] = b"xx"
    cases["no vk signature"] = no_sig
    bad_name = bytearray(image.data)
    name_at = vk + 0x14
    bad_name[name_at:name_at + 1] = b"\x81"  # undefined in windows-1252
    cases["undecodable name"] = bad_name
    many = bytearray(image.data)
    struct.pack_into("<I", many, nk + 0x24, 0x20000)
    cases["absurd value count"] = many
    for what, data in cases.items():
        assert read_values(bytes(data), nk) is None, what


def test_a_cut_hive_reads_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytes(build_hive(tree()).data)
    for cut in range(BASE + 0x100, len(data), 0x180):
        path = tmp_path / f"SYSTEM_{cut}"
        path.write_bytes(data[:cut])
        try:
            fast, slow = both_ways(path, monkeypatch)
        except Exception as exc:  # the same error either way: the library path reports damage
            with pytest.raises(type(exc)):
                both_ways(path, monkeypatch)
            continue
        assert comparable(fast) == comparable(slow), cut


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["hives/SYSTEM_win7sp1", "hives/SYSTEM_win10-1709"])
def test_real_hives_read_the_same_both_ways(name: str, realdata: Callable[[str], Path],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both_ways(realdata(name), monkeypatch)
    assert fast == slow
    assert sum(len(values) for _, values in fast) > 70_000
