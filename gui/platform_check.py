"""Before Qt starts on Linux: can its X11 plugin load at all?

Qt 6.5+ needs system libraries for X11 (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, ...) that a
fresh desktop may lack. Without them Qt aborts with a message that names only one of them. Loading the
plugin the way Qt will (dlopen) makes the system loader name the library that is really missing, so
the user gets one precise sentence and a command instead.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

DEBIAN_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 "
                   "libxcb-shape0 libxkbcommon-x11-0")


def _xcb_plugin() -> Path | None:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def x11_problem(environ: dict[str, str] | None = None) -> str | None:
    """A sentence saying why Qt cannot open a window here, or None when it can (or when another
    platform than X11 will be used: Windows, macOS, Wayland, or QT_QPA_PLATFORM chosen by the user)."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or env.get("QT_QPA_PLATFORM") or env.get("WAYLAND_DISPLAY"):
        return None
    plugin = _xcb_plugin()
    if plugin is None:
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        missing = str(exc).split(":", 1)[0].strip() or "a library Qt needs"
        return (f"Dump Doctor cannot open a window: this Linux system lacks {missing}, which Qt needs "
                f"for X11. Install Qt's X11 libraries (Debian/Ubuntu: sudo apt install {DEBIAN_PACKAGES}) "
                "and start it again. The command line works without them: "
                "python3 dev.py cli scan --demo")
    return None
