"""Before Qt starts: a Linux desktop without Qt's X11 libraries gets one precise sentence."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gui import platform_check


def _library_with_missing_dependency(tmp_path: Path) -> Path:
    """A shared library that links against libddmissing.so, which is then removed: dlopen fails
    exactly as it does for Qt's xcb plugin on a system without libxcb-icccm4."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the test library")
    (tmp_path / "dep.c").write_text("int dd_dep(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int dd_dep(void);\nint dd_plugin(void) { return dd_dep(); }\n")
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(tmp_path / "libddmissing.so"),
                    str(tmp_path / "dep.c")], check=True)
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(tmp_path / "libqxcb.so"), str(tmp_path / "plugin.c"),
                    f"-L{tmp_path}", "-lddmissing"], check=True)
    (tmp_path / "libddmissing.so").unlink()
    return tmp_path / "libqxcb.so"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the X11 check exists only on Linux")
def test_missing_x11_library_is_named_with_the_install_command(tmp_path, monkeypatch) -> None:
    plugin = _library_with_missing_dependency(tmp_path)
    monkeypatch.setattr(platform_check, "_xcb_plugin", lambda: plugin)
    problem = platform_check.x11_problem({"DISPLAY": ":0"})
    assert problem is not None
    assert "libddmissing.so" in problem  # the library the loader could not find, by name
    assert "sudo apt install libxcb-cursor0" in problem
    assert "dev.py cli scan --demo" in problem


@pytest.mark.parametrize("env", [{"QT_QPA_PLATFORM": "offscreen"}, {"WAYLAND_DISPLAY": "wayland-0"}])
def test_other_platforms_are_not_checked(tmp_path, monkeypatch, env) -> None:
    monkeypatch.setattr(platform_check, "_xcb_plugin", lambda: tmp_path / "would-fail.so")
    assert platform_check.x11_problem(env) is None


def test_the_app_exits_with_the_sentence_instead_of_a_qt_abort(monkeypatch, capsys) -> None:
    from gui import app

    monkeypatch.setattr(app, "x11_problem", lambda: "Dump Doctor cannot open a window: test")
    assert app.main([]) == 3
    assert "cannot open a window" in capsys.readouterr().err
