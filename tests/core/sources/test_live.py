"""The live Windows source, run on any OS: every Windows-only call is replaced by a fake, so what the
source does with the answers (and with failures) is tested everywhere."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from core.errors import UnreadableError, UsageError
from core.events import read_events, relevant
from core.evidence_ref import Severity
from core.registry.keys import MemoryKey
from core.registry.model import CrashControl
from core.sources import NOT_WINDOWS, live, live_win, open_source
from core.sources.live import LiveSource


@pytest.fixture
def fake_windows(tmp_path, monkeypatch):
    """A Windows folder on disk, the live registry as MemoryKeys, an admin user."""
    windows = tmp_path / "Windows"
    (windows / "Minidump").mkdir(parents=True)
    (windows / "System32" / "drivers").mkdir(parents=True)
    (windows / "Minidump" / "a.dmp").write_bytes(b"PAGEDU64")
    (windows / "System32" / "drivers" / "lsi_sas.sys").write_bytes(b"MZ")
    monkeypatch.setattr(live_win, "system_root", lambda: str(windows))
    monkeypatch.setattr(live_win, "is_user_an_admin", lambda: True)
    monkeypatch.setattr(live_win, "is_wow64", lambda: False)
    roots = {"SYSTEM": MemoryKey("SYSTEM", "HKLM\\SYSTEM", "live registry"),
             "SOFTWARE": MemoryKey("SOFTWARE", "HKLM\\SOFTWARE", "live registry")}
    monkeypatch.setattr(live, "live_root", lambda name, notes: roots[name])
    return windows


def test_open_source_without_evidence_off_windows_is_a_usage_error(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    with pytest.raises(UsageError) as err:
        open_source(None)
    assert str(err.value) == NOT_WINDOWS


def test_open_source_on_windows_is_the_live_source(monkeypatch, fake_windows):
    monkeypatch.setattr(sys, "platform", "win32")
    with open_source(None) as source:
        assert isinstance(source, LiveSource) and source.kind == "live"


def test_registry_files_and_drivers(fake_windows):
    with LiveSource() as source:
        hives = source.registry()
        assert hives.system is not None and hives.software is not None
        assert source.dump_files(CrashControl()) == [fake_windows / "Minidump" / "a.dmp"]
        assert source.driver_file("lsi_sas.sys", r"system32\DRIVERS\lsi_sas.sys") == (
            fake_windows / "System32" / "drivers" / "lsi_sas.sys")
        assert source.elevated() is True
        assert source.missing == []


def test_registry_not_openable_is_missing(fake_windows, monkeypatch):
    monkeypatch.setattr(live, "live_root", lambda name, notes: None)
    with LiveSource() as source:
        assert source.registry().system is None
        assert {m.what for m in source.missing} == {"system-hive", "software-hive"}


def test_live_registry_error_is_a_problem(fake_windows, monkeypatch):
    def boom(name, notes):
        raise UnreadableError("the live registry exists only on Windows", path="live registry")

    monkeypatch.setattr(live, "live_root", boom)
    with LiveSource() as source:
        assert source.registry().system is None
        assert [p.path for p in source.problems] == ["HKLM\\SYSTEM", "HKLM\\SOFTWARE"]


def test_not_elevated_is_reported(fake_windows, monkeypatch):
    monkeypatch.setattr(live_win, "is_user_an_admin", lambda: False)
    with LiveSource() as source:
        assert source.elevated() is False
        assert [m.what for m in source.missing] == ["admin"]


EVENT = (b"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
         b"<Provider Name='Microsoft-Windows-Kernel-Power'/><EventID>41</EventID><Level>1</Level>"
         b"<TimeCreated SystemTime='2011-03-01T10:00:00.000Z'/><EventRecordID>7</EventRecordID>"
         b"</System></Event>")


def _fake_wevtutil(calls: list[dict[str, Any]], out: bytes = EVENT, code: int = 0, err: bytes = b""):
    def fake_run(cmd, **kw):
        query_file = Path(cmd[2])
        calls.append({"cmd": cmd, "query": query_file.read_text(encoding="utf-8"), **kw})
        kw["stdout"].write(out)
        return subprocess.CompletedProcess(cmd, code, None, err)

    return fake_run


def test_events_query_is_structured_runs_windowless_and_its_files_go_on_close(fake_windows, monkeypatch):
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(live_win.subprocess, "run", _fake_wevtutil(calls))
    source = LiveSource()
    (inp,) = source.event_inputs()
    assert inp.kind == "xml" and inp.path.read_bytes() == EVENT
    assert [r.event_id for r in read_events(inp).records] == [41]  # the reader takes our bytes as-is
    (call,) = calls
    cmd = call["cmd"]
    # By full path (no search of the program's folder), a structured query file, XML out.
    assert cmd[0] == str(fake_windows / "System32" / "wevtutil.exe")
    assert cmd[1] == "qe" and cmd[3:] == ["/sq:true", "/f:xml"]
    assert call["stdin"] == subprocess.DEVNULL and call["creationflags"] == live_win.no_window_flags()
    assert call["timeout"] == live_win.WEVTUTIL_TIMEOUT
    folder = inp.path.parent
    assert Path(cmd[2]).parent == folder
    source.close()
    assert not folder.exists()


def test_structured_query_keeps_every_select_under_the_event_log_limit():
    root = ET.fromstring(live_win.structured_query())
    selects = root.findall("./Query/Select")
    assert {s.get("Path") for s in selects} == {"System"}
    assert len(selects) == len(relevant.SYSTEM_EVENTS)
    xpaths = [s.text or "" for s in selects]
    assert all(relevant.xpath_expression_count(x) <= relevant.MAX_XPATH_EXPRESSIONS for x in xpaths)
    # The single-XPath form of the same filter would have gone past the limit.
    assert sum(relevant.xpath_expression_count(x) for x in xpaths) > relevant.MAX_XPATH_EXPRESSIONS
    by_provider = {p.name: x for p, x in zip(relevant.SYSTEM_EVENTS, xpaths, strict=True)}
    assert by_provider["EventLog"] == ("*[System[Provider[@Name='EventLog'] and (EventID=6005 or "
                                       "EventID=6006 or EventID=6008 or EventID=6009 or EventID=6013)]]")
    bugcheck = by_provider["Microsoft-Windows-WER-SystemErrorReporting"]
    assert "@EventSourceName='BugCheck'" in bugcheck and "@Name='BugCheck'" in bugcheck
    assert "EventID=1001" in bugcheck
    assert by_provider["volmgr"] == "*[System[Provider[@Name='volmgr']]]"  # every volmgr id
    assert "Level<=2" in by_provider["Microsoft-Windows-WHEA-Logger"]  # escaped in the file
    assert "Level&lt;=2" in live_win.structured_query()


def test_no_console_window_only_on_windows(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert live_win.no_window_flags() == 0x08000000  # CREATE_NO_WINDOW
    monkeypatch.setattr(sys, "platform", "linux")
    assert live_win.no_window_flags() == 0  # Popen refuses creationflags elsewhere


def test_access_denied_is_a_problem_that_names_the_way_out(fake_windows, monkeypatch):
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(live_win.subprocess, "run",
                        _fake_wevtutil(calls, b"", 5, "Failed to read events. Zugriff verweigert \u00e4."
                                       .encode("cp850")))
    with LiveSource() as source:
        assert source.event_inputs() == []
        message = source.problems[0].message
        assert "exit 5" in message and "Zugriff verweigert" in message  # OEM bytes did not crash it
        assert "Event Log Readers" in message
        assert "event-log" in {m.what for m in source.missing}


def test_no_matching_events_is_said_plainly(fake_windows, monkeypatch):
    monkeypatch.setattr(live_win.subprocess, "run", _fake_wevtutil([], b"\r\n"))
    with LiveSource() as source:
        assert source.event_inputs() == []
        (problem,) = source.problems
        assert problem.severity is Severity.INFO and "none of the events" in problem.message
        assert source.missing == []


def test_wevtutil_absent_is_a_problem(fake_windows, monkeypatch):
    def fake_run(*args, **kwargs):
        raise FileNotFoundError(2, "No such file", "wevtutil")

    monkeypatch.setattr(live_win.subprocess, "run", fake_run)
    with LiveSource() as source:
        assert source.event_inputs() == []
        assert "wevtutil could not be run" in source.problems[0].message


def test_wevtutil_timeout_is_a_problem(fake_windows, monkeypatch):
    def fake_run(cmd, **kwargs):
        raise subprocess.TimeoutExpired(cmd, kwargs["timeout"])

    monkeypatch.setattr(live_win.subprocess, "run", fake_run)
    with LiveSource() as source:
        assert source.event_inputs() == []
        assert "did not finish" in source.problems[0].message


def test_console_text_decodes_utf8_or_falls_back():
    assert live_win.decode_console("Zugriff verweigert ä".encode()) == "Zugriff verweigert ä"
    assert live_win.decode_console(b"caf\x82").startswith("caf")  # OEM bytes: no exception


def test_loaded_dump_modules_from_psapi(fake_windows, monkeypatch):
    monkeypatch.setattr(live_win, "enum_device_drivers",
                        lambda: ["ntoskrnl.exe", "dump_storport.sys", "DUMP_lsi_sas.sys", "storport.sys",
                                 "dump_diskdump.sys"])
    with LiveSource() as source:
        assert source.loaded_dump_modules() == ["dump_diskdump.sys", "DUMP_lsi_sas.sys",
                                                "dump_storport.sys"]


def test_loaded_dump_modules_unknown_is_none_never_an_empty_list(fake_windows, monkeypatch):
    def fail():
        raise OSError("EnumDeviceDrivers returned only NULL addresses")

    monkeypatch.setattr(live_win, "enum_device_drivers", fail)
    with LiveSource() as source:
        assert source.loaded_dump_modules() is None
        assert source.problems[0].step == "drivers" and "NULL" in source.problems[0].message


class FakePsapi:
    """EnumDeviceDrivers/GetDeviceDriverBaseNameW with the C contract: fill what fits, report the size
    needed; a name for each known address."""

    def __init__(self, modules: dict[int | None, str], grow_once: int = 0) -> None:
        self.modules = modules
        self.grow_once = grow_once
        self.enum_calls: list[int] = []

    def EnumDeviceDrivers(self, array, cb, needed_ref):
        self.enum_calls.append(cb)
        addresses = list(self.modules) + [0x1000 + i for i in range(self.grow_once)]
        self.grow_once = 0  # a driver set that changed once between two calls
        ptr = ctypes.sizeof(ctypes.c_void_p)
        needed_ref._obj.value = len(addresses) * ptr
        for i, addr in enumerate(addresses[: cb // ptr]):
            array[i] = addr
        return 1

    def GetDeviceDriverBaseNameW(self, base, buf, size):
        name = self.modules.get(base)
        if name is None:
            return 0
        buf.value = name
        return len(name)


def test_enum_device_drivers_grows_its_buffer_and_reads_64_bit_addresses():
    modules: dict[int | None, str] = {0xFFFFF800_00000000 + i * 0x10000: f"m{i}.sys" for i in range(700)}
    modules[0xFFFFF880_01234000] = "dump_diskdump.sys"
    psapi = FakePsapi(modules)
    names = live_win.enum_device_drivers(psapi)
    assert len(psapi.enum_calls) == 2 and psapi.enum_calls[1] > psapi.enum_calls[0]  # asked again
    assert "dump_diskdump.sys" in names and len(names) == 701


def test_enum_device_drivers_without_usable_addresses_raises_instead_of_claiming_none():
    with pytest.raises(OSError, match="NULL"):
        live_win.enum_device_drivers(FakePsapi({None: "x"}))  # 24H2 without SeDebugPrivilege
    with pytest.raises(OSError, match="resolved none"):
        live_win.enum_device_drivers(FakePsapi({0x1234: ""}))  # addresses that resolve to nothing


class FakeTokenApi:
    def __init__(self, elevated: int, fail_info: bool = False) -> None:
        self.elevated = elevated
        self.fail_info = fail_info
        self.closed: list[int] = []

    def GetCurrentProcess(self):
        return -1

    def OpenProcessToken(self, process, access, token_ref):
        assert access == 0x0008  # TOKEN_QUERY only
        token_ref._obj.value = 0x44
        return 1

    def GetTokenInformation(self, token, cls, info_ref, size, returned_ref):
        assert cls == 20 and size == 4  # TokenElevation, a DWORD
        if self.fail_info:
            return 0
        info_ref._obj.TokenIsElevated = self.elevated
        return 1

    def CloseHandle(self, token):
        self.closed.append(token.value)
        return 1


def test_elevation_from_the_token_and_the_handle_is_closed():
    api = FakeTokenApi(1)
    assert live_win.token_is_elevated(api) is True
    assert api.closed == [0x44]
    assert live_win.token_is_elevated(FakeTokenApi(0)) is False
    failing = FakeTokenApi(1, fail_info=True)
    with pytest.raises(OSError):
        live_win.token_is_elevated(failing)
    assert failing.closed == [0x44]


def test_windows_calls_off_windows_fail_cleanly(fake_windows, monkeypatch):
    monkeypatch.undo()  # the real functions, on Linux
    with pytest.raises(OSError):
        live_win.is_user_an_admin()
    with pytest.raises(OSError):
        live_win.enum_device_drivers()
    assert live_win.is_wow64() is False


def test_unknown_elevation_is_none_and_not_reported_as_missing(fake_windows, monkeypatch):
    def unknown():
        raise OSError("no shell32")

    monkeypatch.setattr(live_win, "is_user_an_admin", unknown)
    with LiveSource() as source:
        assert source.elevated() is None
        assert source.missing == []


def test_wow64_is_detected_from_the_environment_when_the_api_is_not_there(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "maxsize", 2**31 - 1)  # a 32-bit Python
    monkeypatch.setenv("PROCESSOR_ARCHITEW6432", "AMD64")
    assert live_win.is_wow64() is True
    monkeypatch.delenv("PROCESSOR_ARCHITEW6432")
    assert live_win.is_wow64() is False
    monkeypatch.setattr(sys, "maxsize", 2**63 - 1)  # a 64-bit process is never redirected
    monkeypatch.setenv("PROCESSOR_ARCHITEW6432", "AMD64")
    assert live_win.is_wow64() is False


def test_32_bit_process_on_64_bit_windows_reads_drivers_through_sysnative(fake_windows, monkeypatch):
    # What a 32-bit process sees: System32\drivers is SysWOW64's (no storage drivers); Sysnative is
    # the real one.
    native = fake_windows / "Sysnative" / "drivers"
    native.mkdir(parents=True)
    (native / "viostor.sys").write_bytes(b"MZ")
    monkeypatch.setattr(live_win, "is_wow64", lambda: True)
    with LiveSource() as source:
        assert source.driver_file("viostor.sys", r"System32\drivers\viostor.sys") == native / "viostor.sys"
        assert source.driver_file("viostor.sys", None) == native / "viostor.sys"
        assert source.dump_files(CrashControl()) == [fake_windows / "Minidump" / "a.dmp"]  # not redirected
    monkeypatch.setattr(live_win, "is_wow64", lambda: False)
    with LiveSource() as source:
        assert source.driver_file("viostor.sys", r"System32\drivers\viostor.sys") is None


def test_system_root_from_environment(monkeypatch):
    monkeypatch.setenv("SYSTEMROOT", r"D:\WINNT")
    assert live_win.system_root() == r"D:\WINNT"


def test_resolve_expands_system_root(fake_windows):
    with LiveSource() as source:
        assert source.resolve(r"%SystemRoot%\MINIDUMP\A.DMP") == fake_windows / "Minidump" / "a.dmp"
        assert source.resolve(r"%SystemRoot%\MEMORY.DMP") is None  # not there
        assert source.resolve(r"\??\E:\dumps\x.dmp") == Path(r"E:\dumps\x.dmp")
