"""`dumpdoctor triage` as a helpdesk runs it: files written, exit codes, usage errors, and the
readiness column filled once the diagnosis carries a readiness verdict."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.cmd_triage import exit_code
from core.examine import examine
from core.resources import resource_path
from core.triage.row import COLUMN_KEYS, TriageRow, row_from
from tests.builders.fleet import demo_bundle_zip, write_broken_entries

ROOT = Path(__file__).resolve().parents[3]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "core.cli.main", "triage", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_queue_to_csv_and_html(tmp_path: Path) -> None:
    queue = tmp_path / "queue"
    queue.mkdir()
    demo_bundle_zip(queue / "a.zip", "VM-A")
    demo_bundle_zip(queue / "b.zip", "VM-B")
    write_broken_entries(queue)
    out = _cli(str(queue), "--csv", str(tmp_path / "t.csv"), "--html", str(tmp_path / "t.html"),
               "--jobs", "2", "--cache-dir", str(tmp_path / "cache"))
    assert out.returncode == 1, out.stderr  # machines with the known issue
    assert out.stdout == ""  # files were asked for; stdout stays clean
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == list(COLUMN_KEYS)
    assert sorted(r["computer_name"] for r in table if r["computer_name"]) == ["VM-A", "VM-B"]
    assert sorted(r["verdict"] for r in table) == ["error", "error", "error", "matches", "matches"]
    assert "5 machine(s)" in out.stderr and "skipped" in out.stderr and "README.txt" in out.stderr
    reports = sorted(p.name for p in (tmp_path / "t-reports").iterdir())
    assert len(reports) == 2 and all(name.endswith(".html") for name in reports)


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--max-memory", "10"], ["/no/such/folder"]])
def test_usage_errors(args: list[str], tmp_path: Path) -> None:
    out = _cli(*([str(tmp_path)] if args[0].startswith("-") else []), *args)
    assert out.returncode == 2 and out.stderr.startswith("dumpdoctor:")


def test_exit_code_precedence() -> None:
    rows = [TriageRow("a", outcome="ok"), TriageRow("b", outcome="cant-tell")]
    assert exit_code(rows) == 4
    assert exit_code([*rows, TriageRow("c")]) == 3  # outcome "error": not examined
    assert exit_code([*rows, TriageRow("c"), TriageRow("d", outcome="problem")]) == 1
    assert exit_code([TriageRow("a", outcome="ok")]) == 0


def test_readiness_column_follows_the_diagnosis_when_it_has_one() -> None:
    with examine(str(resource_path("demo"))) as case:
        evidence, diag = case.evidence, case.diagnosis
    assert diag is not None and diag.readiness is not None
    row = row_from(diag, evidence, "x")
    assert row.dump_readiness == diag.readiness.id.value
    assert f"dump readiness: {row.dump_readiness}" in row.summary
    diag.readiness = None
    assert row_from(diag, evidence, "x").dump_readiness == "unknown"
