"""Case-insensitive lookup of Windows paths on case-sensitive file systems, with each folder listed
once: the answers must stay those of a fresh listing, also when the folder changes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from core import paths
from core.paths import find_child, resolve_ci


def _age(folder: Path, seconds: float = 5.0) -> None:
    """Make the folder look untouched for a while, so its listing is kept."""
    past = time.time() - seconds
    os.utime(folder, (past, past))


def test_finds_names_that_differ_in_case(tmp_path: Path) -> None:
    (tmp_path / "System32").mkdir()
    (tmp_path / "System32" / "Drivers").mkdir()
    (tmp_path / "System32" / "Drivers" / "LSI_SAS.SYS").write_bytes(b"MZ")
    found = resolve_ci(tmp_path, r"system32\drivers\lsi_sas.sys")
    assert found == tmp_path / "System32" / "Drivers" / "LSI_SAS.SYS"
    assert resolve_ci(tmp_path, r"system32\drivers\missing.sys") is None


def test_exact_name_wins_over_a_case_variant(tmp_path: Path) -> None:
    (tmp_path / "disk.sys").write_bytes(b"a")
    (tmp_path / "DISK.SYS").write_bytes(b"b")
    _age(tmp_path)
    assert find_child(tmp_path, "DISK.SYS") == tmp_path / "DISK.SYS"
    assert find_child(tmp_path, "disk.sys") == tmp_path / "disk.sys"


def test_a_kept_listing_is_renewed_when_the_folder_changes(tmp_path: Path) -> None:
    (tmp_path / "A.SYS").write_bytes(b"")
    _age(tmp_path, 10)
    assert find_child(tmp_path, "a.sys") == tmp_path / "A.SYS"
    assert os.fspath(tmp_path) in paths._folder_index  # listed once and kept
    (tmp_path / "B.SYS").write_bytes(b"")  # changes the folder's mtime
    _age(tmp_path, 3)
    assert find_child(tmp_path, "b.sys") == tmp_path / "B.SYS"
    (tmp_path / "A.SYS").unlink()
    _age(tmp_path, 1)
    assert find_child(tmp_path, "a.sys") is None


def test_a_folder_changed_moments_ago_is_not_kept(tmp_path: Path) -> None:
    (tmp_path / "X.SYS").write_bytes(b"")
    assert find_child(tmp_path, "x.sys") == tmp_path / "X.SYS"
    assert os.fspath(tmp_path) not in paths._folder_index


def test_never_leaves_the_root(tmp_path: Path) -> None:
    (tmp_path / "inner").mkdir()
    assert resolve_ci(tmp_path / "inner", r"..\inner") is None
