"""The few Windows-only calls the live source needs, each a small function so tests on Linux replace
them (monkeypatch) and every code path around them still runs."""

from __future__ import annotations

import csv
import ctypes
import io
import os
import subprocess
from pathlib import Path

from core.errors import UnreadableError

# Provider names exactly as the System log spells them (XPath comparisons are case-sensitive).
SYSTEM_EVENTS: dict[str, tuple[int, ...] | None] = {
    "Microsoft-Windows-Kernel-Power": (41, 42, 107),
    "EventLog": (6005, 6006, 6008, 6009, 6013),
    "Microsoft-Windows-WER-SystemErrorReporting": (1001,),
    "volmgr": None,
    "Microsoft-Windows-Power-Troubleshooter": (1,),
    "Microsoft-Windows-Kernel-General": (12, 13),
    "Microsoft-Windows-WHEA-Logger": None,
}

WEVTUTIL_TIMEOUT = 300


def system_events_xpath() -> str:
    """An XPath filter so wevtutil returns only the events the diagnosis reads."""
    clauses = []
    for provider, ids in SYSTEM_EVENTS.items():
        clause = f"Provider[@Name='{provider}']"
        if ids:
            clause += " and (" + " or ".join(f"EventID={i}" for i in ids) + ")"
        clauses.append(f"({clause})")
    return "*[System[" + " or ".join(clauses) + "]]"


def system_root() -> str:
    return os.environ.get("SYSTEMROOT") or os.environ.get("WINDIR") or r"C:\Windows"


def run_wevtutil(output: Path) -> None:
    """Query the live System log into `output` (XML, no root element)."""
    cmd = ["wevtutil", "qe", "System", f"/q:{system_events_xpath()}", "/f:xml"]
    try:
        with output.open("wb") as fh:
            done = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, timeout=WEVTUTIL_TIMEOUT,
                                  check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UnreadableError(f"wevtutil could not be run ({exc})", path="live System log") from exc
    if done.returncode != 0:
        err = done.stderr.decode(errors="replace").strip()
        raise UnreadableError(f"wevtutil failed (exit {done.returncode}): {err}",
                              path="live System log")


def is_user_an_admin() -> bool:
    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return False
    return bool(windll.shell32.IsUserAnAdmin())


def enum_device_drivers() -> list[str]:
    """Base names of every loaded kernel module (psapi EnumDeviceDrivers)."""
    windll = getattr(ctypes, "windll", None)
    if windll is None:
        raise OSError("EnumDeviceDrivers is only available on Windows")
    psapi = windll.psapi
    needed = ctypes.c_ulong(0)
    psapi.EnumDeviceDrivers(None, 0, ctypes.byref(needed))
    count = needed.value // ctypes.sizeof(ctypes.c_void_p)
    bases = (ctypes.c_void_p * count)()
    if not psapi.EnumDeviceDrivers(bases, needed, ctypes.byref(needed)):
        raise OSError("EnumDeviceDrivers failed")
    names: list[str] = []
    buf = ctypes.create_unicode_buffer(260)
    for base in bases:
        if base and psapi.GetDeviceDriverBaseNameW(ctypes.c_void_p(base), buf, 260):
            names.append(buf.value)
    return names


def driverquery_modules() -> list[str]:
    """Module names from `driverquery /fo csv` (fallback when psapi is unavailable)."""
    done = subprocess.run(["driverquery", "/fo", "csv"], capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        raise OSError(f"driverquery failed (exit {done.returncode})")
    text = done.stdout.decode("mbcs" if os.name == "nt" else "utf-8", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    return [row[0] for row in rows[1:] if row]
