"""The scan: every reader's failure is a Problem and the scan goes on; progress per item; cancel
stops between items; what is absent is listed; and every kind of source gives the same evidence."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core import scan as scan_module
from core.dumps.model import DumpInfo, DumpKind, Integrity, IntegrityStatus
from core.errors import Cancelled, FormatError
from core.events.model import EventReadResult, Timeline
from core.evidence_ref import Missing
from core.progress import CancelToken, ProgressUpdate
from core.registry.model import RegistryFacts
from core.scan import scan
from core.sources import open_source
from core.sources import registry_load as registry_load_module
from core.sources.base import EventInput
from tests.builders import events as ev_builders
from tests.builders.fake_source import FakeSource
from tests.builders.offline_root import Machine, memory_roots, write_bundle_folder, write_offline_root


def fake_source(dumps: list[Path], events: list[EventInput] | None = None) -> FakeSource:
    """A bundle without drivers whose MEMORY.DMP is a header excerpt of a 16 GB dump."""
    return FakeSource(dumps=dumps, events=events, excerpts={"MEMORY.DMP": 16 << 30},
                      missing=[Missing("drivers", "No driver files in this bundle.")])


def _fake_dump(path: Path) -> DumpInfo:
    if path.name.startswith("bad"):
        raise FormatError("not a crash dump", path=path, offset=0, expected="PAGEDU64")
    if path.name.startswith("bug"):
        raise ValueError("reader bug")
    if path.name.startswith("locked"):
        raise PermissionError(13, "Permission denied")
    day = int(path.stem.split("-")[-1]) if "-" in path.stem else 1
    return DumpInfo(str(path), DumpKind.KERNEL, system_time=datetime(2011, 3, day, tzinfo=UTC))


@pytest.fixture
def fake_dumps(monkeypatch):
    monkeypatch.setattr(scan_module, "read_dump", _fake_dump)


def test_per_file_errors_are_problems_and_the_scan_goes_on(fake_dumps):
    paths = [Path("/e/d-02.dmp"), Path("/e/bad.dmp"), Path("/e/bug.dmp"), Path("/e/locked.dmp"),
             Path("/e/d-09.dmp")]
    ev = scan(fake_source(paths))
    assert [Path(d.path).name for d in ev.dumps] == ["d-09.dmp", "d-02.dmp"]  # newest crash first
    by_path = {Path(p.path).name: p for p in ev.problems}
    assert "not a crash dump" in by_path["bad.dmp"].message
    assert "internal error" in by_path["bug.dmp"].message
    assert "permission denied" in by_path["locked.dmp"].message
    assert all(p.step == "dumps" for p in ev.problems)


def test_cancel_stops_between_items(fake_dumps, monkeypatch):
    token = CancelToken()
    seen: list[ProgressUpdate] = []

    def progress(update: ProgressUpdate) -> None:
        seen.append(update)
        if update.step == "dumps" and update.done == 1:
            token.cancel()

    read: list[Path] = []

    def reading(path: Path) -> DumpInfo:
        read.append(path)
        return _fake_dump(path)

    monkeypatch.setattr(scan_module, "read_dump", reading)
    with pytest.raises(Cancelled):
        scan(fake_source([Path(f"/e/d-0{i}.dmp") for i in range(1, 6)]), progress, token)
    assert len(read) == 1
    assert not any(u.step == "events" for u in seen)


def test_progress_reports_each_step_and_item(fake_dumps):
    updates: list[ProgressUpdate] = []
    scan(fake_source([Path("/e/d-01.dmp"), Path("/e/d-02.dmp")]), updates.append)
    steps = [u.step for u in updates]
    # The log is read before the drivers are assessed: which computer each file is from decides which
    # dump stack belongs to the hive's drivers.
    assert steps.index("registry") < steps.index("dumps") < steps.index("events") < steps.index("drivers")
    dump_updates = [u for u in updates if u.step == "dumps" and u.total == 2]
    assert [u.done for u in dump_updates] == [0, 1, 2]
    assert dump_updates[0].message.endswith("d-01.dmp")


def test_missing_evidence_is_listed_once(fake_dumps):
    ev = scan(fake_source([]))
    whats = [m.what for m in ev.missing]
    assert whats.count("drivers") == 1
    assert {"system-hive", "event-log", "drivers"} <= set(whats)
    assert ev.registry is None and ev.timeline is None and ev.storage is None


def test_header_excerpt_is_not_reported_as_truncated(monkeypatch):
    def read(path: Path) -> DumpInfo:
        return DumpInfo(str(path), DumpKind.KERNEL,
                        integrity=Integrity(IntegrityStatus.TRUNCATED, "The file is truncated."))

    monkeypatch.setattr(scan_module, "read_dump", read)
    ev = scan(fake_source([Path("/b/dumps/MEMORY.DMP")]))
    (dump,) = ev.dumps
    assert dump.excerpt_of_size == 16 << 30
    assert dump.integrity is not None and dump.integrity.status is IntegrityStatus.HEADER_ONLY
    assert "16 GB" in dump.integrity.message


def test_source_failure_is_a_problem(monkeypatch):
    class Broken(FakeSource):
        def dump_files(self, crash_control):
            raise OSError(5, "Input/output error")

    ev = scan(Broken())
    assert any(p.path == "crash dump folders" and "Input/output" in p.message for p in ev.problems)


def test_events_are_read_and_handed_to_the_timeline(monkeypatch, fake_dumps):
    got: dict[str, object] = {}

    def read_events(inp, cancel):
        if inp.label == "broken.evtx":
            raise FormatError("not an event log", path=inp.path)
        return EventReadResult(origin=inp.label, records_read=10, unreadable_records=1,
                               notes=["dirty header"])

    def build_timeline(records, dumps, crash_control):
        got["dumps"] = dumps
        return Timeline()

    monkeypatch.setattr(scan_module, "read_events", read_events)
    monkeypatch.setattr(scan_module, "build_timeline", build_timeline)
    inputs = [EventInput("evtx", Path("/e/System.evtx"), "System.evtx"),
              EventInput("evtx", Path("/e/broken.evtx"), "broken.evtx")]
    ev = scan(fake_source([Path("/e/d-01.dmp")], inputs))
    assert ev.timeline is not None
    assert ev.timeline.records_read == 10 and ev.timeline.unreadable_records == 1
    assert ev.timeline.sources == ["System.evtx", "broken.evtx"]
    assert len(got["dumps"]) == 1
    assert any(p.path.endswith("broken.evtx") for p in ev.problems)
    assert any(p.message == "dirty header" for p in ev.problems)
    assert "event-log" not in {m.what for m in ev.missing}


def test_timeline_spans_every_record_read_not_only_the_relevant_ones(tmp_path):
    # The log's coverage ("events from ... to ...") must count the records the diagnosis ignores too.
    first = ev_builders.at("2011-03-01 08:00:00")
    boot_at = ev_builders.at("2011-03-02 08:00:00")
    last = ev_builders.at("2011-03-03 08:00:00")
    path = ev_builders.write_export(tmp_path / "System.xml", [
        ev_builders.unrelated(first, "Application Error", 1000), *ev_builders.boot(boot_at),
        ev_builders.unrelated(last, "Application Error", 1000)])
    ev = scan(fake_source([], [EventInput("xml", path, "System.xml")]))
    assert ev.timeline is not None
    assert ev.timeline.records_read == 5
    assert (ev.timeline.first_event, ev.timeline.last_event) == (first, last)
    assert ev.timeline.sources == ["System.xml"]


def test_registry_facts_error_is_a_problem(monkeypatch):
    def broken(system, software):
        raise FormatError("bad hive", path="SYSTEM")

    monkeypatch.setattr(scan_module, "read_registry_facts", broken)
    ev = scan(FakeSource(system=memory_roots(Machine())["SYSTEM"]))
    assert ev.registry is None
    assert ev.problems[0].step == "registry"


# -- integration with the real readers ----------------------------------------------------------


def _summary(ev) -> dict[str, object]:
    """What a user sees, without the paths that necessarily differ between sources."""
    reg: RegistryFacts = ev.registry
    storage = ev.storage
    return {
        "version": reg.system.version_text, "sp": reg.system.csd_version,
        "product": reg.system.product_name, "arch": reg.system.architecture,
        "crash_dump_enabled": reg.crash_control.crash_dump_enabled,
        "services": sorted(reg.services), "devices": sorted(d.instance_path for d in reg.devices),
        "dumps": [(d.bugcheck.code, d.system_time, d.dump_stack) for d in ev.dumps],
        "drivers": [(d.service, str(d.kind), d.in_use, d.pe.file_version if d.pe else None)
                    for d in storage.drivers],
        "boot_miniport": storage.boot_miniport.service,
        "diskdump": (storage.diskdump.state, storage.diskdump.version),
    }


def test_offline_root_and_bundle_give_the_same_evidence(tmp_path, monkeypatch):
    layout = write_offline_root(tmp_path / "vol")
    if not layout.hives_written:
        roots = memory_roots(Machine())
        config = layout.windows / "system32" / "config"
        for name in roots:
            (config / name).write_bytes(b"regf")
        monkeypatch.setattr(registry_load_module, "open_hive", lambda path: roots[path.name.upper()])
    write_bundle_folder(tmp_path / "bundle", renamed=True)
    with open_source(tmp_path / "vol") as offline, open_source(tmp_path / "bundle") as bundle:
        ev_offline, ev_bundle = scan(offline), scan(bundle)
    assert ev_offline.source_kind == "offline" and ev_bundle.source_kind == "bundle"
    assert _summary(ev_offline) == _summary(ev_bundle)
    summary = _summary(ev_bundle)
    assert summary["version"] == "6.1.7601" and summary["boot_miniport"] == "LSI_SAS"
    assert [code for code, _, _ in summary["dumps"]] == [0x7E, 0xD1]
    assert ev_bundle.problems == [] and ev_offline.problems == []


def test_zip_bundle_gives_the_same_evidence_as_its_folder(tmp_path):
    import zipfile

    folder = write_bundle_folder(tmp_path / "bundle")
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    with open_source(folder) as a, open_source(archive) as b:
        ev_a, ev_b = scan(a), scan(b)
        assert _summary(ev_a) == _summary(ev_b)
        assert all(d.path.startswith("bundle.zip!dumps/Minidump/") for d in ev_b.dumps)


def test_real_win7_hive_and_log_in_a_bundle(tmp_path, realdata):
    hive = realdata("hives/SYSTEM_win7sp1")
    log = realdata("evtx/System_win7sp1.evtx")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    shutil.copyfile(hive, bundle / "hive.bin")  # renamed: identified by content (a link out is refused)
    shutil.copyfile(log, bundle / "events.dat")
    with open_source(bundle) as source:
        ev = scan(source)
    # The hive is WKS-WIN732BITA, the log WKS-WIN764BITB (MANIFEST.md): two computers, never merged.
    assert [m.machine.label for m in ev.machines if m.machine] == ["WKS-WIN732BITA", "WKS-WIN764BITB"]
    hive_pc, log_pc = ev.machines
    assert hive_pc is ev and hive_pc.timeline is None and log_pc.registry is None
    assert ev.registry is not None and ev.registry.crash_control is not None
    assert ev.registry.crash_control.crash_dump_enabled == 2
    assert "software-hive" in {m.what for m in ev.missing}
    assert log_pc.os_version is not None and log_pc.os_version.chosen.text == "6.1.7601"
    assert log_pc.timeline is not None and len(log_pc.timeline.unexpected_restarts()) == 2


def _scan_bundle(folder: Path):
    with open_source(folder) as source:
        return scan(source)


def test_without_software_hive_the_build_comes_from_the_newest_crash_dump(tmp_path):
    ev = _scan_bundle(write_bundle_folder(tmp_path / "b", Machine(software={})))
    assert ev.registry.system.build == 7601  # the builder's dump headers say 7601
    assert (ev.registry.system.major, ev.registry.system.minor) == (6, 1)
    assert any("crash dump header" in n for n in ev.registry.hive_notes)
    # Cited as the dump it was read from, never as a registry key that says nothing about the version.
    assert ev.os_version.chosen.ref.kind == "dump"
    assert not any(r.kind == "dump" for r in ev.registry.system.refs)


def test_without_software_hive_or_dumps_the_build_comes_from_diskdump_sys(tmp_path):
    # A bundle with the registry and drivers only: Diskdump.sys 6.1.7601.17514 is an in-box file, so
    # this is Windows 6.1 build 7601 — enough to tell whether the article covers it.
    ev = _scan_bundle(write_bundle_folder(tmp_path / "b", Machine(software={}, minidumps=[])))
    assert (ev.registry.system.major, ev.registry.system.minor, ev.registry.system.build) == (6, 1, 7601)
    assert any("diskdump.sys" in n.lower() for n in ev.registry.hive_notes)


def test_without_any_version_evidence_the_build_stays_unknown(tmp_path):
    ev = _scan_bundle(write_bundle_folder(tmp_path / "b", Machine(software={}, minidumps=[], drivers=[])))
    assert ev.registry.system is None or ev.registry.system.build is None
    assert not any("taken from" in n for n in ev.registry.hive_notes)


def test_denied_driver_and_locked_dump_are_reported_and_the_scan_goes_on(tmp_path, deny_open):
    layout = write_offline_root(tmp_path / "vol")
    drivers = layout.windows / "system32" / "DRIVERS"
    deny_open(drivers / "diskdump.sys")
    deny_open(layout.windows / "Minidump" / "031511-01.dmp", "locked")
    with open_source(tmp_path / "vol") as source:
        ev = scan(source)
    # Diskdump.sys could not be read: its fix state is unknown and the user is told why
    assert ev.storage.diskdump.state.value == "unknown"
    disk = ev.storage.driver("diskdump.sys")
    assert "administrator" in (disk.error or "")
    # the locked minidump is a problem naming it, and the other dump was still read
    [locked] = [p for p in ev.problems if p.path.endswith("031511-01.dmp")]
    assert "in use by another program" in locked.message
    assert [d.path for d in ev.dumps if d.path.endswith("040111-02.dmp")]
    assert ev.registry.system.build == 7601  # the rest of the evidence was read


def test_a_large_drivers_step_shows_progress_and_stops_on_cancel(tmp_path, monkeypatch):
    from core.drivers import storage as storage_module
    from tests.builders.many_drivers import write_root_with_drivers

    root = write_root_with_drivers(tmp_path, 60)
    updates: list[ProgressUpdate] = []
    with open_source(str(root)) as source:
        scan(source, updates.append)
    moving = [u for u in updates if u.step == "drivers" and (u.total or 0) >= 60]
    total = moving[0].total  # the 60 miniports and the root's other storage drivers
    assert total is not None
    assert [u.done for u in moving] == list(range(0, total, 25))  # the bar moves while files are read

    inspected: list[object] = []
    real = storage_module.inspect_pe

    def counting(path):  # type: ignore[no-untyped-def]
        inspected.append(path)
        return real(path)

    monkeypatch.setattr(storage_module, "inspect_pe", counting)
    token = CancelToken()

    def cancel_once_moving(update: ProgressUpdate) -> None:
        if update.step == "drivers" and update.done == 25:
            token.cancel()

    with open_source(str(root)) as source, pytest.raises(Cancelled):
        scan(source, cancel_once_moving, token)
    assert len(inspected) < 40  # stopped within the step, not after every driver was read
