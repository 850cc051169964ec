"""What the first page says about added files and a typed Windows folder, before any scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.registry.keys import MemoryKey
from core.wizard.evidence_check import FolderCheck, check_windows_folder, label_path
from tests.builders import regf
from tests.builders.dumps import build_kernel_dump


def test_files_are_labelled_by_content_not_name(tmp_path: Path) -> None:
    hive = tmp_path / "SYSTEM_win7sp1"  # the name a real copied hive had: no filter may hide it
    image = regf.build_hive(MemoryKey("ROOT"), file_name="\\SystemRoot\\System32\\Config\\SYSTEM")
    hive.write_bytes(bytes(image.data))
    dump = tmp_path / "crash1.bin"
    dump.write_bytes(build_kernel_dump(64, 0xD1, (0, 2, 0, 0)))
    text = tmp_path / "j2.txt"
    text.write_text("hello")
    junk = tmp_path / "j1"
    junk.write_bytes(b"\x00\x01\x02\xff" * 10)
    empty = tmp_path / "empty.dmp"
    empty.write_bytes(b"")
    assert label_path(hive).text == "registry hive SYSTEM"
    assert label_path(dump).text.startswith("crash dump")
    assert label_path(text).text == "not evidence Dump Doctor reads: text"
    assert label_path(junk).text == "not evidence Dump Doctor reads: unknown content"
    assert label_path(empty).text == "not evidence Dump Doctor reads: empty file"
    assert not label_path(text).is_evidence and label_path(dump).is_evidence
    assert label_path(tmp_path / "gone.evtx").text == "cannot be read: no such file"


def test_windows_folder_is_checked_with_the_reason(tmp_path: Path) -> None:
    assert not check_windows_folder("").ok
    missing = check_windows_folder(str(tmp_path / "nope"))
    assert not missing.ok and "There is no folder" in missing.message
    not_windows = check_windows_folder(str(tmp_path))
    assert not not_windows.ok and "No Windows\\System32" in not_windows.message
    (tmp_path / "windows" / "system32" / "config").mkdir(parents=True)  # a copy: case differs
    no_hive = check_windows_folder(str(tmp_path))
    assert no_hive.ok and "System32\\config\\SYSTEM" in no_hive.message
    (tmp_path / "windows" / "system32" / "config" / "SYSTEM").write_bytes(b"regf")
    assert check_windows_folder(str(tmp_path)) == FolderCheck(True, "")


def test_what_was_found_is_said_once_for_a_zip_of_junk_and_an_empty_folder(tmp_path: Path) -> None:
    import zipfile

    from core.wizard.evidence_check import what_was_found

    junk = tmp_path / "junk.zip"
    with zipfile.ZipFile(junk, "w") as zf:
        zf.writestr("j1", b"\x00\x01\x02\xff")
        zf.writestr("j2.txt", "hello")
    assert what_was_found(str(junk)) == ("the zip held 2 files, neither is evidence Dump Doctor reads: "
                                         "j1 (unknown content), j2.txt (text)")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert what_was_found(str(empty)) == "the folder is empty"


def test_an_event_log_says_which_log_it_is(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tests.builders import events as b
    from tests.builders.evtx import write_evtx

    log = write_evtx(tmp_path / "renamed.bin", [b.kernel_power_41(datetime(2011, 3, 4, 8, 5, tzinfo=UTC),
                                                                  bugcheck=0xD1)])
    assert label_path(log).text == "System log, 1 record"
    broken = tmp_path / "broken.evtx"
    broken.write_bytes(b"ElfFile\0" + bytes(100))  # the signature and nothing readable after it
    assert label_path(broken).text == "Windows event log (.evtx)"


@pytest.mark.realdata
def test_record_counts_of_real_logs_match_the_manifest_also_past_a_dirty_header() -> None:
    from core.wizard.evidence_check import evtx_record_count

    logs = Path(__file__).resolve().parents[3].parent / "shared" / "realdata" / "evtx"
    if not logs.is_dir():
        pytest.skip("../shared/realdata is not present")
    # MANIFEST.md: 1,601 and 1,766 records; the large log's header under-counts its chunks
    assert evtx_record_count(logs / "System_win7sp1.evtx") == 1601
    assert evtx_record_count(logs / "System_win10-1809.evtx") == 1766
    assert evtx_record_count(logs / "System_ws2012r2_large.evtx") == 60189
    assert label_path(logs / "System_ws2012r2_large.evtx").text == "System log, 60,189 records"
