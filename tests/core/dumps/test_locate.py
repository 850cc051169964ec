"""find_dumps lists a Windows volume's dump files newest first, ignoring the case of names."""

from __future__ import annotations

import os
from pathlib import Path

from core.dumps import find_dumps
from core.registry.model import CrashControl


def _touch(path: Path, mtime: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PAGEDU64")
    os.utime(path, (mtime, mtime))
    return path


def test_a_file_named_twice_is_listed_once(tmp_path: Path) -> None:
    control = CrashControl(dump_file=r"%SystemRoot%\Minidump\last.dmp")
    last = _touch(tmp_path / "Windows" / "Minidump" / "last.dmp", 2_000)
    older = _touch(tmp_path / "Windows" / "Minidump" / "older.dmp", 1_000)
    assert find_dumps(tmp_path, control) == [last, older]


def test_single_windows_folder_with_odd_case(tmp_path: Path) -> None:
    memory = _touch(tmp_path / "WINDOWS" / "MEMORY.dmp", 1_000)
    mini = _touch(tmp_path / "WINDOWS" / "minidump" / "a.Dmp", 3_000)
    live = _touch(tmp_path / "WINDOWS" / "livekernelreports" / "USB" / "x.dmp", 2_000)
    _touch(tmp_path / "WINDOWS" / "minidump" / "readme.txt", 9_000)
    assert find_dumps(tmp_path, None) == [mini, live, memory]


def test_crash_control_paths_are_followed(tmp_path: Path) -> None:
    control = CrashControl(dump_file=r"D:\elsewhere\MEMORY.DMP", minidump_dir=r"C:\Dumps\Small")
    mini = _touch(tmp_path / "dumps" / "small" / "x.dmp", 2_000)
    _touch(tmp_path / "Windows" / "MEMORY.DMP", 1_000)  # not where DumpFile points
    _touch(tmp_path / "Windows" / "Minidump" / "y.dmp", 3_000)  # not where MinidumpDir points
    assert find_dumps(tmp_path, control) == [mini]


def test_custom_dump_file_on_the_system_drive(tmp_path: Path) -> None:
    control = CrashControl(dump_file=r"C:\crash\full.dmp")
    full = _touch(tmp_path / "Crash" / "FULL.DMP", 1_000)
    assert find_dumps(tmp_path, control) == [full]


def test_nothing_there(tmp_path: Path) -> None:
    assert find_dumps(tmp_path, None) == []
