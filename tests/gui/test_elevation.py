"""Restart as administrator: the ShellExecuteW call, through a fake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.sources import live_win
from gui import elevation
from gui.elevation import relaunch_command, request_admin_restart, restart_as_admin


def test_restart_asks_windows_for_runas_with_the_same_arguments_in_this_folder() -> None:
    calls = []

    def shell_execute(hwnd, verb, program, params, directory, show) -> int:
        calls.append((verb, program, params, directory, show))
        return 42  # > 32: started

    assert restart_as_admin(shell_execute, argv=["--demo"])
    verb, program, params, directory, show = calls[0]
    assert verb == "runas"
    assert (program, params) == relaunch_command(["--demo"])
    assert params.endswith("--demo") and show == 1
    # Relative evidence paths and `-m gui` resolve against it; an elevated process would start in
    # System32 otherwise.
    assert directory == str(Path.cwd())


def test_a_declined_prompt_says_the_request_was_refused() -> None:
    result = request_admin_restart(lambda *a: 5, argv=[])  # SE_ERR_ACCESSDENIED: the user said no
    assert not result.started
    assert result.message == "Windows did not start Dump Doctor as administrator (the request was refused)."
    assert not restart_as_admin(lambda *a: 5, argv=[])


def test_a_null_hinstance_is_a_failure_not_a_crash() -> None:
    result = request_admin_restart(lambda *a: None, argv=[])  # c_void_p restype gives None for 0
    assert not result.started and "out of memory" in result.message


def test_a_missing_api_is_not_fatal() -> None:
    def missing(*a) -> int:
        raise OSError("no shell32 here")

    result = request_admin_restart(missing, argv=[])
    assert not result.started and "could not be made" in result.message


def test_frozen_exe_is_restarted_without_repeating_argv0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", r"C:\Program Files\Dump Doctor\DumpDoctor.exe")
    monkeypatch.setattr(sys, "argv", [r"C:\Program Files\Dump Doctor\DumpDoctor.exe", r"D:\my dumps"])
    program, params = relaunch_command()
    assert program == r"C:\Program Files\Dump Doctor\DumpDoctor.exe"
    assert params == r'"D:\my dumps"'


def test_from_source_python_runs_the_gui_package_with_quoted_arguments(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "executable", r"C:\Python311\python.exe")
    args = [r"C:\evidence folder\x.zip", 'say "hi"', ""]
    program, params = relaunch_command(args)
    assert program == r"C:\Python311\python.exe"
    assert params.startswith("-m gui ")
    assert params == subprocess.list2cmdline(["-m", "gui", *args])
    assert '"C:\\evidence folder\\x.zip"' in params and r'"say \"hi\""' in params and params.endswith('""')


def test_is_elevated_is_unknown_off_windows_and_asks_the_token_on_windows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert elevation.is_elevated() is None
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(live_win, "is_user_an_admin", lambda: False)
    assert elevation.is_elevated() is False

    def broken() -> bool:
        raise OSError("no advapi32")

    monkeypatch.setattr(live_win, "is_user_an_admin", broken)
    assert elevation.is_elevated() is None
