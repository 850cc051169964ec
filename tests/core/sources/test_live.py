"""The live Windows source, run on any OS: every Windows-only call is replaced by a fake, so what the
source does with the answers (and with failures) is tested everywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import UnreadableError, UsageError
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
    roots = {"SYSTEM": MemoryKey("SYSTEM", "HKLM\\SYSTEM", "live registry"),
             "SOFTWARE": MemoryKey("SOFTWARE", "HKLM\\SOFTWARE", "live registry")}
    monkeypatch.setattr(live, "_open_live_root", lambda name: roots[name])
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
    monkeypatch.setattr(live, "_open_live_root", lambda name: None)
    with LiveSource() as source:
        assert source.registry().system is None
        assert {m.what for m in source.missing} == {"system-hive", "software-hive"}


def test_live_registry_error_is_a_problem(fake_windows, monkeypatch):
    def boom(name):
        raise UnreadableError("the live registry exists only on Windows", path="live registry")

    monkeypatch.setattr(live, "_open_live_root", boom)
    with LiveSource() as source:
        assert source.registry().system is None
        assert [p.path for p in source.problems] == ["HKLM\\SYSTEM", "HKLM\\SOFTWARE"]


def test_not_elevated_is_reported(fake_windows, monkeypatch):
    monkeypatch.setattr(live_win, "is_user_an_admin", lambda: False)
    with LiveSource() as source:
        assert source.elevated() is False
        assert [m.what for m in source.missing] == ["admin"]


def test_events_query_uses_an_xpath_filter_and_a_private_file_removed_on_close(fake_windows, monkeypatch):
    calls = []

    def fake_run(cmd, stdout, stderr, timeout, check):
        calls.append(cmd)
        stdout.write(b"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'/>")
        return subprocess.CompletedProcess(cmd, 0, None, b"")

    monkeypatch.setattr(live_win.subprocess, "run", fake_run)
    source = LiveSource()
    (inp,) = source.event_inputs()
    assert inp.kind == "xml" and inp.path.read_bytes().startswith(b"<Event")
    (cmd,) = calls
    assert cmd[:3] == ["wevtutil", "qe", "System"] and cmd[-1] == "/f:xml"
    query = cmd[3]
    assert "Provider[@Name='Microsoft-Windows-Kernel-Power'] and (EventID=41" in query
    assert "Provider[@Name='EventLog'] and (EventID=6005 or EventID=6006 or EventID=6008" in query
    assert "EventID=1001" in query and "Provider[@Name='volmgr']" in query
    folder = inp.path.parent
    source.close()
    assert not folder.exists()


def test_wevtutil_failure_is_a_problem_and_missing_log(fake_windows, monkeypatch):
    def fake_run(cmd, stdout, stderr, timeout, check):
        return subprocess.CompletedProcess(cmd, 5, None, b"Access is denied.")

    monkeypatch.setattr(live_win.subprocess, "run", fake_run)
    with LiveSource() as source:
        assert source.event_inputs() == []
        assert "Access is denied" in source.problems[0].message
        assert "event-log" in {m.what for m in source.missing}


def test_wevtutil_absent_is_a_problem(fake_windows, monkeypatch):
    def fake_run(*args, **kwargs):
        raise FileNotFoundError(2, "No such file", "wevtutil")

    monkeypatch.setattr(live_win.subprocess, "run", fake_run)
    with LiveSource() as source:
        assert source.event_inputs() == []
        assert "wevtutil could not be run" in source.problems[0].message


def test_loaded_dump_modules_from_psapi(fake_windows, monkeypatch):
    monkeypatch.setattr(live_win, "enum_device_drivers",
                        lambda: ["ntoskrnl.exe", "dump_storport.sys", "DUMP_lsi_sas.sys", "storport.sys",
                                 "dump_diskdump.sys"])
    with LiveSource() as source:
        assert source.loaded_dump_modules() == ["dump_diskdump.sys", "DUMP_lsi_sas.sys",
                                                "dump_storport.sys"]


def test_loaded_dump_modules_fall_back_to_driverquery(fake_windows, monkeypatch):
    def no_psapi():
        raise OSError("EnumDeviceDrivers is only available on Windows")

    monkeypatch.setattr(live_win, "enum_device_drivers", no_psapi)
    csv_out = b'"Module Name","Display Name","Driver Type","Link Date"\r\n"dump_x","dump","Kernel",""\r\n'
    monkeypatch.setattr(live_win.subprocess, "run",
                        lambda cmd, **kw: subprocess.CompletedProcess(cmd, 0, csv_out, b""))
    with LiveSource() as source:
        assert source.loaded_dump_modules() == ["dump_x"]


def test_loaded_dump_modules_unavailable_is_a_problem(fake_windows, monkeypatch):
    def fail():
        raise OSError("nope")

    monkeypatch.setattr(live_win, "enum_device_drivers", fail)
    monkeypatch.setattr(live_win, "driverquery_modules", fail)
    with LiveSource() as source:
        assert source.loaded_dump_modules() is None
        assert source.problems[0].step == "drivers"


def test_windows_calls_off_windows_fail_cleanly(monkeypatch):
    monkeypatch.delattr("ctypes.windll", raising=False)
    assert live_win.is_user_an_admin() is False
    with pytest.raises(OSError):
        live_win.enum_device_drivers()


def test_system_root_from_environment(monkeypatch):
    monkeypatch.setenv("SYSTEMROOT", r"D:\WINNT")
    assert live_win.system_root() == r"D:\WINNT"


def test_resolve_expands_system_root(fake_windows):
    with LiveSource() as source:
        assert source.resolve(r"%SystemRoot%\MINIDUMP\A.DMP") == fake_windows / "Minidump" / "a.dmp"
        assert source.resolve(r"%SystemRoot%\MEMORY.DMP") is None  # not there
        assert source.resolve(r"\??\E:\dumps\x.dmp") == Path(r"E:\dumps\x.dmp")
