"""The few Windows-only calls the live source needs, each a small function so tests on Linux replace
them (monkeypatch, or a fake API object passed in) and every code path around them still runs.

Every ctypes prototype declares argtypes/restype: without them ctypes passes Python ints as 32-bit C
ints and reads pointer-sized results as int, which truncates kernel addresses and handles on 64-bit
Windows. The DLLs are loaded per call with `ctypes.WinDLL` (not the shared `ctypes.windll`) so the
prototypes set here never change what other code in the process sees.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import subprocess
import sys
from ctypes import wintypes
from pathlib import Path
from typing import Any

from core.errors import UnreadableError
from core.events.relevant import system_event_selects
from core.xmlquote import quoteattr

WEVTUTIL_TIMEOUT = 300
CREATE_NO_WINDOW = 0x08000000  # subprocess.CREATE_NO_WINDOW exists only in Windows builds of Python


def structured_query(channel: str = "System") -> str:
    """A <QueryList> with one <Select> per provider, for `wevtutil qe <file> /sq:true`."""
    path = quoteattr(channel)
    selects = "".join(f"    <Select Path={path}>{_xml_text(x)}</Select>\n" for x in system_event_selects())
    return f'<QueryList>\n  <Query Id="0" Path={path}>\n{selects}  </Query>\n</QueryList>\n'


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def system_root() -> str:
    return os.environ.get("SYSTEMROOT") or os.environ.get("WINDIR") or r"C:\Windows"


def _win_dll(name: str) -> Any:
    """A private ctypes handle on a system DLL; OSError off Windows."""
    loader = getattr(ctypes, "WinDLL", None)
    if loader is None or sys.platform != "win32":
        raise OSError(f"{name}.dll exists only on Windows")
    return loader(name, use_last_error=True)


def _last_error() -> int:
    getter = getattr(ctypes, "get_last_error", None)
    return int(getter()) if getter is not None else 0


def is_wow64() -> bool:
    """True for a 32-bit process on 64-bit Windows, where System32 is silently redirected to
    SysWOW64 (and the drivers folder with it) unless the Sysnative alias is used."""
    if sys.platform != "win32":
        return False
    if sys.maxsize > 2**32:
        return False  # a 64-bit process is never redirected
    try:
        kernel32 = _win_dll("kernel32")
        fn = kernel32.IsWow64Process
        fn.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.BOOL)]
        fn.restype = wintypes.BOOL
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        flag = wintypes.BOOL(0)
        if fn(kernel32.GetCurrentProcess(), ctypes.byref(flag)):
            return bool(flag.value)
    except (OSError, AttributeError, ValueError):
        pass
    # Windows sets this variable only in WOW64 processes.
    return "PROCESSOR_ARCHITEW6432" in os.environ


def wevtutil_path(root: str | None = None) -> str:
    """wevtutil.exe by full path: a bare name is searched for in the program's own folder and the
    current folder first, where a planted wevtutil.exe would run with our (administrator) rights."""
    return str(Path(root or system_root()) / "System32" / "wevtutil.exe")


def no_window_flags() -> int:
    """Keep wevtutil from flashing a console window over the GUI (the frozen exe has no console)."""
    return CREATE_NO_WINDOW if sys.platform == "win32" else 0


def decode_console(data: bytes) -> str:
    """Text a console program wrote to a pipe: UTF-8 when valid, else the OEM code page it used."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codec in ("oem", "mbcs"):  # Windows-only codecs
        try:
            codecs.lookup(codec)
        except LookupError:
            continue
        return data.decode(codec, errors="replace")
    return data.decode("latin-1")


