"""Every readiness check met / not met / unknown, on machines generated in the Vista, 7, 8.1, 10 and 11
registry layouts, read back through a bundle folder (the collector's layout, .reg exports, wmic CSVs,
event XML) by the real readers: what a helpdesk gets from the collector."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.osversion import build_to_version
from core.readiness.model import ReadinessId
from tests.builders.events import Ev, at, boot, kernel_power_41, volmgr
from tests.builders.offline_root import Machine
from tests.builders.windows_versions import GB, LAYOUT_NAMES, LAYOUTS, MB, machine_for, set_paging_files
from tests.core.readiness.helpers import NO, UNKNOWN, YES, check, readiness, scan_bundle

BIG_DISK = {"C:": 200 * GB}


@pytest.fixture(params=LAYOUT_NAMES)
def layout(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _ready_machine(layout: str, **cc: object) -> Machine:
    values = {"AlwaysKeepMemoryDump": 1, "DumpFilters": None, **cc}
    machine = machine_for(layout, **values)  # type: ignore[arg-type]
    if LAYOUTS[layout].build != 7601:
        machine.minidumps = []  # the builder's minidumps are Windows 7 SP1's: another computer's here
    return machine


def _started(layout: str) -> list[Ev]:
    """A whole System log with a start-up of this Windows and no dump-stack failure after it: the dump
    stack was set up (without it, or a minidump, the dump stack is unknown and readiness "can't tell")."""
    build = LAYOUTS[layout].build
    major, minor = build_to_version(build) or (6, 1)
    return boot(at("2024-05-01 08:00:00"), version=(major, minor, build, 0))


def test_a_well_configured_machine_is_ready(tmp_path: Path, layout: str) -> None:
    _ev, diag = scan_bundle(tmp_path / "b", _ready_machine(layout), _started(layout), free=BIG_DISK,
                            ram=8 * GB)
    r = readiness(diag)
    assert r.id is ReadinessId.READY, [(c.id, c.state, c.text) for c in r.checks]
    assert r.exit_code == 0
    assert check(diag, "dump-enabled").state is YES
    assert check(diag, "page-file").state is YES
    assert check(diag, "free-space").state is YES
    assert r.dump_type == ("kernel memory dump" if LAYOUTS[layout].build < 9200 else "automatic memory dump")


# -- CrashDumpEnabled --------------------------------------------------------------------------------

def test_dumps_turned_off_means_not_ready(tmp_path: Path, layout: str) -> None:
    _ev, diag = scan_bundle(tmp_path / "b", _ready_machine(layout, CrashDumpEnabled=0), free=BIG_DISK)
    c = check(diag, "dump-enabled")
    assert c.state is NO and "CrashDumpEnabled = 0" in c.text
    r = readiness(diag)
    assert r.id is ReadinessId.NOT_READY and r.exit_code == 1
    assert any(s.id == "enable-dumps" for s in r.next_steps)
    assert c.sources[0].link and "memory-dump-file-options" in c.sources[0].link
    # The page file check no longer applies: nothing would be written to it.
    assert check(diag, "page-file").applies is False


def test_absent_crash_dump_enabled_is_unknown_not_off(tmp_path: Path, layout: str) -> None:
    _ev, diag = scan_bundle(tmp_path / "b", _ready_machine(layout, CrashDumpEnabled=None), free=BIG_DISK)
    assert check(diag, "dump-enabled").state is UNKNOWN
    assert readiness(diag).id is ReadinessId.CANT_TELL


# -- page file -----------------------------------------------------------------------------------------

def test_no_page_file_on_the_boot_volume(tmp_path: Path, layout: str) -> None:
    machine = set_paging_files(_ready_machine(layout), ["D:\\pagefile.sys 4096 4096"])
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK)
    c = check(diag, "page-file")
    assert c.state is NO and "no page file on the boot volume" in c.text
    assert readiness(diag).id is ReadinessId.NOT_READY


def test_complete_dump_with_a_small_page_file_names_both_sizes(tmp_path: Path, layout: str) -> None:
    machine = set_paging_files(_ready_machine(layout, CrashDumpEnabled=1), ["C:\\pagefile.sys 1024 1024"])
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK, ram=16 * GB)
    c = check(diag, "page-file")
    assert c.state is NO
    # KB 254649: RAM + 257 MB = 16384 + 257 MB.
    assert "is 1 GB" in c.text and "needs 16.3 GB" in c.text, c.text


def test_complete_dump_with_enough_page_file(tmp_path: Path, layout: str) -> None:
    machine = set_paging_files(_ready_machine(layout, CrashDumpEnabled=1), ["C:\\pagefile.sys 16700 16700"])
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK, ram=16 * GB)
    assert check(diag, "page-file").state is YES


def test_complete_dump_without_ram_is_unknown(tmp_path: Path, layout: str) -> None:
    machine = set_paging_files(_ready_machine(layout, CrashDumpEnabled=1), ["C:\\pagefile.sys 1024 1024"])
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK)
    assert check(diag, "page-file").state is UNKNOWN
    assert readiness(diag).id is ReadinessId.CANT_TELL


def test_kernel_dump_page_file_smaller_than_ram_kb949052(tmp_path: Path, layout: str) -> None:
    machine = set_paging_files(_ready_machine(layout, CrashDumpEnabled=2), ["C:\\pagefile.sys 2048 4096"])
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK, ram=8 * GB)
    c = check(diag, "page-file")
    assert c.state is NO and "KB 949052" in c.text
    # IgnorePagefileSize = 1 is the documented workaround.
    machine = set_paging_files(_ready_machine(layout, CrashDumpEnabled=2, IgnorePagefileSize=1),
                               ["C:\\pagefile.sys 2048 4096"])
    _ev, diag = scan_bundle(tmp_path / "c", machine, free=BIG_DISK, ram=8 * GB)
    assert check(diag, "page-file").state is YES


def test_page_file_settings_absent_is_unknown(tmp_path: Path, layout: str) -> None:
    machine = set_paging_files(_ready_machine(layout), None)
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK)
    assert check(diag, "page-file").state is UNKNOWN
    assert readiness(diag).id is ReadinessId.CANT_TELL


# -- dedicated dump file -------------------------------------------------------------------------------

def test_dedicated_dump_file(tmp_path: Path, layout: str) -> None:
    _ev, diag = scan_bundle(tmp_path / "a", _ready_machine(layout), free=BIG_DISK)
    assert check(diag, "dedicated-dump-file").applies is False
    machine = _ready_machine(layout, DedicatedDumpFile="D:\\dd.sys", DumpFileSize=8192)
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK)
    assert check(diag, "dedicated-dump-file").state is UNKNOWN  # a bundle cannot see D:\dd.sys
    assert check(diag, "page-file").applies is False  # the dedicated file takes its place
    assert readiness(diag).id is ReadinessId.CANT_TELL  # it is then the essential fact
    start = at("2024-05-01 08:00:00")
    events = [*boot(start), volmgr(start.replace(minute=1), 164)]
    _ev, diag = scan_bundle(tmp_path / "c", machine, events, free=BIG_DISK)
    c = check(diag, "dedicated-dump-file")
    assert c.state is NO and "volmgr 164" in c.text
    machine = _ready_machine(layout, CrashDumpEnabled=1, DedicatedDumpFile="D:\\dd.sys", DumpFileSize=1024)
    _ev, diag = scan_bundle(tmp_path / "d", machine, free=BIG_DISK, ram=8 * GB)
    assert check(diag, "dedicated-dump-file").state is NO


# -- free space and AlwaysKeepMemoryDump ------------------------------------------------------------------

def test_free_space(tmp_path: Path, layout: str) -> None:
    machine = _ready_machine(layout, CrashDumpEnabled=1)
    _ev, diag = scan_bundle(tmp_path / "a", machine, free={"C:": 2 * GB}, ram=16 * GB)
    c = check(diag, "free-space")
    assert c.state is NO and "2 GB free" in c.text, c.text
    _ev, diag = scan_bundle(tmp_path / "b", machine, free={"C:": 100 * GB}, ram=16 * GB)
    assert check(diag, "free-space").state is YES
    _ev, diag = scan_bundle(tmp_path / "c", machine)
    assert check(diag, "free-space").state is UNKNOWN
    assert any(m.what == "volumes" for m in readiness(diag).missing)


def test_always_keep_memory_dump(tmp_path: Path, layout: str) -> None:
    _ev, diag = scan_bundle(tmp_path / "a", _ready_machine(layout, AlwaysKeepMemoryDump=1))
    assert check(diag, "always-keep-memory-dump").state is YES
    machine = _ready_machine(layout, AlwaysKeepMemoryDump=None)
    _ev, diag = scan_bundle(tmp_path / "b", machine, _started(layout), free={"C:": 10 * GB}, ram=4 * GB)
    c = check(diag, "always-keep-memory-dump")
    assert c.state is NO and c.unconfirmed  # the 25 GB threshold is not confirmed, and it says so
    assert readiness(diag).id is ReadinessId.DEGRADED and readiness(diag).exit_code == 5
    _ev, diag = scan_bundle(tmp_path / "c", machine)
    assert check(diag, "always-keep-memory-dump").state is UNKNOWN


# -- AutoReboot, dump filters, dump stack ---------------------------------------------------------------

def test_auto_reboot(tmp_path: Path, layout: str) -> None:
    _ev, diag = scan_bundle(tmp_path / "a", _ready_machine(layout, AutoReboot=0), _started(layout),
                            free=BIG_DISK, ram=GB)
    assert check(diag, "auto-reboot").state is NO
    assert readiness(diag).id is ReadinessId.DEGRADED
    _ev, diag = scan_bundle(tmp_path / "b", _ready_machine(layout, AutoReboot=None), free=BIG_DISK)
    assert check(diag, "auto-reboot").state is UNKNOWN
    _ev, diag = scan_bundle(tmp_path / "c", _ready_machine(layout, AutoReboot=1), free=BIG_DISK)
    assert check(diag, "auto-reboot").state is YES


def test_dump_filters_in_a_bundle_cannot_be_seen(tmp_path: Path, layout: str) -> None:
    _ev, diag = scan_bundle(tmp_path / "a", _ready_machine(layout), free=BIG_DISK)
    assert check(diag, "dump-filters").state is YES  # none configured
    machine = _ready_machine(layout, DumpFilters=["dumpfve.sys"])
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK)
    c = check(diag, "dump-filters")
    assert c.state is UNKNOWN and "dumpfve.sys" in c.text  # a bundle does not prove the file is absent


@pytest.mark.parametrize("event_id", [44, 45, 46, 49])
def test_dump_stack_not_set_up_at_the_last_boot(tmp_path: Path, event_id: int) -> None:
    start = at("2024-05-01 08:00:00")
    events = [*boot(start), volmgr(start.replace(minute=1), event_id)]
    _ev, diag = scan_bundle(tmp_path / "b", _ready_machine("10"), events, free=BIG_DISK)
    c = check(diag, "dump-stack")
    assert c.state is NO and f"volmgr/{event_id}" in c.text
    assert readiness(diag).id is ReadinessId.NOT_READY


def test_dump_stack_error_of_an_earlier_boot_does_not_count(tmp_path: Path) -> None:
    start = at("2024-05-01 08:00:00")
    events = [*boot(start), volmgr(start.replace(minute=1), 46), *boot(at("2024-05-02 08:00:00"))]
    machine = _ready_machine("10")
    machine.minidumps = []
    _ev, diag = scan_bundle(tmp_path / "b", machine, events, free=BIG_DISK)
    # Fixed since: the whole log shows a later start-up with no such failure.
    assert check(diag, "dump-stack").state is YES


def test_dump_stack_is_unknown_without_a_dump_a_live_list_or_a_whole_log(tmp_path: Path) -> None:
    machine = _ready_machine("10")
    machine.minidumps = []
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK)
    assert check(diag, "dump-stack").state is UNKNOWN
    r = readiness(diag)
    # An unknown dump stack could be why no dump is written: never "ready" on it.
    assert r.id is ReadinessId.CANT_TELL and r.exit_code == 4
    assert "The dump stack (dump_*.sys) was set up" in r.explanation


def test_ready_names_the_checks_that_were_not_known(tmp_path: Path) -> None:
    start = at("2024-05-01 08:00:00")
    machine = _ready_machine("10")
    machine.minidumps = []
    _ev, diag = scan_bundle(tmp_path / "b", machine, boot(start), free=BIG_DISK, ram=8 * GB)
    r = readiness(diag)
    unknown = [c.label for c in r.checks if c.applies and c.state is UNKNOWN]
    assert r.id is ReadinessId.READY and unknown
    assert all(not c.essential for c in r.checks if c.label in unknown)
    assert f"{len(unknown)} checks were not known" in r.explanation
    assert all(label in r.explanation for label in unknown)


def test_dump_stack_recorded_in_the_last_dump(tmp_path: Path) -> None:
    _ev, diag = scan_bundle(tmp_path / "b", _ready_machine("7"), free=BIG_DISK)
    # The generated minidumps hold dump_diskdump.sys / dump_lsi_sas.sys in their driver lists.
    c = check(diag, "dump-stack")
    assert c.state is YES and "dump_" in c.text


# -- hibernation ---------------------------------------------------------------------------------------------

def test_hibernation_that_crashed_is_a_failed_rehearsal(tmp_path: Path) -> None:
    start = at("2024-05-01 08:00:00")
    events = [*boot(start), kernel_power_41(at("2024-05-01 20:00:00"), bugcheck=0xA, sleep=True)]
    _ev, diag = scan_bundle(tmp_path / "b", _ready_machine("7"), events, free=BIG_DISK)
    assert check(diag, "hibernation-path").state is NO
    # Hibernation off: the check does not apply.
    machine = _ready_machine("7")
    machine.system["ControlSet001\\Control\\Power"] = {"HibernateEnabled": (4, 0)}
    _ev, diag = scan_bundle(tmp_path / "c", machine, free=BIG_DISK)
    assert check(diag, "hibernation-path").applies is False


def test_collector_csv_is_read_from_utf16_wmic_output(tmp_path: Path) -> None:
    ev, _diag = scan_bundle(tmp_path / "b", _ready_machine("7"), free={"C:": 5 * GB, "D:": 7 * GB},
                            ram=3 * GB,
                            page_files_mb={"C:\\pagefile.sys": 3072}, dump_stack_log="dump stack log line")
    vf = ev.volume_facts
    assert vf is not None
    assert vf.space("C:") is not None and vf.space("C:").free_bytes == 5 * GB  # type: ignore[union-attr]
    assert vf.ram_bytes == 3 * GB
    assert vf.page_file_sizes_mb == {"c:\\pagefile.sys": 3072}
    assert vf.dump_stack_logs and vf.dump_stack_logs[0].text == "dump stack log line"
    assert MB  # the sizes above are whole units on purpose


def test_system_managed_page_file_that_could_not_grow(tmp_path: Path, layout: str) -> None:
    machine = _ready_machine(layout, CrashDumpEnabled=1)  # ?:\pagefile.sys, system managed
    _ev, diag = scan_bundle(tmp_path / "a", machine, free=BIG_DISK, ram=16 * GB,
                            page_files_mb={"C:\\pagefile.sys": 2048})
    c = check(diag, "page-file")
    assert c.state is NO and "is 2 GB" in c.text and "16.3 GB" in c.text, c.text
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK, ram=16 * GB,
                            page_files_mb={"C:\\pagefile.sys": 17000})
    assert check(diag, "page-file").state is YES


def test_hibernation_without_a_system_log_is_not_said_to_have_never_failed(tmp_path: Path) -> None:
    """A SYSTEM hive alone (the real Windows 7 one): "Hibernation is on and no failed hibernation was
    recorded" was a [yes] although no System log, where a failure would be recorded, was read."""
    _ev, diag = scan_bundle(tmp_path / "b", _ready_machine("7"), free=BIG_DISK)  # no events
    hib = check(diag, "hibernation-path")
    assert hib.applies and hib.state is UNKNOWN
    assert "System log" in hib.text
    start = at("2024-05-01 08:00:00")
    _ev, diag = scan_bundle(tmp_path / "c", _ready_machine("7"), [*boot(start)], free=BIG_DISK)
    assert check(diag, "hibernation-path").state is YES  # a log was read and holds no failure


def test_a_value_that_is_not_set_is_never_shown_as_python_none(tmp_path: Path) -> None:
    """The real Windows 7 hive: "AlwaysKeepMemoryDump = None  [HKLM\\...\\CrashControl]"."""
    import re

    machine = machine_for("7", AlwaysKeepMemoryDump=None, AutoReboot=None, CrashDumpEnabled=2)
    _ev, diag = scan_bundle(tmp_path / "b", machine, free=BIG_DISK)
    texts = [i.text for c in readiness(diag).checks for i in c.evidence]
    assert any("AlwaysKeepMemoryDump is not set" in t for t in texts)
    assert not [t for t in texts if re.search(r"\b(None|True|False)\b", t)]
