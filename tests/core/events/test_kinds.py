"""Typed views per event kind and Windows version; unknown shapes degrade to None, never raise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.events import classify, read_events
from core.events.kinds import (
    BugCheck1001,
    EventLogService,
    KernelGeneral,
    KernelPower41,
    KernelPower42,
    Resume,
    UnexpectedShutdown6008,
    VolmgrEvent,
    WheaError,
)
from core.events.model import EventInput, EventRecord
from tests.builders import events as b

T0 = b.at("2013-05-07 10:00:00")


def _typed(tmp_path, ev: b.Ev):
    path = b.write_export(tmp_path / "one.xml", [ev])
    (record,) = read_events(EventInput("xml", path, "one.xml")).records
    return classify(record)


@pytest.mark.parametrize("shape", b.SHAPES)
def test_kernel_power_41_bugcheck_fields_every_version(tmp_path, shape):
    params = (0x0, 0x2, 0x0, 0xFFFFF88001234567)
    kp = _typed(tmp_path, b.kernel_power_41(T0, shape=shape, bugcheck=209, params=params))
    assert isinstance(kp, KernelPower41)
    assert kp.bugcheck_code == 0xD1  # the log holds 209 in decimal
    assert kp.bugcheck_hex == "0x000000D1"
    assert kp.bugcheck_parameters == params


def test_kernel_power_41_sleep_in_progress_is_bool_on_win7_and_number_on_win10(tmp_path):
    win7 = _typed(tmp_path, b.kernel_power_41(T0, shape="win7", sleep=True))
    win10 = _typed(tmp_path, b.kernel_power_41(T0, shape="win10", sleep=5))
    win10_idle = _typed(tmp_path, b.kernel_power_41(T0, shape="win10", sleep=0))
    vista = _typed(tmp_path, b.kernel_power_41(T0, shape="vista"))
    assert isinstance(win7, KernelPower41) and isinstance(win10, KernelPower41)
    assert (win7.sleep_in_progress, win7.sleep_in_progress_raw, win7.sleep_state) == (True, "true", None)
    assert (win10.sleep_in_progress, win10.sleep_in_progress_raw, win10.sleep_state) == (True, "5", 5)
    assert isinstance(win10_idle, KernelPower41) and win10_idle.sleep_in_progress is False
    assert isinstance(vista, KernelPower41) and vista.sleep_in_progress is None  # Vista has no such field
    assert win10.connected_standby_in_progress is False
    assert "SystemSleepTransitionsToOn" in win10.extra


@pytest.mark.parametrize(("shape", "dump_path"), [
    ("vista", r"C:\Windows\Minidump\Mini050713-01.dmp"),
    ("win7", r"C:\Windows\MEMORY.DMP"),
    ("win10", r"C:\WINDOWS\MEMORY.DMP"),
    ("message", r"C:\Windows\MEMORY.DMP"),
])
def test_bugcheck_1001_code_parameters_and_dump_path(tmp_path, shape, dump_path):
    params = (0x0, 0x2, 0x0, 0x8B4E3A2C)
    bc = _typed(tmp_path, b.bugcheck_1001(T0, code=0xD1, params=params, dump_path=dump_path, shape=shape))
    assert isinstance(bc, BugCheck1001)
    assert bc.bugcheck_code == 0xD1
    assert bc.bugcheck_parameters == params
    assert bc.dump_path == dump_path


def test_kernel_power_42_target_state_and_hibernate_reading(tmp_path):
    hib = _typed(tmp_path, b.kernel_power_42(T0, target_state=5))
    s3 = _typed(tmp_path, b.kernel_power_42(T0, target_state=4))
    fast_startup = _typed(tmp_path, b.kernel_power_42(T0, target_state=6, effective_state=5, shape="win10"))
    assert isinstance(hib, KernelPower42) and hib.toward_hibernate and hib.toward_sleep
    assert isinstance(s3, KernelPower42) and s3.toward_sleep and not s3.toward_hibernate
    assert isinstance(fast_startup, KernelPower42) and fast_startup.toward_hibernate


def test_6008_previous_shutdown_from_text_and_binary(tmp_path):
    before = b.at("2012-04-06 13:59:13")
    ev = _typed(tmp_path, b.eventlog_6008(T0, previous_shutdown=before, utc_offset_hours=-4))
    assert isinstance(ev, UnexpectedShutdown6008)
    assert ev.previous_shutdown_utc == before
    assert ev.previous_shutdown_local == "9:59:13 AM 4/6/2012"


def test_eventlog_uptime_and_version(tmp_path):
    up = _typed(tmp_path, b.eventlog(T0, 6013, uptime=1039089))
    ver = _typed(tmp_path, b.eventlog(T0, 6009))
    assert isinstance(up, EventLogService) and up.uptime_seconds == 1039089
    assert isinstance(ver, EventLogService) and ver.os_version and "7600" in ver.os_version


def test_volmgr_power_troubleshooter_kernel_general_whea(tmp_path):
    vol = _typed(tmp_path, b.volmgr(T0, 49))
    wake = _typed(tmp_path, b.power_troubleshooter_1(T0, sleep_time=T0 - timedelta(hours=8)))
    start = _typed(tmp_path, b.kernel_general(T0, 12, version=(6, 0, 6002, 18005)))
    stop = _typed(tmp_path, b.kernel_general(T0, 13))
    hw = _typed(tmp_path, b.whea(T0, 18))
    assert isinstance(vol, VolmgrEvent) and vol.dump_error and "page file" in vol.meaning
    assert vol.volume == r"\Device\HarddiskVolume2"
    assert isinstance(wake, Resume) and wake.sleep_time == T0 - timedelta(hours=8)
    assert isinstance(start, KernelGeneral) and start.version == "6.0.6002.18005"
    assert start.time == T0 - timedelta(seconds=1)
    assert isinstance(stop, KernelGeneral) and stop.time == T0
    assert isinstance(hw, WheaError) and hw.error_type == "Cache Hierarchy Error"


def test_volmgr_event_that_is_not_about_dumps_is_not_a_dump_error(tmp_path):
    vol = _typed(tmp_path, b.volmgr(T0, 57))
    assert isinstance(vol, VolmgrEvent) and not vol.dump_error


_PROVIDERS = ["Microsoft-Windows-Kernel-Power", "EventLog", "Microsoft-Windows-WER-SystemErrorReporting",
              "volmgr", "Microsoft-Windows-Power-Troubleshooter", "Microsoft-Windows-Kernel-General",
              "Microsoft-Windows-WHEA-Logger"]
_NAMES = ["BugcheckCode", "BugcheckParameter1", "SleepInProgress", "TargetState", "param1", "param2",
          "Data1", "Data2", "Data5", "Binary", "StartTime", "SleepTime", "EffectiveState", "Checkpoint"]


@settings(max_examples=150, deadline=None)
@given(provider=st.sampled_from(_PROVIDERS), event_id=st.sampled_from([1, 12, 13, 41, 42, 46, 107, 1001, 6005,
                                                                          6008, 6009, 6013, 18]),
       data=st.dictionaries(st.sampled_from(_NAMES), st.text(max_size=40), max_size=8),
       version=st.one_of(st.none(), st.integers(0, 255)))
@pytest.mark.fuzz
def test_unknown_versions_and_garbage_values_never_raise(provider, event_id, data, version):
    rec = EventRecord(provider, event_id, T0, version=version, data=data)
    try:
        typed = classify(rec)
    except Exception as exc:  # the invariant: classification of a record that was read never raises
        pytest.fail(f"{type(exc).__name__} escaped classify: {exc}")
    assert typed is None or typed.record is rec
    if isinstance(typed, KernelPower41) and typed.bugcheck_code is not None:
        assert typed.bugcheck_hex is not None
