"""Temporary folders are removed, and a removal that fails is reported, not ignored."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from core.tempfolder import remove_temp_folder


def test_folder_and_contents_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "dumpdoctor-x"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "SYSTEM").write_bytes(b"regf")
    assert remove_temp_folder(folder) == []
    assert not folder.exists()


def test_a_file_that_cannot_be_removed_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "dumpdoctor-y"
    folder.mkdir()
    (folder / "SYSTEM").write_bytes(b"regf")
    real_rmtree = shutil.rmtree

    def locked(path, *args, **kwargs):  # what Windows does with a file still mapped or open
        handler = kwargs.get("onexc") or kwargs.get("onerror")
        error = PermissionError(13, "The process cannot access the file", str(folder / "SYSTEM"))
        if "onexc" in kwargs:
            handler(None, str(folder / "SYSTEM"), error)
        else:
            handler(None, str(folder / "SYSTEM"), (PermissionError, error, None))

    monkeypatch.setattr(shutil, "rmtree", locked)
    with caplog.at_level(logging.WARNING):
        failures = remove_temp_folder(folder)
    monkeypatch.setattr(shutil, "rmtree", real_rmtree)
    assert len(failures) == 1 and "SYSTEM" in failures[0]
    assert "could not remove temporary file" in caplog.text
