"""`dumpdoctor bundle` and `dumpdoctor collector` as a helpdesk person uses them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from core.cli.main import main
from tests.builders.events import at, hibernate_crash_d1, write_export
from tests.builders.offline_root import write_bundle_folder


@pytest.fixture
def evidence_folder(tmp_path: Path) -> Path:
    folder = write_bundle_folder(tmp_path / "in")
    (folder / "events").mkdir()
    write_export(folder / "events" / "System.xml", hibernate_crash_d1(at("2011-03-15 08:00:00")))
    return folder


def test_bundle_writes_zip_and_says_what_was_left_out(evidence_folder: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "PC42.zip"
    assert main(["bundle", str(evidence_folder), "-o", str(out), "--redact"]) == 0
    printed = capsys.readouterr().out
    assert f"Wrote {out}" in printed and "Redacted:" in printed and "Left out:" in printed
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        report = zf.read("report/report.txt").decode("utf-8")
    assert {"report/report.txt", "report/report.html", "report/report.json", "events/System.xml"} <= names
    assert manifest["redacted"]["applied"] is True
    assert "TESTPC" not in report  # the machine's name was redacted in the report too


def test_bundle_into_a_folder_is_a_usage_error(evidence_folder: Path, tmp_path: Path) -> None:
    assert main(["bundle", str(evidence_folder), "-o", str(tmp_path)]) == 2


def test_bundle_of_missing_source_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["bundle", str(tmp_path / "nope"), "-o", str(tmp_path / "x.zip")]) == 2
    assert not (tmp_path / "x.zip").exists()


def test_collector_saves_script_and_readme(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["collector", "-o", str(tmp_path / "stick")]) == 0
    assert (tmp_path / "stick" / "collect.cmd").read_bytes().startswith(b"@echo off\r\n")
    assert (tmp_path / "stick" / "README.txt").is_file()
    assert "Run as administrator" in capsys.readouterr().out


def test_bundle_summary_does_not_call_a_note_unreadable() -> None:
    """A log read whole past its stale header is a note, not 'Could not be read' (the real 2012 R2 log)."""
    from core.bundle.export import BundleResult
    from core.bundle.manifest import Manifest
    from core.cli.cmd_bundle import summary_lines
    from core.evidence_ref import Problem, Severity

    manifest = Manifest("a log")
    manifest.scan_problems = [
        Problem("System.evtx", "dirty header; every chunk with a valid signature was read", Severity.INFO,
                "events"),
        Problem("x.dmp", "the file is truncated", Severity.WARNING, "dumps")]
    text = "\n".join(summary_lines(BundleResult(Path("b.zip"), manifest, 1000)))
    unreadable = text[text.index("Could not be read"):]
    assert "x.dmp" in unreadable and "System.evtx" not in unreadable.split("Read whole")[0]
    assert "System.evtx: dirty header" in text.split("Read whole")[1]
