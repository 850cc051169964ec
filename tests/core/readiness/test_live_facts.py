"""The live source's readiness facts, run on any OS with the Windows calls faked: free space of the
dump volume, installed RAM, files that are really absent, and failures that become "not known"."""

from __future__ import annotations

import shutil
from collections import namedtuple
from pathlib import Path

import pytest

from core.registry.keys import MemoryKey
from core.registry.model import CrashControl, PageFile, RegistryFacts
from core.sources import live, live_win
from core.sources.live import LiveSource

Usage = namedtuple("Usage", "total used free")
GB = 1024 ** 3


@pytest.fixture
def live_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LiveSource:
    windows = tmp_path / "Windows"
    (windows / "Minidump").mkdir(parents=True)
    monkeypatch.setattr(live_win, "system_root", lambda: str(windows))
    monkeypatch.setattr(live_win, "is_user_an_admin", lambda: True)
    monkeypatch.setattr(live_win, "is_wow64", lambda: False)
    roots = {n: MemoryKey(n, f"HKLM\\{n}", "live registry") for n in ("SYSTEM", "SOFTWARE")}
    monkeypatch.setattr(live, "live_root", lambda name, notes: roots[name])
    return LiveSource()


def _facts() -> RegistryFacts:
    cc = CrashControl(crash_dump_enabled=1, dump_file=r"D:\dumps\MEMORY.DMP", dump_filters=["dumpfve.sys"])
    return RegistryFacts(crash_control=cc, page_files=[PageFile("C:\\pagefile.sys", 0, 0)])


def test_free_space_of_every_dump_volume_and_ram(live_source: LiveSource,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def disk_usage(path: str) -> Usage:
        asked.append(path)
        return Usage(100 * GB, 60 * GB, 40 * GB)

    monkeypatch.setattr(shutil, "disk_usage", disk_usage)
    monkeypatch.setattr(live_win, "physical_memory_bytes", lambda: 16 * GB)
    vf = live_source.volume_facts(_facts())
    assert vf is not None
    assert sorted(asked) == ["C:\\", "D:\\"]  # the system drive and DumpFile's drive
    assert vf.space("D:") is not None and vf.space("D:").free_bytes == 40 * GB  # type: ignore[union-attr]
    assert vf.ram_bytes == 16 * GB
    # Live, a file that is not there is really absent.
    seen = vf.path("%SystemRoot%\\System32\\drivers\\dumpfve.sys")
    assert seen is not None and seen.exists is False
    minidump = vf.path("%SystemRoot%\\Minidump")
    assert minidump is not None and minidump.exists is True


def test_failures_become_notes_not_crashes(live_source: LiveSource,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_path: str) -> Usage:
        raise PermissionError(13, "Access is denied")

    def no_ram() -> int:
        raise OSError("GlobalMemoryStatusEx failed")

    monkeypatch.setattr(shutil, "disk_usage", broken)
    monkeypatch.setattr(live_win, "physical_memory_bytes", no_ram)
    vf = live_source.volume_facts(_facts())
    assert vf is not None and vf.volumes == [] and vf.ram_bytes is None
    assert any("free space on C:" in n for n in vf.notes) and any("RAM" in n for n in vf.notes)


def test_physical_memory_off_windows_raises_oserror() -> None:
    import sys

    if sys.platform == "win32":
        pytest.skip("on Windows the real call answers")
    with pytest.raises(OSError):
        live_win.physical_memory_bytes()
