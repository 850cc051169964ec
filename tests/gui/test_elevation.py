"""Restart as administrator: the ShellExecuteW call, through a fake."""

from __future__ import annotations

from gui.elevation import relaunch_command, restart_as_admin


def test_restart_asks_windows_for_runas_with_the_same_arguments() -> None:
    calls = []

    def shell_execute(hwnd, verb, program, params, directory, show) -> int:
        calls.append((verb, program, params, show))
        return 42  # > 32: started

    assert restart_as_admin(shell_execute, argv=["--demo"])
    verb, program, params, show = calls[0]
    assert verb == "runas"
    assert (program, params) == relaunch_command(["--demo"])
    assert params.endswith("--demo") and show == 1


def test_a_declined_prompt_is_reported_as_not_restarted() -> None:
    assert not restart_as_admin(lambda *a: 5, argv=[])  # ERROR_ACCESS_DENIED: the user said no


def test_a_missing_api_is_not_fatal() -> None:
    def missing(*a) -> int:
        raise OSError("no shell32 here")

    assert not restart_as_admin(missing, argv=[])