def run_wevtutil(output: Path, query_file: Path) -> None:
    """Query the live System log into `output` (XML, a bare sequence of <Event> elements). The raw
    bytes are kept: the XML reader detects their encoding from the content. Reading the System log
    needs no administrator rights for members of Administrators or "Event Log Readers"; others get
    "Access is denied", raised here as UnreadableError."""
    query_file.write_text(structured_query(), encoding="utf-8")
    cmd = [wevtutil_path(), "qe", str(query_file), "/sq:true", "/f:xml"]
    try:
        with output.open("wb") as fh:
            # stdin from NUL: a windowed (no console) exe has no valid standard handles to inherit.
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.PIPE,
                                  timeout=WEVTUTIL_TIMEOUT, check=False, creationflags=no_window_flags())
    except subprocess.TimeoutExpired as exc:
        raise UnreadableError(f"wevtutil did not finish within {WEVTUTIL_TIMEOUT} s",
                              path="live System log") from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise UnreadableError(f"wevtutil could not be run ({exc})", path="live System log") from exc
    if done.returncode != 0:
        err = decode_console(done.stderr or b"").strip()
        hint = ""
        if done.returncode == 5 or "denied" in err.lower():
            hint = ("; reading the System log needs administrator rights or membership of the "
                    "\"Event Log Readers\" group")
        raise UnreadableError(f"wevtutil failed (exit {done.returncode}): {err}{hint}",
                              path="live System log")


# -- administrator rights -------------------------------------------------------------------------

_TOKEN_QUERY = 0x0008
_TOKEN_ELEVATION_CLASS = 20  # TOKEN_INFORMATION_CLASS.TokenElevation (Vista and later)


class _TokenElevation(ctypes.Structure):
    _fields_ = [("TokenIsElevated", ctypes.c_uint32)]  # DWORD: 4 bytes, also where c_ulong is 8


def _token_api() -> Any:
    advapi32 = _win_dll("advapi32")
    kernel32 = _win_dll("kernel32")
    advapi32.OpenProcessToken.argtypes = [wintypes.HANDLE, wintypes.DWORD, ctypes.POINTER(wintypes.HANDLE)]
    advapi32.OpenProcessToken.restype = wintypes.BOOL
    advapi32.GetTokenInformation.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p,
                                             wintypes.DWORD, ctypes.POINTER(wintypes.DWORD)]
    advapi32.GetTokenInformation.restype = wintypes.BOOL
    kernel32.GetCurrentProcess.argtypes = []
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    kernel32.CloseHandle.restype = wintypes.BOOL

    class Api:
        OpenProcessToken = advapi32.OpenProcessToken
        GetTokenInformation = advapi32.GetTokenInformation
        GetCurrentProcess = kernel32.GetCurrentProcess
        CloseHandle = kernel32.CloseHandle

    return Api


def token_is_elevated(api: Any = None) -> bool:
    """TokenElevation of our own process token (the documented test; IsUserAnAdmin is deprecated).
    Raises OSError when Windows cannot answer."""
    api = api or _token_api()
    token = ctypes.c_void_p(0)
    if not api.OpenProcessToken(api.GetCurrentProcess(), _TOKEN_QUERY, ctypes.byref(token)):
        raise OSError(_last_error(), "OpenProcessToken failed")
    try:
        elevation = _TokenElevation(0)
        returned = wintypes.DWORD(0)
        if not api.GetTokenInformation(token, _TOKEN_ELEVATION_CLASS, ctypes.byref(elevation),
                                       ctypes.sizeof(elevation), ctypes.byref(returned)):
            raise OSError(_last_error(), "GetTokenInformation(TokenElevation) failed")
        return bool(elevation.TokenIsElevated)
    finally:
        api.CloseHandle(token)


def is_user_an_admin() -> bool:
    """Whether this process runs elevated. TokenElevation first; shell32's IsUserAnAdmin (deprecated
    but present since XP, and under UAC also false in a filtered token) when that fails. Raises
    OSError off Windows or when neither answers."""
    try:
        return token_is_elevated()
    except (OSError, AttributeError):
        shell32 = _win_dll("shell32")
        shell32.IsUserAnAdmin.argtypes = []
        shell32.IsUserAnAdmin.restype = ctypes.c_int
        return bool(shell32.IsUserAnAdmin())


