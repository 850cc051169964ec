"""What the wizard's pages say, from the evidence model."""

from __future__ import annotations

from datetime import UTC, datetime

from core.diagnosis.model import ConfidenceInfo, NextStep, Verdict, VerdictId
from core.drivers.model import (
    BootMiniport,
    Confidence,
    DriverKind,
    FixCheck,
    FixState,
    PeInfo,
    StorageDriver,
    StorageReport,
)
from core.dumps.model import BugCheck, DumpInfo, DumpKind, Integrity, IntegrityStatus
from core.events.model import Timeline, TimelineEntry, TimelineKind
from core.evidence_ref import EvidenceRef
from core.wizard.present import (
    driver_table,
    dump_rows,
    hotfix_link,
    minidump_count,
    timeline_rows,
    timeline_statement,
)


def _restart(day: int, written: bool | None) -> TimelineEntry:
    return TimelineEntry(TimelineKind.UNEXPECTED_RESTART, datetime(2024, 3, day, 9, 0, tzinfo=UTC),
                         "The computer restarted without shutting down cleanly.",
                         dump_written=written,
                         events=[EvidenceRef("event", f"System.evtx #{day}", "Kernel-Power 41")])


def test_statement_for_restarts_without_any_dump() -> None:
    tl = Timeline(entries=[_restart(12, False), _restart(14, False), _restart(20, False)])
    assert timeline_statement(tl) == ("3 unexpected restarts since 12 March 2024; "
                                      "no dump file was written for any of them.")


def test_statement_singular_and_mixed() -> None:
    assert timeline_statement(Timeline(entries=[_restart(2, False)])) == (
        "1 unexpected restart since 2 March 2024; no dump file was written for it.")
    mixed = Timeline(entries=[_restart(2, True), _restart(3, False), _restart(4, None)])
    assert timeline_statement(mixed) == ("3 unexpected restarts since 2 March 2024; a dump file was "
                                         "written for 1, none for 1, unknown for 1.")


def test_statement_without_restarts_or_without_log() -> None:
    assert "No unexpected restarts" in timeline_statement(Timeline())
    assert "unknown" in timeline_statement(None)


def test_timeline_rows_list_the_events_behind_each_restart() -> None:
    boot = TimelineEntry(TimelineKind.BOOT, datetime(2024, 3, 1, tzinfo=UTC), "Started.")
    rows = timeline_rows(Timeline(entries=[boot, _restart(12, False)]))
    assert len(rows) == 1
    assert "System.evtx #12" in rows[0].events
    assert rows[0].time == "2024-03-12 09:00 UTC"


def test_dump_rows_name_the_stop_code_and_integrity() -> None:
    dump = DumpInfo(path="C:/Windows/Minidump/a.dmp", kind=DumpKind.KERNEL, dump_type="small",
                    bugcheck=BugCheck(0xD1, (0, 2, 0, 0), "DRIVER_IRQL_NOT_LESS_OR_EQUAL", "x"),
                    integrity=Integrity(IntegrityStatus.TRUNCATED, "The file is cut short."),
                    faulting_driver="vsmraid.sys", file_size=300_000)
    full = DumpInfo(path="C:/Windows/MEMORY.DMP", kind=DumpKind.KERNEL, dump_type="kernel",
                    file_size=3 * 1024**3)
    rows = dump_rows([dump, full])
    assert rows[0].bugcheck == "DRIVER_IRQL_NOT_LESS_OR_EQUAL (0x000000D1)"
    assert rows[0].faulting_driver == "vsmraid.sys"
    assert not rows[0].integrity_ok and rows[1].integrity_ok
    assert rows[1].bugcheck == "not recorded"
    assert minidump_count([dump, full]) == 1


def test_driver_table_flags_virtual_miniports_and_an_unfixed_diskdump() -> None:
    pe = PeInfo(path="x", machine="x64", bits=64, timestamp=0, file_version="1.2.3.4", company="Acme")
    storage = StorageReport(
        drivers=[StorageDriver("vmstor", "vmstor.sys", "x", pe, DriverKind.STORPORT_VIRTUAL,
                               Confidence.HIGH, ["imports StorPortInitialize"], in_use=True),
                 StorageDriver("atapi", "atapi.sys", None, None, DriverKind.UNKNOWN, Confidence.LOW,
                               error="file not found")],
        boot_miniport=BootMiniport("vmstor", "only boot-start miniport with a device", Confidence.MEDIUM),
        diskdump=FixCheck("diskdump.sys", "6.1.7600.16385", "GDR", "6.1.7600.20882", FixState.NOT_FIXED,
                          "This Diskdump.sys predates the fix."))
    t = driver_table(storage)
    assert [r.virtual for r in t.drivers] == [True, False]
    assert t.drivers[0].version == "1.2.3.4" and t.drivers[0].vendor == "Acme"
    assert t.drivers[1].why == "file not found"
    assert t.fixes[0].needs_attention and t.fixes[0].status == "NOT the fixed version"
    assert "vmstor" in t.boot_miniport
    assert driver_table(None).drivers == []


