"""`dumpdoctor scan`: the demo finds the known issue with exit 1; usage and unreadable exits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli.main import main


def test_scan_demo_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--demo"]) == 1
    out = capsys.readouterr().out
    assert "Matches this known issue" in out
    assert "https://support.microsoft.com/" in out


def test_scan_demo_json_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = tmp_path / "report.html"
    assert main(["scan", "--demo", "--json", "--html", str(html)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"]["id"] == "matches"
    assert data["exit_code"] == 1
    assert "Matches this known issue" in html.read_text(encoding="utf-8")


def test_scan_demo_with_a_source_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--demo", "somewhere"]) == 2
    assert "--demo" in capsys.readouterr().err


def test_scan_missing_source_is_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", str(tmp_path / "nothing-here")])
    assert code in (2, 3)
    assert "nothing-here" in capsys.readouterr().err


def test_scan_empty_folder_reports_unreadable_or_cant_tell(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code = main(["scan", str(tmp_path / "empty")])
    assert code in (2, 3), capsys.readouterr()
