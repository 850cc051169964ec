"""The Windows lane's Wine helpers (scripts/windows_lane/wine.py): the work-arounds it relies on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.windows_lane.wine import Wine

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the lane drives Wine from Linux")


def test_windows_paths_map_into_the_prefix(tmp_path: Path) -> None:
    wine = Wine(tmp_path / "prefix")
    drive_c = tmp_path / "prefix" / "drive_c"
    assert wine.unix("C:\\dist\\onedir\\x.exe") == drive_c / "dist" / "onedir" / "x.exe"
    assert Wine.windows(Path("/work/shared")) == "Z:\\work\\shared"


def test_qt_variables_travel_as_wineqt_and_streams_are_pipes(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_run(cmd, **kwargs):
        seen.update(kwargs, cmd=cmd)
        return subprocess.CompletedProcess(cmd, 0, b"ok\r\n", b"")

    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")  # the host's own must not leak in
    monkeypatch.setattr(subprocess, "run", fake_run)
    result = Wine(tmp_path).run(["C:\\Python311\\python.exe", "-V"], env={"QT_QPA_PLATFORM": "offscreen"})
    env = seen["env"]
    assert isinstance(env, dict)
    assert env["WINEQT_QPA_PLATFORM"] == "offscreen" and "QT_QPA_PLATFORM" not in env
    assert seen["input"] == b"" and seen["capture_output"] is True  # pipes, never a regular file
    assert result.out == "ok\n"
