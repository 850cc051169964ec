"""An offline Windows folder (mounted volume or a copy) is read with case-insensitive paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.registry.model import CrashControl
from core.sources import open_source
from core.sources import registry_load as registry_load_module
from core.sources.offline import OfflineSource
from tests.builders.offline_root import Machine, memory_roots, write_offline_root


@pytest.fixture
def fake_hives(monkeypatch):
    """Until hive files can be generated here, open_hive returns the machine's keys for any file
    named SYSTEM/SOFTWARE (the source's job is finding them, not parsing them)."""
    roots = memory_roots(Machine())
    opened: list[Path] = []

    def open_hive(path: Path):
        opened.append(path)
        return roots[path.name.upper()]

    monkeypatch.setattr(registry_load_module, "open_hive", open_hive)
    return opened


def _hives(layout):
    config = layout.windows / "system32" / "config"
    for name in ("SYSTEM", "SOFTWARE"):
        if not (config / name).exists():
            (config / name).write_bytes(b"regf")


def test_volume_root_found_with_varied_case(tmp_path, fake_hives):
    layout = write_offline_root(tmp_path / "vol", windows_name="WINDOWS")
    _hives(layout)
    with open_source(tmp_path / "vol") as source:
        assert isinstance(source, OfflineSource)
        assert source.volume == tmp_path / "vol"
        assert "volume" in source.description
        hives = source.registry()
        assert hives.system is not None and hives.software is not None
        assert [p.parent.name for p in fake_hives] == ["config", "config"]
        names = [p.name for p in source.dump_files(CrashControl())]
        assert sorted(names) == ["031511-01.dmp", "040111-02.dmp"]


def test_windows_folder_itself_is_accepted_and_said_so(tmp_path, fake_hives):
    layout = write_offline_root(tmp_path / "vol")
    _hives(layout)
    with open_source(layout.windows) as source:
        assert isinstance(source, OfflineSource)
        assert source.volume is None
        assert "Windows folder itself" in source.description
        assert source.registry().system is not None
        assert len(source.dump_files(None)) == 2
        assert source.driver_file("lsi_sas.sys", r"system32\DRIVERS\lsi_sas.sys") is not None


@pytest.mark.parametrize("image_path", [
    r"system32\DRIVERS\lsi_sas.sys",
    r"\SystemRoot\System32\drivers\lsi_sas.sys",
    r"System32\drivers\lsi_sas.sys",
    r"\??\C:\Windows\system32\drivers\lsi_sas.sys",
    r"%SystemRoot%\System32\Drivers\LSI_SAS.SYS",
    r'"C:\WINDOWS\system32\drivers\lsi_sas.sys"',
    None,
])
def test_driver_file_resolves_every_image_path_form(tmp_path, image_path):
    layout = write_offline_root(tmp_path / "vol")
    with OfflineSource(tmp_path / "vol") as source:
        found = source.driver_file("lsi_sas.sys", image_path)
        assert found == layout.windows / "system32" / "DRIVERS" / "lsi_sas.sys"


def test_image_path_elsewhere_falls_back_to_drivers_folder(tmp_path):
    write_offline_root(tmp_path / "vol")
    with OfflineSource(tmp_path / "vol") as source:
        assert source.driver_file("diskdump.sys", r"\??\D:\Vendor\diskdump.sys") is not None
        assert source.driver_file("absent.sys", None) is None


def test_custom_dump_file_is_found(tmp_path):
    layout = write_offline_root(tmp_path / "vol")
    (tmp_path / "vol" / "Dumps").mkdir()
    custom = tmp_path / "vol" / "Dumps" / "crash.dmp"
    custom.write_bytes((layout.windows / "Minidump" / "031511-01.dmp").read_bytes())
    with OfflineSource(tmp_path / "vol") as source:
        paths = source.dump_files(CrashControl(dump_file=r"C:\dumps\CRASH.DMP"))
        assert custom in paths


def test_missing_hives_and_log_are_reported_with_how_to_get_them(tmp_path):
    layout = write_offline_root(tmp_path / "vol")  # no System.evtx
    for name in ("SYSTEM", "SOFTWARE"):
        (layout.windows / "system32" / "config" / name).unlink(missing_ok=True)
    with OfflineSource(tmp_path / "vol") as source:
        hives = source.registry()
        assert hives.system is None
        assert source.event_inputs() == []
        whats = {m.what: m for m in source.missing}
        assert {"system-hive", "software-hive", "event-log"} <= set(whats)
        assert "System32\\config\\SYSTEM" in whats["system-hive"].message
        assert whats["event-log"].how_to_get


def test_corrupt_hive_is_a_problem_not_a_crash(tmp_path):
    layout = write_offline_root(tmp_path / "vol")
    (layout.windows / "system32" / "config" / "SYSTEM").write_bytes(b"regf" + bytes(100))
    with OfflineSource(tmp_path / "vol") as source:
        hives = source.registry()
        assert hives.system is None
        assert any(p.path.endswith("SYSTEM") for p in source.problems)
        assert any(m.what == "system-hive" and "could not be read" in m.message for m in source.missing)


def test_generated_hive_files_are_opened(tmp_path):
    layout = write_offline_root(tmp_path / "vol")
    if not layout.hives_written:
        pytest.skip("tests/builders/regf.py (hive writer) not available")
    with OfflineSource(tmp_path / "vol") as source:
        hives = source.registry()
        assert hives.system is not None and hives.software is not None
        assert hives.system.subkey(r"ControlSet001\Services\LSI_SAS").get_int("Start") == 0
        assert source.problems == [] and source.missing == []


def test_event_log_found_case_insensitively(tmp_path):
    layout = write_offline_root(tmp_path / "vol")
    logs = layout.windows / "system32" / "winevt" / "Logs"
    (logs / "SYSTEM.EVTX").write_bytes(b"ElfFile\0")
    with OfflineSource(tmp_path / "vol") as source:
        (inp,) = source.event_inputs()
        assert inp.kind == "evtx" and inp.path == logs / "SYSTEM.EVTX"


def test_each_system_log_of_an_offline_folder_is_named_by_its_place(tmp_path: Path) -> None:
    """The Windows folder's System.evtx and another System.evtx copied beside the Windows folder were both
    cited as plain "System.evtx", so an evidence line did not say which file it came from."""
    from tests.builders.events import at, hibernate_crash_d1, write_export

    layout = write_offline_root(tmp_path / "vol")
    logs = layout.windows / "System32" / "winevt" / "Logs"
    logs.mkdir(parents=True, exist_ok=True)
    write_export(logs / "System.evtx.xml", hibernate_crash_d1(at("2011-03-15 08:00:00")))
    (logs / "System.evtx.xml").rename(logs / "System.evtx")  # content decides; the reader is told "evtx"
    write_export(tmp_path / "vol" / "System.xml", hibernate_crash_d1(at("2011-04-15 08:00:00")))
    with open_source(tmp_path / "vol") as source:
        labels = [i.label for i in source.event_inputs()]
    assert len(labels) == len(set(labels)) == 2
    # Either separator, and on Windows (one folder for System32 and system32) either case.
    shown = [label.replace("\\", "/").casefold() for label in labels]
    assert any(label.endswith("system32/winevt/logs/system.evtx") for label in shown)
    assert any(label.endswith("vol/system.xml") for label in shown)
