"""CSV of the crash list and the driver table: BlueScreenView /scomma's column names and order for the
columns both know, real dumps read by core, formula cells defused, and the --csv options."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from core.cli.main import main
from core.drivers.model import Confidence, DriverKind, PeInfo, StorageDriver, StorageReport
from core.dumps import read_dump
from core.evidence import Evidence
from core.report.csv_report import CRASH_COLUMNS, crashes_csv, drivers_csv
from tests.builders.dumps import write_kernel_dump


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_crash_list_uses_bluescreenview_columns_and_real_dump_values(tmp_path: Path) -> None:
    dump = write_kernel_dump(tmp_path / "Minidump" / "030111-01.dmp", 64, 0xD1, (0x28, 2, 0, 0xFFFFF880))
    ev = Evidence("test", "bundle", dumps=[read_dump(dump)])
    rows = _rows(crashes_csv(ev))
    # the first columns in BlueScreenView's /scomma order
    assert rows[0][:9] == ["Dump File", "Crash Time", "Bug Check String", "Bug Check Code", "Parameter 1",
                           "Parameter 2", "Parameter 3", "Parameter 4", "Caused By Driver"]
    assert len(rows) == 2
    row = dict(zip(CRASH_COLUMNS, rows[1], strict=True))
    assert row["Dump File"] == "030111-01.dmp"
    assert row["Crash Time"] == "2011-03-01T12:30:15Z"
    assert row["Bug Check String"] == "DRIVER_IRQL_NOT_LESS_OR_EQUAL"
    assert row["Bug Check Code"] == "0x000000D1"
    assert row["Parameter 1"] == "0x00000028" and row["Parameter 4"] == "0xFFFFF880"
    assert row["Full Path"] == str(dump)
    assert row["Minor Version"] == "7601"


def test_driver_table_in_helpdesk_words_and_formula_cells_are_defused() -> None:
    pe = PeInfo(path="x", machine="x64", bits=64, timestamp=0, file_version="1.0", company="=HYPERLINK(1)")
    storage = StorageReport(drivers=[
        StorageDriver("vsm", "vsm.sys", "/e/vsm.sys", pe, DriverKind.STORPORT_VIRTUAL, Confidence.HIGH,
                      ["imports StorPortInitialize"], start=0, in_use=True),
        StorageDriver("diskdump.sys", "diskdump.sys", None, None, DriverKind.DUMP_STACK, Confidence.HIGH)])
    rows = _rows(drivers_csv(Evidence("t", "bundle", storage=storage)))
    assert rows[0][:7] == ["Service", "File", "Version", "Company", "Kind", "Confidence", "In Use"]
    assert rows[1][:7] == ["vsm", "vsm.sys", "1.0", "'=HYPERLINK(1)", "Virtual Storport miniport", "high",
                           "yes"]
    assert rows[2][4:7] == ["Crash dump stack", "high", "only while a dump is written"]


def test_empty_evidence_gives_a_header_line_only() -> None:
    assert _rows(crashes_csv(Evidence("t", "bundle"))) == [list(CRASH_COLUMNS)]


@pytest.mark.parametrize("command", ["scan", "drivers"])
def test_cli_csv_option_writes_the_file_relative_to_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        command: str) -> None:
    from core.resources import resource_path

    monkeypatch.chdir(tmp_path)
    main([command, str(resource_path("demo")), "--csv", "out.csv"])
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    header = _rows(text)[0]
    assert header[0] == ("Dump File" if command == "scan" else "Service")
    if command == "drivers":
        assert any(r[0] == "cvstor" for r in _rows(text))


def test_cli_csv_to_an_unwritable_place_is_a_usage_error(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--demo", "--csv", str(tmp_path / "no" / "such" / "dir.csv")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_crash_list_of_files_from_several_computers_lists_every_computers_dumps(tmp_path: Path) -> None:
    """`scan LOG DUMP --csv` with a log from one computer and a dump from another wrote a header and no
    row: only the first computer's (dump-less) evidence was listed. Each dump is listed, with the
    computer it came from in BlueScreenView's "Computer Name" column (empty when no name is known)."""
    from core.machines import MachineIdentity, Piece

    a = write_kernel_dump(tmp_path / "a.dmp", 64, 0xD1, (0x28, 2, 0, 0xFFFFF880))
    b = write_kernel_dump(tmp_path / "b.dmp", 64, 0x50, (0x28, 2, 0, 0xFFFFF880))
    first = Evidence("t", "files", machine=MachineIdentity("PC-ONE"))
    second = Evidence("t", "files", dumps=[read_dump(a)],
                      machine=MachineIdentity("PC-TWO", [Piece("SYSTEM", "registry", ["PC-TWO"])]))
    third = Evidence("t", "files", dumps=[read_dump(b)],
                     machine=MachineIdentity("the computer that wrote b.dmp (Windows build 7601, x64)"))
    top = Evidence("t", "files", machines=[first, second, third])
    rows = _rows(crashes_csv(top))
    named = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [(r["Dump File"], r["Computer Name"]) for r in named] == [("a.dmp", "PC-TWO"), ("b.dmp", "")]
    assert rows[0].index("Computer Name") == rows[0].index("Processor") + 1  # BlueScreenView's order
