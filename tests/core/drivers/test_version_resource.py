"""The version resource read directly (core.drivers.version_resource) gives the same facts as pefile's
resource parser, and hands every layout it does not expect back to it."""

from __future__ import annotations

import glob
import os
import struct
from pathlib import Path

import pefile
import pytest

import core.drivers.pe_inspect as pe_inspect
from core.drivers.model import PeInfo
from core.drivers.version_resource import read_version_resource
from tests.builders.pe import build_driver_bytes

RESOURCE = pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]
# PE files nobody here wrote: Wine's Windows-side DLLs and drivers (present where Wine is installed).
# Looked for on POSIX only: under Wine itself the same glob finds Linux paths it cannot open.
WINE_PE = [] if os.name == "nt" else sorted(
    p for p in glob.glob("/usr/lib/*/wine/*-windows/*")
    if p.endswith((".dll", ".sys", ".exe", ".drv")) and Path(p).is_file())


def facts(info: PeInfo) -> tuple[object, ...]:
    return (info.file_version, info.product_version, info.company, info.description,
            info.original_filename, tuple(info.notes))


def both_ways(path: Path | str, monkeypatch: pytest.MonkeyPatch) -> tuple[PeInfo, PeInfo]:
    direct = pe_inspect.inspect_pe(path)
    with monkeypatch.context() as m:
        m.setattr(pe_inspect, "read_version_resource", lambda *args: None)
        through_pefile = pe_inspect.inspect_pe(path)
    return direct, through_pefile


def direct_blocks(data: bytes) -> object:
    pe = pefile.PE(data=data, fast_load=True)
    entry = pe.OPTIONAL_HEADER.DATA_DIRECTORY[RESOURCE]
    return read_version_resource(pe, data, entry.VirtualAddress, entry.Size)


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize("strings", [
    {"company": "Contoso Storage", "description": "Virtual SCSI miniport", "original_filename": "v.sys"},
    {"company": "Ünïcødé GmbH", "description": None, "original_filename": None},
    {"company": None, "description": None, "original_filename": None},
])
def test_generated_drivers_read_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   bits: int, strings: dict[str, str | None]) -> None:
    path = tmp_path / "v.sys"
    path.write_bytes(build_driver_bytes(bits=bits, version="6.1.7600.20882", product_version="6.1.7600.1",
                                        **strings))  # type: ignore[arg-type]
    assert direct_blocks(path.read_bytes()) is not None  # the direct reader handled it
    direct, through_pefile = both_ways(path, monkeypatch)
    assert facts(direct) == facts(through_pefile)
    assert direct.file_version == "6.1.7600.20882" and direct.product_version == "6.1.7600.1"
    assert direct.company == strings["company"]


def test_a_driver_without_version_resource_says_so_both_ways(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plain.sys"
    path.write_bytes(build_driver_bytes())
    assert direct_blocks(path.read_bytes()) == []
    direct, through_pefile = both_ways(path, monkeypatch)
    assert facts(direct) == facts(through_pefile)
    assert direct.file_version is None and "no version resource" in direct.notes


def _damaged(change: str) -> bytes:
    data = bytearray(build_driver_bytes(version="1.2.3.4", company="Contoso"))
    at = data.find("VS_VERSION_INFO".encode("utf-16-le")) - 6  # the block's header
    if change == "signature":
        fixed = data.find(struct.pack("<I", 0xFEEF04BD))
        data[fixed:fixed + 4] = b"\0\0\0\0"
    elif change == "key":
        data[at + 6:at + 8] = b"X\0"
    elif change == "fixed size":
        struct.pack_into("<H", data, at + 2, 40)
    elif change == "string runs off the block":
        struct.pack_into("<H", data, at, 0xFFF0)  # root length far past the data
        name = data.find("CompanyName".encode("utf-16-le"))
        data[name - 6:name - 4] = struct.pack("<H", 0xFFF0)  # the String's own length, too
        data[name:name + 2 * len("CompanyName") + 2] = b"C\0" * (len("CompanyName") + 1)  # no NUL
    return bytes(data)


@pytest.mark.parametrize("change", ["signature", "key", "fixed size", "string runs off the block"])
def test_unexpected_layouts_go_to_pefile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        change: str) -> None:
    data = _damaged(change)
    assert direct_blocks(data) is None
    path = tmp_path / "odd.sys"
    path.write_bytes(data)
    direct, through_pefile = both_ways(path, monkeypatch)
    assert facts(direct) == facts(through_pefile)  # the same path ran: pefile's


@pytest.mark.skipif(not WINE_PE, reason="no Wine PE files on this POSIX machine (/usr/lib/*/wine/*-windows)")
def test_real_pe_files_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    handled = with_version = 0
    for path in WINE_PE:
        data = Path(path).read_bytes()
        handled += direct_blocks(data) is not None
        direct, through_pefile = both_ways(path, monkeypatch)
        assert facts(direct) == facts(through_pefile), path
        with_version += direct.file_version is not None
    assert handled >= 0.9 * len(WINE_PE)
    assert with_version >= 50