def _driver(name: str, kind: DriverKind, *, in_use: bool = False) -> StorageDriver:
    return StorageDriver(name, f"{name}.sys", None, None, kind, Confidence.HIGH, in_use=in_use)


def test_driver_table_shows_the_virtual_miniport_first_else_the_one_in_use() -> None:
    physical = _driver("lsi_sas", DriverKind.STORPORT_PHYSICAL)
    in_use = _driver("iastor", DriverKind.STORPORT_PHYSICAL, in_use=True)
    virtual = _driver("vsmraid", DriverKind.STORPORT_VIRTUAL)
    with_virtual = driver_table(StorageReport(drivers=[physical, in_use, virtual]))
    assert with_virtual.drivers[with_virtual.focus_row].name == "vsmraid"
    without = driver_table(StorageReport(drivers=[physical, in_use]))
    assert without.drivers[without.focus_row].name == "iastor"


def test_hotfix_link_prefers_the_fix_step_over_the_verdicts_own_link() -> None:
    verdict = Verdict("issue", "Issue", VerdictId.MATCHES, None, "h", "e", "",
                      ConfidenceInfo(Confidence.HIGH, ""),
                      next_steps=[NextStep("why", "info", "Read this", link="https://example.org/info"),
                                  NextStep("install-hotfix", "fix", "Install", link="https://example.org/fix")],
                      link="https://example.org/article")
    assert hotfix_link(verdict) == "https://example.org/fix"
    verdict.next_steps.clear()
    assert hotfix_link(verdict) == "https://example.org/article"


def test_several_computers_are_shown_first_with_each_ones_answer(tmp_path) -> None:
    from datetime import UTC, datetime

    from core.diagnosis import diagnose
    from core.scan import scan
    from core.sources import open_source
    from core.wizard.present import machine_rows, machines_notice, select_machine, verdict_headline
    from tests.builders.events import boot, write_export
    from tests.builders.offline_root import Machine, memory_roots
    from tests.builders.regf import build_hive

    hive = tmp_path / "SYSTEM"
    hive.write_bytes(bytes(build_hive(memory_roots(Machine())["SYSTEM"]).data))  # TESTPC
    events = boot(datetime(2011, 3, 1, 9, 0, tzinfo=UTC))
    for ev in events:
        ev.computer = "OTHERPC"
    log = write_export(tmp_path / "other.xml", events)
    with open_source([hive, log]) as source:
        evidence = scan(source)
    diagnosis = diagnose(evidence)
    rows = machine_rows(diagnosis)
    assert [r.label for r in rows] == ["TESTPC", "OTHERPC"]
    assert len(rows[1].files) == 1 and rows[1].files[0].endswith("other.xml")
    notice = machines_notice(diagnosis)
    assert notice is not None and notice.startswith("These files come from 2 computers: TESTPC; OTHERPC")
    assert verdict_headline(diagnosis).startswith(notice)
    from core.wizard.present import verdict_views
    assert verdict_views(diagnosis)[0].headline.startswith(notice)  # the page's first block says it first
    other_diag, other_ev = select_machine(diagnosis, evidence, 1)
    assert other_ev.registry is None and other_ev.timeline is not None
    # OTHERPC is judged on its own log only: Windows 7600 is covered, its drivers were never seen.
    assert other_diag.verdict.id.value == "cant-tell"


def test_one_computer_has_no_notice() -> None:
    from core.diagnosis import diagnose
    from core.wizard.present import machines_notice, verdict_headline
    from tests.core.diagnosis.evidence_builder import Scenario

    diagnosis = diagnose(Scenario().build_evidence())
    assert machines_notice(diagnosis) is None
    assert verdict_headline(diagnosis) == diagnosis.verdict.headline


def test_readiness_lines_show_what_is_wrong_and_why_dumps_are_missing() -> None:
    from core.diagnosis import diagnose
    from core.wizard.present import readiness_lines
    from tests.core.diagnosis.evidence_builder import Scenario

    lines = readiness_lines(diagnose(Scenario(crash_dump_enabled=0).build_evidence()))
    assert lines[0].startswith("Not ready:")
    assert any(line.startswith("✗ Crash dumps are turned on") for line in lines)
    assert any("Turn crash dumps on" in line for line in lines)
    # The default scenario's crash (0xD1 while hibernating, no dump) is explained by the known issue.
    assert any(line.startswith("•") and "known issue" in line for line in lines)
