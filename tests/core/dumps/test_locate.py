"""Where dumps are looked for — one rule for every source: the configured places and the defaults,
LiveKernelReports, newest first, names matched ignoring case; a folder that cannot be listed is a
problem, not an empty folder."""

from __future__ import annotations

import os
from pathlib import Path

from core.dumps import find_dumps
from core.evidence_ref import Problem
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


def test_configured_places_and_the_defaults_are_both_searched(tmp_path: Path) -> None:
    # Dumps written before the setting was changed stay at the default places: still evidence.
    control = CrashControl(dump_file=r"D:\elsewhere\MEMORY.DMP", minidump_dir=r"C:\Dumps\Small")
    mini = _touch(tmp_path / "dumps" / "small" / "x.dmp", 2_000)
    memory = _touch(tmp_path / "Windows" / "MEMORY.DMP", 1_000)
    old_mini = _touch(tmp_path / "Windows" / "Minidump" / "y.dmp", 3_000)
    # D: is another volume than the one we were given, so that DumpFile cannot be found here
    assert find_dumps(tmp_path, control) == [old_mini, mini, memory]


def test_dedicated_dump_file_is_a_candidate(tmp_path: Path) -> None:
    control = CrashControl(dedicated_dump_file=r"C:\dedicated.sys")
    dedicated = _touch(tmp_path / "DEDICATED.SYS", 1_000)
    assert find_dumps(tmp_path, control) == [dedicated]


def test_unlistable_dump_folder_is_a_problem_not_an_empty_folder(tmp_path: Path, monkeypatch) -> None:
    _touch(tmp_path / "Windows" / "Minidump" / "a.dmp", 3_000)
    memory = _touch(tmp_path / "Windows" / "MEMORY.DMP", 1_000)
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path).name == "Minidump":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems: list[Problem] = []
    assert find_dumps(tmp_path, None, problems) == [memory]  # what could be listed is still found
    (problem,) = problems
    assert problem.path.endswith("Minidump") and problem.step == "dumps"
    assert "administrator" in problem.message


def test_custom_dump_file_on_the_system_drive(tmp_path: Path) -> None:
    control = CrashControl(dump_file=r"C:\crash\full.dmp")
    full = _touch(tmp_path / "Crash" / "FULL.DMP", 1_000)
    assert find_dumps(tmp_path, control) == [full]


def test_nothing_there(tmp_path: Path) -> None:
    assert find_dumps(tmp_path, None) == []
