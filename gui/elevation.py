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

log = logging.getLogger(__name__)

# ShellExecuteW(hwnd, verb, file, parameters, directory, show) -> HINSTANCE (> 32 on success)
ShellExecute = Callable[[object, str, str, str, object, int], int]
SW_SHOWNORMAL = 1


def is_elevated() -> bool | None:
    if sys.platform != "win32":
        return None
    try:
        return bool(ctypes.windll.shell32.IsUserAnAdmin())
    except (AttributeError, OSError):
        log.warning("could not tell whether we run as administrator", exc_info=True)
        return None


def relaunch_command(argv: Sequence[str] | None = None) -> tuple[str, str]:
    """The program and parameter string that start this app again the same way."""
    args = list(sys.argv[1:] if argv is None else argv)
    if getattr(sys, "frozen", False):
        return sys.executable, subprocess.list2cmdline(args)
    return sys.executable, subprocess.list2cmdline(["-m", "gui", *args])


def _real_shell_execute() -> ShellExecute:
    fn = ctypes.windll.shell32.ShellExecuteW  # type: ignore[attr-defined]
    return fn  # type: ignore[no-any-return]


def restart_as_admin(shell_execute: ShellExecute | None = None, argv: Sequence[str] | None = None) -> bool:
    """Ask Windows to start us elevated. True when the new process was started (the caller then
    quits); False when the user declined the prompt or it failed (logged)."""
    program, params = relaunch_command(argv)
    try:
        fn = shell_execute or _real_shell_execute()
        result = int(fn(None, "runas", program, params, None, SW_SHOWNORMAL))
    except (AttributeError, OSError):
        log.warning("could not ask Windows for administrator rights", exc_info=True)
        return False
    if result <= 32:  # ShellExecute's documented failure range; 5 = the user said no
        log.info("elevated restart refused or failed (ShellExecuteW returned %d)", result)
        return False
    return True
