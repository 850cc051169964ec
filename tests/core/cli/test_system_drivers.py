"""`dumpdoctor system` and `dumpdoctor drivers` from a user's point of view: what they print, their
JSON, and their exit codes."""

from __future__ import annotations

import json
import sys
import zipfile

import pytest

from core.cli.main import EXIT_CANT_TELL, EXIT_OK, EXIT_PROBLEM, EXIT_UNREADABLE, EXIT_USAGE, main
from core.registry.keys import REG_DWORD, REG_EXPAND_SZ, REG_SZ
from core.sources import NOT_WINDOWS
from tests.builders.offline_root import DriverSpec, Machine, write_bundle_folder


def test_system_text_shows_version_and_crash_settings_with_defaults_marked(tmp_path, capsys):
    write_bundle_folder(tmp_path / "b")
    assert main(["system", str(tmp_path / "b")]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Windows 7 Enterprise" in out
    assert "6.1.7601 (Service Pack 1)" in out
    assert "x64" in out and "ControlSet001" in out
    assert "3 (small)" in out
    assert "(default: value absent)" in out  # e.g. MinidumpsCount not set in the test machine
    assert "?:\\pagefile.sys (system managed)" in out
    assert "Hibernation:       enabled" in out


def test_system_json(tmp_path, capsys):
    write_bundle_folder(tmp_path / "b")
    assert main(["system", str(tmp_path / "b"), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["source_kind"] == "bundle"
    assert data["system"]["build"] == 7601 and data["system"]["edition"] == "Enterprise"
    assert data["crash_control"]["crash_dump_enabled"] == 3
    assert "MinidumpsCount" in data["crash_control"]["defaults_used"]
    assert data["page_files"][0]["path"] == "?:\\pagefile.sys"
    assert data["hibernation"]["enabled"] is True


def test_system_from_a_zip_of_loose_reg_files(tmp_path, capsys):
    folder = write_bundle_folder(tmp_path / "b")
    archive = tmp_path / "pc42.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((folder / "registry").iterdir()):
            zf.write(path, path.name)
    assert main(["system", str(archive), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["system"]["product_name"] == "Windows 7 Enterprise"
    assert data["missing"] == []


def test_system_without_registry_evidence_exits_3_and_says_how_to_get_it(tmp_path, capsys):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "a.txt").write_text("hello")
    assert main(["system", str(tmp_path / "b")]) == EXIT_UNREADABLE
    out = capsys.readouterr().out
    assert "No SYSTEM hive in this bundle." in out and "run the collector" in out


def test_no_source_off_windows_exits_2_with_the_message(monkeypatch, capsys):
    monkeypatch.setattr(sys, "platform", "linux")
    assert main(["system"]) == EXIT_USAGE
    assert NOT_WINDOWS in capsys.readouterr().err
    assert main(["drivers", "--json"]) == EXIT_USAGE


def test_absent_path_exits_2(tmp_path, capsys):
    assert main(["drivers", str(tmp_path / "nope")]) == EXIT_USAGE
    assert "no such file" in capsys.readouterr().err


def test_hostile_zip_exits_3(tmp_path, capsys):
    bad = tmp_path / "b.zip"
    bad.write_bytes(b"PK\x03\x04 garbage")
    assert main(["system", str(bad)]) == EXIT_UNREADABLE
    assert "b.zip" in capsys.readouterr().err


def test_drivers_table_boot_miniport_and_fix_status(tmp_path, capsys):
    write_bundle_folder(tmp_path / "b")
    assert main(["drivers", str(tmp_path / "b")]) == EXIT_OK
    out = capsys.readouterr().out
    header = out.splitlines()[1]
    for column in ("Service", "File", "Version", "Vendor", "Kind", "In use"):
        assert column in header
    rows = out.splitlines()
    lsi = next(line for line in rows if line.startswith("LSI_SAS"))
    assert rows.index(lsi) == 2, "the driver in use comes first"
    assert "1.28.3.52" in lsi and "LSI Corporation" in lsi and "Physical Storport miniport" in lsi
    assert lsi.rstrip().endswith("yes")
    assert "LSI_SAS: Physical Storport miniport (from its " in out  # explained, because it is in use
    assert "Boot disk miniport: LSI_SAS" in out and "dump_lsi_sas.sys" in out
    assert "diskdump.sys 6.1.7601.17514" in out and "crashdmp.sys" in out


def _virtual_machine() -> Machine:
    """Vista SP2 with the boot disk on a root-enumerated virtual Storport miniport, unfixed Diskdump."""
    m = Machine()
    m.software["Microsoft\\Windows NT\\CurrentVersion"].update({
        "CurrentVersion": (REG_SZ, "6.0"), "CurrentBuildNumber": (REG_SZ, "6002"),
        "CurrentBuild": (REG_SZ, "6002"), "CSDVersion": (REG_SZ, "Service Pack 2"),
        "ProductName": (REG_SZ, "Windows Server (R) 2008 Standard"), "InstallationType": (REG_SZ, "Server")})
    m.system = {k: v for k, v in m.system.items() if "LSI_SAS" not in k and "VEN_1000" not in k}
    m.system["ControlSet001\\Services\\vdisk"] = {
        "Type": (REG_DWORD, 1), "Start": (REG_DWORD, 0), "Group": (REG_SZ, "SCSI miniport"),
        "ImagePath": (REG_EXPAND_SZ, r"system32\DRIVERS\vdisk.sys")}
    m.system["ControlSet001\\Enum\\ROOT\\SCSIADAPTER\\0000"] = {
        "Service": (REG_SZ, "vdisk"), "ClassGUID": (REG_SZ, "{4d36e97b-e325-11ce-bfc1-08002be10318}")}
    m.drivers = [
        DriverSpec("vdisk.sys", "1.0.0.1", {"storport.sys": ["StorPortInitialize"],
                                            "ntoskrnl.exe": ["IoCreateDevice"]}, "Example Virtual Disk Inc."),
        DriverSpec("diskdump.sys", "6.0.6002.18005", {"ntoskrnl.exe": ["KeBugCheckEx"]}),
    ]
    m.minidumps = []
    return m


def test_drivers_json_and_exit_code_reflect_what_was_found(tmp_path, capsys):
    write_bundle_folder(tmp_path / "b", _virtual_machine())
    code = main(["drivers", str(tmp_path / "b"), "--json"])
    data = json.loads(capsys.readouterr().out)
    vdisk = next(d for d in data["drivers"] if d["service"] == "vdisk")
    assert vdisk["pe"]["company"] == "Example Virtual Disk Inc."
    assert data["diskdump"]["version"] == "6.0.6002.18005"
    assert data["diskdump"]["state"] == "not-fixed"
    assert vdisk["kind"] == "storport-virtual" and vdisk["in_use"] is True
    assert data["boot_miniport"]["service"] == "vdisk"
    assert data["exposed_to_known_issue"] is True
    assert code == EXIT_PROBLEM


def test_drivers_without_registry_exits_3(tmp_path, capsys):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("x")
    assert main(["drivers", str(tmp_path / "b"), "--json"]) == EXIT_UNREADABLE
    data = json.loads(capsys.readouterr().out)
    # Nothing was read, so the diagnosis can't tell: null, never a reassuring false.
    assert data["drivers"] == [] and data["exposed_to_known_issue"] is None
    assert {m["what"] for m in data["missing"]} >= {"system-hive", "drivers"}


@pytest.mark.parametrize("command", ["system", "drivers"])
def test_help_mentions_source_kinds(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "support bundle" in " ".join(capsys.readouterr().out.split())


def test_exit_code_constants_distinct():
    assert len({EXIT_OK, EXIT_PROBLEM, EXIT_UNREADABLE, EXIT_USAGE, EXIT_CANT_TELL}) == 5


def _two_computers(tmp_path):  # type: ignore[no-untyped-def]
    """SYSTEM hives of two computers (TESTPC: small dumps; OTHERPC: complete dumps), as people send them."""
    from tests.builders.offline_root import memory_roots
    from tests.builders.regf import build_hive

    other = Machine()
    other.system["ControlSet001\\Control\\ComputerName\\ComputerName"] = {"ComputerName": (REG_SZ, "OTHERPC")}
    other.system["ControlSet001\\Control\\CrashControl"]["CrashDumpEnabled"] = (REG_DWORD, 1)
    paths = []
    for folder, machine in (("a", Machine()), ("b", other)):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "SYSTEM"
        path.write_bytes(bytes(build_hive(memory_roots(machine)["SYSTEM"]).data))
        paths.append(str(path))
    return paths


def test_system_shows_every_computer_when_files_are_mixed(tmp_path, capsys):
    hives = _two_computers(tmp_path)
    assert main(["system", *hives]) == EXIT_OK
    out = capsys.readouterr().out
    assert "These files come from 2 computers: TESTPC; OTHERPC." in out
    first, second = out.index("Computer 1 of 2: TESTPC"), out.index("Computer 2 of 2: OTHERPC")
    assert first < out.index("3 (small)") < second < out.index("1 (complete)")
    assert main(["system", *hives, "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert [(m["label"], m["crash_control"]["crash_dump_enabled"]) for m in data["machines"]] == [
        ("TESTPC", 3), ("OTHERPC", 1)]
    assert data["crash_control"]["crash_dump_enabled"] == 3  # the top level stays the first computer


def test_drivers_shows_every_computer_when_files_are_mixed(tmp_path, capsys):
    hives = _two_computers(tmp_path)
    main(["drivers", *hives])
    out = capsys.readouterr().out
    assert "These files come from 2 computers: TESTPC; OTHERPC." in out
    sections = out.split("##### Computer ")
    assert len(sections) == 3 and all("LSI_SAS" in s for s in sections[1:])
    main(["drivers", *hives, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert [m["label"] for m in data["machines"]] == ["TESTPC", "OTHERPC"]
    assert all(m["drivers"] and "exposed_to_known_issue" in m for m in data["machines"])


def test_system_and_drivers_on_one_computer_have_no_sections(tmp_path, capsys):
    write_bundle_folder(tmp_path / "b")
    main(["drivers", str(tmp_path / "b"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["machines"] == [] and data["dump_stack_files"]
    assert data["diskdump"] == next(f for f in data["dump_stack_files"] if f["file_name"] == "diskdump.sys")
    main(["system", str(tmp_path / "b")])
    assert "Computer 1 of" not in capsys.readouterr().out


def test_real_hives_of_two_computers_each_get_a_section(realdata, capsys):
    hives = [str(realdata("hives/SYSTEM_win7sp1")), str(realdata("hives/SYSTEM_win10-1709"))]
    assert main(["system", *hives, "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    got = {m["label"]: m["crash_control"]["crash_dump_enabled"] for m in data["machines"]}
    assert got == {"WKS-WIN732BITA": 2, "DESKTOP-PM6C56D": 7}  # MANIFEST: kernel and automatic


def _hive_log_and_dump_of_three_computers(tmp_path):  # type: ignore[no-untyped-def]
    """TESTPC's SYSTEM hive, OTHERPC's System log (Windows 6.1.7600 at its boots) and an x86 build
    9600 dump from a third computer: generated, so this is covered without the real samples."""
    from datetime import UTC, datetime

    from tests.builders.dumps import typical_drivers, write_kernel_dump
    from tests.builders.events import boot, write_export
    from tests.builders.offline_root import memory_roots
    from tests.builders.regf import build_hive

    hive = tmp_path / "SYSTEM"
    hive.write_bytes(bytes(build_hive(memory_roots(Machine())["SYSTEM"]).data))
    events = boot(datetime(2011, 3, 1, 9, 0, tzinfo=UTC))
    for ev in events:
        ev.computer = "OTHERPC"
    log = write_export(tmp_path / "other.xml", events)
    dump = write_kernel_dump(tmp_path / "Mini32.dmp", 32, 0x50, (0, 0, 0, 0), dump_type=4,
                             drivers=typical_drivers(32), build=9600)
    return [str(hive), str(log), str(dump)]


@pytest.mark.parametrize("command", ["system", "drivers"])
def test_a_hive_a_log_and_a_dump_of_three_computers_get_a_section_each(tmp_path, capsys, command):
    files = _hive_log_and_dump_of_three_computers(tmp_path)
    main([command, *files])
    out = capsys.readouterr().out
    notice = out.index("These files come from 3 computers: TESTPC; OTHERPC; "
                       "the computer that wrote Mini32.dmp")
    assert notice < out.index("##### Computer 1 of 3: TESTPC") < out.index("##### Computer 2 of 3: OTHERPC")
    assert "##### Computer 3 of 3: the computer that wrote Mini32.dmp" in out
    main([command, *files, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert [m["label"] for m in data["machines"]][:2] == ["TESTPC", "OTHERPC"] and len(data["machines"]) == 3


def test_system_names_the_version_of_a_computer_known_only_from_its_log_or_dump(tmp_path, capsys):
    files = _hive_log_and_dump_of_three_computers(tmp_path)
    main(["system", *files])
    out = capsys.readouterr().out
    other = out[out.index("Computer 2 of 3"):out.index("Computer 3 of 3")]
    assert "6.1.7600" in other and "the System log" in other and "other.xml" in other
    third = out[out.index("Computer 3 of 3"):]
    assert "6.3.9600" in third and "dump header" in third and "x86" in third
    assert "version and dump settings are unknown" not in out
    main(["system", files[1], "--json"])  # the log alone
    data = json.loads(capsys.readouterr().out)
    assert data["system"]["build"] == 7600
    assert data["os_version"]["chosen"]["source"].startswith("the System log")


def test_real_hive_log_and_dump_of_three_computers_in_system(realdata, capsys):
    files = [str(realdata("hives/SYSTEM_win7sp1")), str(realdata("evtx/System_win7sp1.evtx")),
             str(realdata("dumps/triage_x64_19041.dmp"))]
    assert main(["system", *files]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.index("These files come from 3 computers") < out.index("##### Computer 1 of 3")
    log_pc = out[out.index("Computer 2 of 3"):out.index("Computer 3 of 3")]
    assert "6.1.7601" in log_pc and "EventLog 6009" in log_pc
    dump_pc = out[out.index("Computer 3 of 3"):]
    assert "19041" in dump_pc and "x64" in dump_pc
    main(["system", *files, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert [m["system"]["build"] if m["system"] else None for m in data["machines"]][1:] == [7601, 19041]


@pytest.mark.parametrize(("sample", "version", "source"), [
    ("evtx/System_win10-1809.evtx", "10.0.17763", "EventLog 6009"),
    ("dumps/triage_x64_19041.dmp", "10.0.19041", "dump header")])
def test_system_on_a_real_log_or_dump_alone_gives_the_scans_version(realdata, capsys, sample, version,
                                                                     source):
    path = str(realdata(sample))
    main(["system", path])
    out = capsys.readouterr().out
    assert version in out and source in out and "version and dump settings are unknown" not in out
    main(["scan", path])
    assert version in capsys.readouterr().out  # the same version as the scan


def test_loose_files_are_reported_as_files_not_a_bundle(tmp_path, capsys):
    files = _hive_log_and_dump_of_three_computers(tmp_path)
    main(["system", files[0], "--json"])
    assert json.loads(capsys.readouterr().out)["source_kind"] == "files"
    main(["scan", *files, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["source"]["kind"] == "files" and all(m["source"]["kind"] == "files" for m in data["machines"])
    main(["scan", str(write_bundle_folder(tmp_path / "b")), "--json"])
    assert json.loads(capsys.readouterr().out)["source"]["kind"] == "bundle"


def test_after_a_bundle_round_trip_a_computer_is_not_named_by_one_reg_file(tmp_path, capsys):
    files = _hive_log_and_dump_of_three_computers(tmp_path)
    out_zip = tmp_path / "round.zip"
    main(["bundle", "-o", str(out_zip), *files])
    capsys.readouterr()
    main(["scan", str(out_zip), "--json"])
    data = json.loads(capsys.readouterr().out)
    testpc = next(m for m in data["machines"] if m["label"] == "TESTPC")
    shown = [p["file"] for p in testpc["machine"]["pieces"] if p["kind"] == "registry"]
    assert shown == [f"the registry exports (.reg) in {out_zip.name}!registry"]
