"""Administrator rights on Windows: are we elevated, and restarting elevated (UAC "runas").

Isolated here because it is the only Windows-API code in the GUI. On other systems `is_elevated`
returns None; `restart_as_admin` takes the ShellExecuteW function as a parameter so tests can pass
a fake.
"""

from __future__ import annotations

import ctypes
import logging
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.sources import live_win

log = logging.getLogger(__name__)

# ShellExecuteW(hwnd, verb, file, parameters, directory, show) -> HINSTANCE (> 32 on success)
ShellExecute = Callable[[object, str, str, str, object, int], int | None]
SW_SHOWNORMAL = 1
SE_ERR_ACCESSDENIED = 5  # what ShellExecute returns when the user answers "No" to the UAC prompt

# The documented ShellExecute failure codes (all <= 32).
_SHELL_ERRORS = {
    0: "the system is out of memory or resources",
    2: "the program file was not found",
    3: "the folder was not found",
    5: "the request was refused",
    8: "there was not enough memory",
    11: "the program file is invalid",
    26: "a sharing violation occurred",
    27: "the file name association is incomplete or invalid",
    31: "no program is associated with this kind of file",
    32: "a required DLL was not found",
}


@dataclass(frozen=True)
class ElevationResult:
    started: bool
    message: str  # empty when started; otherwise a sentence for the user


def is_elevated() -> bool | None:
    """True/False on Windows (TokenElevation, IsUserAnAdmin as fallback); None when unknown."""
    if sys.platform != "win32":
        return None
    try:
        return live_win.is_user_an_admin()
    except (AttributeError, OSError, ValueError):
        log.warning("could not tell whether we run as administrator", exc_info=True)
        return None


def relaunch_command(argv: Sequence[str] | None = None) -> tuple[str, str]:
    """The program and parameter string that start this app again the same way. Frozen, the exe is
    the program and argv[0] is not repeated; from source, Python runs the gui package. The string is
    quoted the way the C runtime (and CommandLineToArgvW) splits it back."""
    args = list(sys.argv[1:] if argv is None else argv)
    if getattr(sys, "frozen", False):
        return sys.executable, subprocess.list2cmdline(args)
    return sys.executable, subprocess.list2cmdline(["-m", "gui", *args])


def refusal_message(code: int) -> str:
    reason = _SHELL_ERRORS.get(code, f"ShellExecute error {code}")
    return f"Windows did not start Dump Doctor as administrator ({reason})."


def _real_shell_execute() -> ShellExecute:
    from ctypes import wintypes

    loader = getattr(ctypes, "WinDLL", None)
    if loader is None:
        raise OSError("ShellExecuteW exists only on Windows")
    fn = loader("shell32").ShellExecuteW  # a private DLL object: these prototypes stay ours
    fn.argtypes = [wintypes.HWND, wintypes.LPCWSTR, wintypes.LPCWSTR, wintypes.LPCWSTR,
                   wintypes.LPCWSTR, ctypes.c_int]
    fn.restype = ctypes.c_void_p  # HINSTANCE is pointer-sized; a c_int result would be truncated
    return fn  # type: ignore[no-any-return]


def request_admin_restart(shell_execute: ShellExecute | None = None,
                          argv: Sequence[str] | None = None) -> ElevationResult:
    """Ask Windows to start us elevated, in the current folder (relative paths in the arguments and
    `-m gui` from source both depend on it; an elevated process otherwise starts in System32)."""
    program, params = relaunch_command(argv)
    try:
        fn = shell_execute or _real_shell_execute()
        raw = fn(None, "runas", program, params, str(Path.cwd()), SW_SHOWNORMAL)
        result = int(raw or 0)  # c_void_p gives None for 0
    except (AttributeError, OSError, ValueError, TypeError):
        log.warning("could not ask Windows for administrator rights", exc_info=True)
        return ElevationResult(False, "Windows did not start Dump Doctor as administrator (the request "
                                      "could not be made).")
    if result <= 32:  # ShellExecute's documented failure range
        log.info("elevated restart refused or failed (ShellExecuteW returned %d)", result)
        return ElevationResult(False, refusal_message(result))
    return ElevationResult(True, "")


def restart_as_admin(shell_execute: ShellExecute | None = None, argv: Sequence[str] | None = None) -> bool:
    """True when the elevated process was started (the caller then quits); False when the user
    declined the prompt or it failed (logged; `request_admin_restart` also gives the reason)."""
    return request_admin_restart(shell_execute, argv).started