# -- loaded kernel modules ------------------------------------------------------------------------

def _psapi() -> Any:
    psapi = _win_dll("psapi")  # psapi.dll forwards to K32* in kernel32 on Windows 7+, exists on Vista
    psapi.EnumDeviceDrivers.argtypes = [ctypes.POINTER(ctypes.c_void_p), wintypes.DWORD,
                                        ctypes.POINTER(wintypes.DWORD)]
    psapi.EnumDeviceDrivers.restype = wintypes.BOOL
    psapi.GetDeviceDriverBaseNameW.argtypes = [ctypes.c_void_p, wintypes.LPWSTR, wintypes.DWORD]
    psapi.GetDeviceDriverBaseNameW.restype = wintypes.DWORD
    return psapi


def enum_device_drivers(psapi: Any = None) -> list[str]:
    """Base names of every loaded kernel module (psapi EnumDeviceDrivers + GetDeviceDriverBaseNameW).

    Raises OSError whenever the answer cannot be trusted, so that "could not tell" is never reported
    as "no dump modules loaded": the call failed, every address came back NULL (Windows 11 24H2 and
    later without SeDebugPrivilege), or no address resolved to a name (e.g. truncated addresses)."""
    psapi = psapi or _psapi()
    ptr = ctypes.sizeof(ctypes.c_void_p)
    capacity = 512
    needed = wintypes.DWORD(0)
    for _attempt in range(5):  # drivers may load between the calls; grow and ask again
        bases = (ctypes.c_void_p * capacity)()
        if not psapi.EnumDeviceDrivers(bases, capacity * ptr, ctypes.byref(needed)):
            raise OSError(_last_error(), "EnumDeviceDrivers failed")
        if needed.value <= capacity * ptr:
            break
        capacity = needed.value // ptr + 64
    else:
        raise OSError("EnumDeviceDrivers kept asking for a larger buffer")
    addresses = [b for b in bases[: needed.value // ptr]]
    if not addresses:
        raise OSError("EnumDeviceDrivers returned no modules")
    if not any(addresses):
        raise OSError("EnumDeviceDrivers returned only NULL addresses (needs SeDebugPrivilege)")
    names: list[str] = []
    buf = ctypes.create_unicode_buffer(260)
    for base in addresses:
        if base and psapi.GetDeviceDriverBaseNameW(base, buf, len(buf)):
            names.append(buf.value)
    if not names:
        raise OSError(_last_error(), "GetDeviceDriverBaseNameW resolved none of the module addresses")
    return names


class _MemoryStatusEx(ctypes.Structure):
    _fields_ = [("dwLength", ctypes.c_uint32), ("dwMemoryLoad", ctypes.c_uint32),
                ("ullTotalPhys", ctypes.c_uint64), ("ullAvailPhys", ctypes.c_uint64),
                ("ullTotalPageFile", ctypes.c_uint64), ("ullAvailPageFile", ctypes.c_uint64),
                ("ullTotalVirtual", ctypes.c_uint64), ("ullAvailVirtual", ctypes.c_uint64),
                ("ullAvailExtendedVirtual", ctypes.c_uint64)]


def physical_memory_bytes() -> int:
    """Installed RAM as Windows sees it (GlobalMemoryStatusEx); OSError off Windows or on failure."""
    kernel32 = _win_dll("kernel32")
    fn = kernel32.GlobalMemoryStatusEx
    fn.argtypes = [ctypes.POINTER(_MemoryStatusEx)]
    fn.restype = wintypes.BOOL
    status = _MemoryStatusEx()
    status.dwLength = ctypes.sizeof(_MemoryStatusEx)
    if not fn(ctypes.byref(status)):
        raise OSError(_last_error(), "GlobalMemoryStatusEx failed")
    return int(status.ullTotalPhys)
