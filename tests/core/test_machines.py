"""One machine at a time (issue #11): every piece of evidence carries the identity it shows, files from
different computers are never merged, and each computer is diagnosed on its own files only. Also the
Windows version from every source, each citing the file and record it came from."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.cli.main import main
from core.diagnosis import diagnose
from core.diagnosis.model import VerdictId
from core.drivers.model import FixCheck, FixState, StorageReport
from core.dumps import read_dump
from core.events import read_events
from core.events.model import EventRecord
from core.evidence_ref import EvidenceRef
from core.machines import Piece, dump_piece, events_piece, group_pieces, registry_piece, short_name
from core.osversion import derive_version
from core.registry import open_hive, read_registry_facts
from core.registry.facts_common import current_control_set
from core.registry.model import RegistryFacts, SystemFacts
from core.scan import scan
from core.sources import open_source
from core.sources.base import EventInput
from tests.builders.dumps import typical_drivers, write_kernel_dump
from tests.builders.events import Ev, eventlog, kernel_general, kernel_power_41, kernel_power_42, write_export
from tests.builders.offline_root import Machine, memory_roots, write_bundle_folder, write_offline_root
from tests.builders.regf import build_hive


def _ours(diag):
    """The verdict on this tool's own known issue (other issues' verdicts may be listed first)."""
    return next(v for v in diag.verdicts if v.issue_id == "virtual-storport-dump-0xd1")

def _finding(diag, finding_id):
    return next((f for f in diag.findings if f.id == finding_id), None)


T0 = datetime(2011, 3, 1, 9, 0, tzinfo=UTC)


def _named(name: str, kind: str = "events", **kw: object) -> Piece:
    return Piece(f"{name}-{kind}", kind, names=[name], **kw)  # type: ignore[arg-type]


# -- grouping rules --------------------------------------------------------------------------------


def test_short_names_ignore_case_dns_suffix_and_netbios_length() -> None:
    assert short_name("DESKTOP-23PS6ES.praivacymatrix.com") == short_name("desktop-23ps6es")
    assert short_name("A-VERY-LONG-HOSTNAME-123") == short_name("A-VERY-LONG-HOS")


def test_a_log_with_an_older_name_joins_the_hive_of_the_renamed_computer() -> None:
    hive = _named("DESKTOP-23PS6ES", "registry")
    log = Piece("System.evtx", "events", names=["DESKTOP-23PS6ES.example.com", "WIN-AN5B2T7E4GI"])
    other = Piece("Other.evtx", "events", names=["WIN-AN5B2T7E4GI"])
    machines = group_pieces([hive, log, other])
    assert len(machines) == 1 and machines[0].label == "DESKTOP-23PS6ES"


def test_different_names_are_different_computers_whatever_else_they_share() -> None:
    machines = group_pieces([_named("PC-A", "registry", build=7600, architecture="x64"),
                             _named("PC-B", build=7600)])
    assert [m.label for m in machines] == ["PC-A", "PC-B"]


def test_a_dump_joins_the_only_computer_it_does_not_contradict_and_says_so_when_unconfirmed() -> None:
    hive = _named("PC-A", "registry", architecture="x64")
    dump = Piece("x.dmp", "dump", build=7601, architecture="x64")
    (machine,) = group_pieces([hive, dump])
    assert machine.has("x.dmp") and not machine.notes  # the architecture confirms it
    unsure = Piece("y.dmp", "dump", build=7601)
    (machine,) = group_pieces([_named("PC-A", "registry"), unsure])
    assert machine.has("y.dmp") and "no computer name" in machine.notes[0]


@pytest.mark.parametrize(("dump", "why"), [
    (Piece("x86.dmp", "dump", build=7600, architecture="x86"), "x86"),
    (Piece("w10.dmp", "dump", build=19041, architecture="x64"), "19041"),
    (Piece("late.dmp", "dump", build=7601, when=T0 + timedelta(days=30)), "after the last record"),
    (Piece("nvme.dmp", "dump", build=7600, dump_miniports=["stornvme"]), "stornvme"),
])
def test_a_dump_that_contradicts_the_other_files_is_another_computer(dump: Piece, why: str) -> None:
    hive = Piece("SYSTEM", "registry", names=["PC-A"], architecture="x64", disk_drivers={"lsi_sas"})
    log = Piece("System.evtx", "events", names=["PC-A"], build=7600, when=T0,
                last_seen=T0 + timedelta(days=1))
    machines = group_pieces([hive, log, dump])
    assert len(machines) == 2 and machines[1].has(dump.label)
    assert machines[1].label.startswith(f"the computer that wrote {dump.label}")
    assert why in machines[1].notes[0]  # the user is told why it is another computer


@pytest.mark.parametrize("build", [7601, None])
def test_a_crash_after_the_log_was_copied_is_unconfirmed_never_another_computer(build) -> None:
    """A log copied before the machine crashed is normal: a crash after its last record (with an update
    the log never shows) cannot say "not the same computer", only that it could not be confirmed."""
    log = Piece("System.evtx", "events", names=["PC-A"], build=7600, when=T0,
                last_seen=T0 + timedelta(days=1))
    late = Piece("late.dmp", "dump", build=build, when=T0 + timedelta(days=30))
    machines = group_pieces([log, late])
    if build is None:  # nothing to doubt: no build the log never shows
        assert len(machines) == 1
        return
    assert len(machines) == 2 and machines[1].has("late.dmp")
    note = machines[1].notes[0]
    assert "Not the same computer" not in note and "not the same" not in note.casefold()
    assert "could not confirm it is the same computer" in note and "after the last record" in note
    assert machines[1].unconfirmed and not machines[0].unconfirmed  # "may come from 2 computers"


def test_a_dump_that_could_be_either_of_two_computers_stands_alone() -> None:
    machines = group_pieces([_named("PC-A", "registry"), _named("PC-B"), Piece("x.dmp", "dump")])
    assert len(machines) == 3 and "could come from" in machines[2].notes[0]


# -- the real samples: each comes from a different computer (MANIFEST.md) ---------------------------


@pytest.fixture(scope="module")
def real_pieces() -> dict[str, Piece]:
    from tests.conftest import REALDATA
    wanted = ["hives/SYSTEM_win7sp1", "hives/SYSTEM_win10-1709", "evtx/System_win7sp1.evtx",
              "evtx/System_win10-1809.evtx", "evtx/System_ws2012r2_large.evtx", "dumps/triage_x64_19041.dmp"]
    absent = [w for w in wanted if not (REALDATA / w).is_file()]
    if absent:
        pytest.skip(f"real samples {absent} not present (looked in {REALDATA}); generated mixes below "
                    "cover the same code")
    pieces: dict[str, Piece] = {}
    for name in wanted:
        path = REALDATA / name
        if name.startswith("hives/"):
            key = open_hive(path)
            pieces[name] = registry_piece(name, read_registry_facts(key, None), current_control_set(key)[0])
        elif name.startswith("evtx/"):
            pieces[name] = events_piece(read_events(EventInput("evtx", path, name)))
        else:
            dump = read_dump(path)
            dump.path = name
            pieces[name] = dump_piece(dump)
    return pieces


def test_real_samples_show_their_identity(real_pieces) -> None:
    assert real_pieces["hives/SYSTEM_win7sp1"].names == ["WKS-WIN732BITA"]
    assert real_pieces["hives/SYSTEM_win7sp1"].architecture == "x86"
    assert real_pieces["hives/SYSTEM_win10-1709"].names == ["DESKTOP-PM6C56D"]
    assert real_pieces["evtx/System_win7sp1.evtx"].names == ["WKS-WIN764BITB.shieldbase.local"]
    # Renamed machines: the newest records' name first.
    assert real_pieces["evtx/System_win10-1809.evtx"].names[0] == "DESKTOP-23PS6ES.praivacymatrix.com"
    assert real_pieces["evtx/System_ws2012r2_large.evtx"].names[0] == "CITADEL-DC01.C137.local"
    assert real_pieces["evtx/System_ws2012r2_large.evtx"].build == 9600
    dump = real_pieces["dumps/triage_x64_19041.dmp"]
    assert (dump.build, dump.architecture, dump.dump_miniports) == (19041, "x64", ["stornvme"])


@pytest.mark.parametrize("size", [2, 3])
def test_every_pair_and_triple_of_real_samples_stays_apart(real_pieces, size) -> None:
    for combo in itertools.combinations(real_pieces, size):
        machines = group_pieces([real_pieces[name] for name in combo])
        assert len(machines) == size, (combo, [m.label for m in machines])


def test_real_hive_log_and_dump_from_three_computers_are_diagnosed_apart(realdata, capsys) -> None:
    files = [realdata("hives/SYSTEM_win7sp1"), realdata("evtx/System_win7sp1.evtx"),
             realdata("dumps/triage_x64_19041.dmp")]
    code = main(["scan", *map(str, files), "--json"])
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert out.err == ""  # library warnings go to the log file
    assert data["headline"].startswith("These files come from 3 computers: WKS-WIN732BITA; WKS-WIN764BITB")
    assert data["verdict"]["id"] and len(data["machines"]) == 3
    hive_pc, log_pc, dump_pc = data["machines"]
    # The third computer's dump stack (dump_stornvme.sys) never becomes the first one's boot miniport.
    boot = hive_pc["evidence"]["storage"]["boot_miniport"]
    assert boot is None or "stornvme" not in json.dumps(boot).lower()
    assert hive_pc["evidence"]["dumps"] == [] and hive_pc["evidence"]["timeline"] is None
    assert log_pc["evidence"]["os_version"]["chosen"]["build"] == 7601
    assert dump_pc["evidence"]["os_version"]["chosen"]["build"] == 19041
    assert code in (1, 4)
    main(["scan", *map(str, files)])
    text = capsys.readouterr().out
    assert text.startswith("These files come from 3 computers")
    assert text.count("##### Computer ") == 3


# -- generated mixes --------------------------------------------------------------------------------


def _boot(when: datetime, version: tuple[int, int, int, int], computer: str) -> list[Ev]:
    evs = [kernel_general(when, 12, version=version), eventlog(when + timedelta(seconds=20), 6005)]
    for ev in evs:
        ev.computer = computer
    return evs


def _hibernate_crash(computer: str, version: tuple[int, int, int, int]) -> list[Ev]:
    crash_boot = T0 + timedelta(minutes=5)
    evs = [*_boot(T0, version, computer), kernel_power_42(T0 + timedelta(minutes=2), target_state=5),
           *_boot(crash_boot, version, computer),
           kernel_power_41(crash_boot + timedelta(seconds=3), bugcheck=0xD1,
                           params=(0, 2, 0, 0xFFFFF88001234567), sleep=True)]
    for ev in evs:
        ev.computer = computer
    return evs


def _hive(tmp_path: Path, machine: Machine) -> Path:
    path = tmp_path / "SYSTEM"
    path.write_bytes(bytes(build_hive(memory_roots(machine)["SYSTEM"]).data))
    return path


def test_generated_hive_and_a_log_from_another_computer_are_not_merged(tmp_path) -> None:
    hive = _hive(tmp_path, Machine())  # TESTPC
    log = write_export(tmp_path / "other.xml", _hibernate_crash("OTHERPC", (6, 1, 7600, 16385)))
    with open_source([hive, log]) as source:
        ev = scan(source)
    assert [m.machine.label for m in ev.machines if m.machine] == ["TESTPC", "OTHERPC"]
    diag = diagnose(ev)
    testpc = diag.machines[0]
    symptom = next(c for c in testpc.diagnosis.verdict.conditions if c.id == "symptom")
    assert symptom.state.value == "unknown"  # OTHERPC's crash is not TESTPC's
    assert diag.findings[0].id == "several-computers"
    assert diag.headline.startswith("These files come from 2 computers")


def test_generated_hive_and_its_own_log_are_one_computer(tmp_path) -> None:
    hive = _hive(tmp_path, Machine())
    log = write_export(tmp_path / "mine.xml", _hibernate_crash("TESTPC", (6, 1, 7600, 16385)))
    with open_source([hive, log]) as source:
        ev = scan(source)
    assert ev.machines == [] and ev.machine is not None and ev.machine.label == "TESTPC"
    assert ev.timeline is not None and ev.registry is not None


def test_a_dump_from_another_computer_does_not_decide_the_hive_computers_boot_miniport(tmp_path) -> None:
    hive = _hive(tmp_path, Machine())  # LSI_SAS serves the disk
    dump = write_kernel_dump(tmp_path / "Mini.dmp", 64, 0x50, (0, 0, 0, 0), dump_type=4,
                             drivers=typical_drivers(64, "stornvme.sys"))
    with open_source([hive, dump]) as source:
        ev = scan(source)
    assert len(ev.machines) == 2
    assert ev.storage is not None and ev.storage.boot_miniport is not None
    assert "stornvme" not in (ev.storage.boot_miniport.how + str(ev.storage.boot_miniport.service)).lower()
    assert ev.dumps == [] and ev.machines[1].dumps


# -- the Windows version from every source ---------------------------------------------------------


@pytest.mark.parametrize(("version", "verdict", "reason"), [
    ((6, 0, 6002, 18005), "cant-tell", "missing-evidence"),
    ((6, 1, 7600, 16385), "cant-tell", "missing-evidence"),
    ((6, 1, 7601, 17514), "not-this-issue", "os-fix-status-unknown"),
    ((6, 2, 9200, 16384), "not-this-issue", "os-not-covered"),
    ((6, 3, 9600, 16384), "not-this-issue", "os-not-covered"),
    ((10, 0, 19041, 1), "not-this-issue", "os-not-covered"),
])
def test_log_only_evidence_knows_the_windows_version(tmp_path, version, verdict, reason) -> None:
    log = write_export(tmp_path / "System.xml", _hibernate_crash("PC", version))
    with open_source([log]) as source:
        ev = scan(source)
    assert ev.os_version is not None and ev.os_version.chosen.build == version[2]
    v = _ours(diagnose(ev))
    assert (v.id.value, v.reason) == (verdict, reason)
    os_item = next(c for c in v.conditions if c.id == "os").evidence[0]
    assert "Kernel-General 12" in os_item.text
    assert os_item.ref is not None and os_item.ref.kind == "event" and "System.xml" in os_item.ref.location


@pytest.mark.parametrize(("build", "reason"), [(6002, "dump-written"), (7600, "dump-written"),
                                                (7601, "os-fix-status-unknown"), (9600, "os-not-covered"),
                                                (19041, "os-not-covered")])
def test_dump_only_evidence_knows_the_windows_build(tmp_path, build, reason) -> None:
    dump = write_kernel_dump(tmp_path / "Mini.dmp", 64, 0xD1, (0, 2, 0, 1), dump_type=4,
                             drivers=typical_drivers(64), build=build)
    with open_source([dump]) as source:
        ev = scan(source)
    v = _ours(diagnose(ev))
    # A dump that was written proves the dump path works; older builds are ruled out by the version.
    assert (v.id, v.reason) == (VerdictId.NOT_THIS_ISSUE, reason)
    os_item = next(c for c in v.conditions if c.id == "os").evidence[0]
    assert os_item.ref is not None and os_item.ref.kind == "dump" and "Mini.dmp" in os_item.ref.location
    assert "collect-written-dump" not in {s.id for s in v.next_steps}  # the dump is already here
    assert "read-dump" in {s.id for s in v.next_steps}


def test_hive_only_evidence_cannot_say_not_this_issue_from_an_unknown_version(tmp_path) -> None:
    with open_source([_hive(tmp_path, Machine())]) as source:
        ev = scan(source)
    v = _ours(diagnose(ev))
    os_cond = next(c for c in v.conditions if c.id == "os")
    assert os_cond.state.value == "unknown"
    assert v.id is not VerdictId.NOT_THIS_ISSUE or "os" not in v.rests_on


def test_eventlog_6009_alone_gives_the_version() -> None:
    rec_6009 = eventlog(T0, 6009)  # "6.01. 7600 ... Multiprocessor Free"
    assert derive_version(None, [], [], None) is None
    data = {f"Data{i + 1}": value for i, (_name, value) in enumerate(rec_6009.data)}
    rec = EventRecord("EventLog", 6009, T0, record_id=7, data=data, origin="System.evtx")
    version = derive_version(None, [rec], [], None)
    assert version is not None and version.chosen.text == "6.1.7600"
    assert version.chosen.ref is not None and version.chosen.ref.location == "System.evtx #7"


def test_sources_that_disagree_are_reported() -> None:
    fix = FixCheck("diskdump.sys", "6.1.7600.16385", "GDR", None, FixState.NOT_FIXED, "x",
                   EvidenceRef("file", "drivers/diskdump.sys"))
    storage = StorageReport(diskdump=fix)
    facts = RegistryFacts(system=SystemFacts(major=6, minor=1, build=7601, refs=[
        EvidenceRef("registry", r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion")]))
    derived = derive_version(facts, [], [], storage)
    assert derived is not None and derived.chosen.source == "the SOFTWARE hive"
    assert derived.contradictions and "7600" in derived.contradictions[0]
    assert derived.claims[1].ref is not None and derived.claims[1].ref.location == "drivers/diskdump.sys"


# -- the offline Windows folder: logs put beside it ---------------------------------------------------


@pytest.mark.parametrize("where", ["root", "windows"])
def test_an_event_log_beside_the_offline_windows_folder_is_used(tmp_path, where) -> None:
    layout = write_offline_root(tmp_path / "vol")
    folder = tmp_path / "vol" if where == "root" else layout.windows
    write_export(folder / "exported events.txt", _hibernate_crash("TESTPC", (6, 1, 7601, 17514)))
    with open_source(tmp_path / "vol") as source:
        ev = scan(source)
    assert ev.timeline is not None and ev.timeline.unexpected_restarts()
    assert "event-log" not in {m.what for m in ev.missing}
    assert any(s.endswith("exported events.txt") for s in ev.timeline.sources)


def test_power_button_restart_is_not_called_a_power_loss(tmp_path) -> None:
    crash = kernel_power_41(T0 + timedelta(minutes=5), bugcheck=0)
    crash.data = [(n, "132590000000000000" if n == "PowerButtonTimestamp" else v) for n, v in crash.data]
    log = write_export(tmp_path / "System.xml", [*_boot(T0, (6, 1, 7601, 1), "PC"), crash])
    with open_source([log]) as source:
        ev = scan(source)
    assert ev.timeline is not None
    (restart,) = ev.timeline.unexpected_restarts()
    assert "power button" in restart.summary and "power loss" not in restart.summary
    finding = _finding(diagnose(ev), "restarts-without-dump")
    assert finding is not None and "power button" in finding.explanation


def test_cut_hive_on_the_command_line_says_no_python_internals(tmp_path, realdata, capsys) -> None:
    data = realdata("hives/SYSTEM_win7sp1").read_bytes()
    cut = tmp_path / "SYSTEM"
    cut.write_bytes(data[:1_000_000])
    code = main(["scan", str(cut)])
    out = capsys.readouterr()
    assert out.err == ""
    assert "unpack_from" not in out.out and "struct.error" not in out.out
    assert "cut short" in out.out and code != 0
    assert "Every file could be read" not in out.out


def test_the_collector_manifest_names_the_computer(tmp_path) -> None:
    machine = Machine(minidumps=[])
    del machine.system["ControlSet001\\Control\\ComputerName\\ComputerName"]
    folder = write_bundle_folder(tmp_path / "b", machine)
    manifest = '{"format_version": 1, "source": "collected on PC42 by collect.cmd"}'
    (folder / "manifest.json").write_text(manifest)
    write_export(folder / "events.xml", _hibernate_crash("PC42", (6, 1, 7601, 1)))
    with open_source(folder) as source:
        ev = scan(source)
    assert ev.machines == [] and ev.machine is not None and ev.machine.label == "PC42"
    assert not ev.machine.notes  # the manifest confirms what the hive alone could not
    claims = [c for p in ev.machine.pieces for c in p.claims]
    assert any(c.source.startswith("the bundle manifest") and c.value == "PC42" for c in claims)


def test_generated_hive_log_and_dump_from_three_computers(tmp_path) -> None:
    hive = _hive(tmp_path, Machine())  # TESTPC, x64
    log = write_export(tmp_path / "other.xml", _hibernate_crash("OTHERPC", (6, 1, 7600, 16385)))
    dump = write_kernel_dump(tmp_path / "Mini32.dmp", 32, 0x50, (0, 0, 0, 0), dump_type=4,
                             drivers=typical_drivers(32), build=9600)  # x86, 6.3: neither of the others
    with open_source([hive, log, dump]) as source:
        ev = scan(source)
    labels = [m.machine.label for m in ev.machines if m.machine]
    assert labels[:2] == ["TESTPC", "OTHERPC"] and len(labels) == 3
    diag = diagnose(ev)
    assert [m.label for m in diag.machines] == labels
    # Each computer's diagnosis sees only its own files.
    testpc, otherpc, third = (m.evidence for m in diag.machines)
    assert testpc.timeline is None and not testpc.dumps
    assert otherpc.registry is None and not otherpc.dumps
    assert third.registry is None and third.timeline is None and len(third.dumps) == 1


def test_html_report_has_one_section_per_computer(tmp_path) -> None:
    from core.report import render_html

    hive = _hive(tmp_path, Machine())
    log = write_export(tmp_path / "other.xml", _hibernate_crash("OTHERPC", (6, 1, 7600, 16385)))
    with open_source([hive, log]) as source:
        ev = scan(source)
    html = render_html(diagnose(ev), ev)
    assert "These files come from 2 computers" in html
    assert "Computer 1 of 2: TESTPC" in html and "Computer 2 of 2: OTHERPC" in html


def test_events_command_keeps_each_computers_log_apart(tmp_path, capsys) -> None:
    mine = write_export(tmp_path / "a.xml", _hibernate_crash("PC-A", (6, 1, 7600, 16385)))
    other = write_export(tmp_path / "b.xml", _boot(T0, (6, 1, 7601, 1), "PC-B"))
    code = main(["events", str(mine), str(other)])
    out = capsys.readouterr().out
    assert out.startswith("These files come from 2 computers: PC-A; PC-B.")
    assert "##### PC-A #####" in out and "##### PC-B #####" in out
    assert out.index("a.xml") < out.index("##### PC-B") < out.index("b.xml")
    assert code == 1  # PC-A restarted unexpectedly: the command's "restarts" exit code


def test_a_memory_dump_beside_the_offline_windows_folder_is_read(tmp_path) -> None:
    layout = write_offline_root(tmp_path / "vol", Machine(minidumps=[]))
    write_kernel_dump(tmp_path / "vol" / "copied from the server.bin", 64, 0xD1, (0, 2, 0, 1), dump_type=4,
                      drivers=typical_drivers(64, "lsi_sas.sys"), build=7601)
    assert layout.windows.is_dir()
    with open_source(tmp_path / "vol") as source:
        ev = scan(source)
    assert ev.machines == [] and [Path(d.path).name for d in ev.dumps] == ["copied from the server.bin"]


def test_the_collectors_ver_output_gives_the_version(tmp_path) -> None:
    folder = write_bundle_folder(tmp_path / "b", Machine(software={}, minidumps=[], drivers=[]))
    (folder / "system").mkdir(exist_ok=True)
    (folder / "system" / "ver.txt").write_bytes(b"\r\nMicrosoft Windows [Version 6.1.7600]\r\n")
    with open_source(folder) as source:
        ev = scan(source)
    assert ev.os_version is not None and ev.os_version.chosen.text == "6.1.7600"
    assert "ver.txt" in ev.os_version.chosen.source
    ref = ev.os_version.chosen.ref
    assert ref is not None and ref.location.replace("\\", "/").endswith("system/ver.txt")


def test_this_computer_is_one_computer_whatever_an_old_dump_shows(tmp_path) -> None:
    hive = _hive(tmp_path, Machine())
    old = write_kernel_dump(tmp_path / "Mini.dmp", 32, 0x50, (0, 0, 0, 0), dump_type=4,
                            drivers=typical_drivers(32), build=6002)  # an earlier Windows on this disk
    with open_source([hive, old]) as source:
        source.kind = "live"  # the live source reads this computer's own disk
        ev = scan(source)
    assert ev.machines == [] and len(ev.dumps) == 1


def test_two_logs_with_the_same_name_from_two_computers_stay_apart() -> None:
    first, second = object(), object()
    machines = group_pieces([Piece("System.evtx", "events", names=["PC-A"], of=first),
                             Piece("System.evtx", "events", names=["PC-B"], of=second)])
    assert len(machines) == 2
    assert machines[0].holds(first) and not machines[0].holds(second)
    assert machines[1].holds(second) and not machines[1].holds(first)


def test_an_affected_offline_folder_with_its_log_beside_it_matches(tmp_path) -> None:
    from tests.core.cli.test_system_drivers import _virtual_machine

    write_offline_root(tmp_path / "vol", _virtual_machine())
    with open_source(tmp_path / "vol") as source:
        without_log = _ours(diagnose(scan(source)))
    write_export(tmp_path / "vol" / "System.xml", _hibernate_crash("TESTPC", (6, 0, 6002, 18005)))
    with open_source(tmp_path / "vol") as source:
        with_log = _ours(diagnose(scan(source)))
    # Without the log only the risk shows; the log put beside the folder shows the crash itself.
    assert without_log.id is VerdictId.AT_RISK
    assert with_log.id is VerdictId.MATCHES


def test_dumps_that_could_be_several_computers_are_kept_together_by_build() -> None:
    named = [_named("PC-A", build=7601), _named("PC-B", build=7601)]
    dumps = [Piece(f"d{i}.dmp", "dump", build=7601, architecture="x64") for i in range(5)]
    machines = group_pieces([*named, *dumps])
    assert len(machines) == 3  # PC-A, PC-B, and one computer for the five dumps nobody can place
    assert all(machines[2].has(d.label) for d in dumps)
    assert "could come from PC-A or PC-B" in machines[2].notes[0]


def test_a_logs_name_count_says_which_records_were_counted() -> None:
    """The real 1809 log: "Computer field of 128 event records" for a name that 1,367 of its records show;
    only the records the diagnosis reads were counted, and the text must say so."""
    from core.events.model import EventReadResult

    recs = [EventRecord("EventLog", 6005, T0 + timedelta(minutes=i), record_id=i, computer="PC-A")
            for i in range(3)]
    piece = events_piece(EventReadResult(origin="System.evtx", records=recs, records_read=1000))
    (claim,) = [c for c in piece.claims if c.kind == "name"]
    assert claim.source == "Computer field of 3 of the 3 event records Dump Doctor reads (of 1000 in the log)"


def test_real_log_and_a_later_dump_are_unconfirmed_not_another_computer(realdata, capsys) -> None:
    """The Windows 10 1809 log ends before the 19041 dump's crash: that alone is no proof of another
    computer."""
    main(["scan", str(realdata("evtx/System_win10-1809.evtx")), str(realdata("dumps/triage_x64_19041.dmp"))])
    out = " ".join(capsys.readouterr().out.split())
    assert "could not confirm it is the same computer" in out and "Not the same computer" not in out
    assert out.startswith("These files may come from 2 computers: DESKTOP-23PS6ES;")
