"""Support bundles as a folder, a zip or loose files: files identified by content, .reg exports
merged, manifest excerpts honoured, and what is absent reported with how to get it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from core.evidence_ref import Severity
from core.registry.keys import REG_DWORD
from core.safefs import open_regular
from core.sources import open_source
from core.sources.bundle import BundleSource, folder_bundle, loose_bundle
from core.sources.identify import FileKind
from tests.builders.dumps import build_kernel_dump
from tests.builders.offline_root import Machine, write_bundle_folder, write_reg_export


def _zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return target


def test_folder_bundle_identifies_renamed_files_by_content(tmp_path):
    write_bundle_folder(tmp_path / "b", renamed=True)
    with open_source(tmp_path / "b") as source:
        assert isinstance(source, BundleSource)
        kinds = sorted(i.kind for i in source.items)
        assert kinds.count(FileKind.REG_EXPORT) == len(Machine().system) + 1
        assert kinds.count(FileKind.PE) == 4 and kinds.count(FileKind.KERNEL_DUMP) == 2
        # drivers renamed to file11.bin etc. are still found, by their version resource
        found = source.driver_file("lsi_sas.sys", r"system32\DRIVERS\lsi_sas.sys")
        assert found is not None and found.name.startswith("file")


def test_reg_exports_merge_into_one_tree_per_root(tmp_path):
    write_bundle_folder(tmp_path / "b")
    with open_source(tmp_path / "b") as source:
        hives = source.registry()
        assert hives.system is not None and hives.software is not None
        cc = hives.system.subkey(r"ControlSet001\Control\CrashControl")
        assert cc is not None and cc.get_int("CrashDumpEnabled") == 3
        assert hives.system.subkey(r"Services\LSI_SAS") is None
        assert hives.system.subkey(r"ControlSet001\Services\LSI_SAS") is not None
        assert hives.system.subkey("Select") is not None  # from another file (UTF-8 and UTF-16 mixed)
        assert any("registry export" in n for n in hives.notes)


def test_later_export_wins_for_the_same_value(tmp_path):
    folder = write_bundle_folder(tmp_path / "b")
    write_reg_export(folder / "registry" / "zz_later.reg", "SYSTEM",
                     {r"ControlSet001\Control\CrashControl": {"CrashDumpEnabled": (REG_DWORD, 1)}})
    with open_source(folder) as source:
        cc = source.registry().system.subkey(r"ControlSet001\Control\CrashControl")
        assert cc.get_int("CrashDumpEnabled") == 1
        assert cc.get_int("AutoReboot") == 1  # values from the earlier file are kept


def test_loose_files_form_a_bundle(tmp_path):
    folder = write_bundle_folder(tmp_path / "b")
    files = [*sorted((folder / "dumps" / "Minidump").iterdir()), folder / "drivers" / "diskdump.sys"]
    with open_source([str(p) for p in files]) as source:
        assert isinstance(source, BundleSource)
        assert len(source.dump_files(None)) == 2
        assert source.driver_file("DISKDUMP.SYS") == folder / "drivers" / "diskdump.sys"
        whats = {m.what for m in source.missing}
        assert "event-log" in whats
        source.registry()
        assert {"system-hive", "software-hive"} <= {m.what for m in source.missing}


def test_empty_bundle_reports_everything_missing_with_how_to_get_it(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("nothing useful")
    with open_source(tmp_path / "b") as source:
        source.registry()
        missing = {m.what: m for m in source.missing}
        assert set(missing) == {"event-log", "drivers", "dumps", "system-hive", "software-hive"}
        assert missing["system-hive"].message == "No SYSTEM hive in this bundle."
        assert "config\\SYSTEM" in missing["system-hive"].how_to_get
        assert all(m.how_to_get for m in missing.values())


def test_manifest_excerpt_is_known_for_the_dump(tmp_path):
    folder = tmp_path / "b"
    (folder / "dumps").mkdir(parents=True)
    header = build_kernel_dump(64, 0xD1, dump_type=2)[:0x2000]
    (folder / "dumps" / "MEMORY.DMP").write_bytes(header)
    (folder / "manifest.json").write_text(json.dumps({
        "format_version": 1, "tool": "collector 1",
        "files": [{"path": "dumps/MEMORY.DMP", "size": len(header), "sha256": "0",
                   "excerpt_of_size": 16 << 30}]}))
    with open_source(folder) as source:
        (path,) = source.dump_files(None)
        assert source.excerpt_of_size(path) == 16 << 30


def test_broken_manifest_is_a_warning(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"format_version": 1, "files": [')
    with open_source(folder) as source:
        assert any("manifest" in p.message for p in source.problems)


def _read(path: Path) -> bytes:
    with open_regular(path) as fh:  # how readers open evidence (zip dumps come straight from the zip)
        return fh.read()


def test_zip_and_folder_hand_out_the_same_evidence(tmp_path):
    folder = write_bundle_folder(tmp_path / "b")
    archive = _zip_folder(folder, tmp_path / "bundle.zip")
    with open_source(folder) as from_folder, open_source(archive) as from_zip:
        assert sorted((i.name, i.kind) for i in from_folder.items) == sorted(
            (i.name, i.kind) for i in from_zip.items)
        a = [_read(p) for p in from_folder.dump_files(None)]
        b = [_read(p) for p in from_zip.dump_files(None)]
        assert sorted(a) == sorted(b)
        sys_a = from_folder.registry().system
        sys_b = from_zip.registry().system
        assert sys_a is not None and sys_b is not None
        assert sorted(k.name for k in sys_a.subkey("ControlSet001\\Services").subkeys()) == sorted(
            k.name for k in sys_b.subkey("ControlSet001\\Services").subkeys())
        assert from_zip.display_path(from_zip.dump_files(None)[0]).startswith("bundle.zip!dumps/")


def test_unreadable_file_in_folder_is_a_problem(tmp_path):
    folder = write_bundle_folder(tmp_path / "b")
    dangling = folder / "dumps" / "gone.dmp"
    dangling.symlink_to(folder / "does-not-exist.dmp")  # inside the bundle, so it is followed
    with open_source(folder) as source:
        assert any(p.path.endswith("gone.dmp") and "not found" in p.message for p in source.problems)
        assert len(source.dump_files(None)) == 2


def test_zipped_hive_is_extracted_with_its_transaction_logs_beside_it(tmp_path):
    from tests.builders.offline_root import memory_roots
    from tests.builders.regf import build_hive

    hive = bytes(build_hive(memory_roots(Machine())["SYSTEM"]).data)
    log = bytearray(hive[:4096])
    log[0x1C] = 1  # base block file type: transaction log
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("registry/sys.hiv", hive)
        zf.writestr("registry/sys.hiv.LOG1", bytes(log))
        zf.writestr("registry/other.LOG2", bytes(log))
    with open_source(archive) as source:
        kinds = {i.name: i.kind for i in source.items}
        assert kinds["registry/sys.hiv"] is FileKind.HIVE
        assert kinds["registry/sys.hiv.LOG1"] is FileKind.HIVE_LOG
        hives = source.registry()
        assert hives.system is not None
        assert hives.system.subkey(r"ControlSet001\Control\CrashControl") is not None
        extracted = {i.name for i in source.items if i.local is not None}
        assert extracted == {"registry/sys.hiv", "registry/sys.hiv.LOG1"}


def test_file_named_like_a_dump_with_other_content_is_reported(tmp_path):
    (tmp_path / "b" / "dumps").mkdir(parents=True)
    (tmp_path / "b" / "dumps" / "Mini0311-01.dmp").write_bytes(b"\x00garbage" * 100)
    (tmp_path / "b" / "system").mkdir()
    (tmp_path / "b" / "system" / "systeminfo.txt").write_text("Host Name: PC42")
    with folder_bundle(tmp_path / "b") as source:
        problems = {p.path.replace("\\", "/"): p for p in source.problems}
    [dump_problem] = [p for path, p in problems.items() if path.endswith("Mini0311-01.dmp")]
    assert "named like a crash dump" in dump_problem.message
    assert dump_problem.severity is Severity.WARNING
    # a companion text file in a bundle folder is expected and not worth a message
    assert not [path for path in problems if path.endswith("systeminfo.txt")]


def test_a_file_the_user_chose_that_is_not_evidence_is_reported(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("the PC restarts when I close the lid")
    with loose_bundle([notes]) as source:
        [problem] = [p for p in source.problems if p.path.endswith("notes.txt")]
    assert "not a file Dump Doctor reads" in problem.message


def test_bundle_says_where_its_evidence_was_collected(tmp_path):
    folder = write_bundle_folder(tmp_path / "b")
    (folder / "manifest.json").write_text(json.dumps(
        {"format_version": 1, "source": "Offline Windows folder E:\\ on PC42", "files": []}))
    with folder_bundle(folder) as source:
        assert source.description.endswith("Offline Windows folder E:\\ on PC42")
        assert str(folder) in source.description
