"""The triage row's schema, its single column list, and the one-line summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from core.resources import resource_path
from core.triage.oneline import MAX_CHARS, summary_line
from core.triage.row import COLUMN_KEYS, TriageRow, problem_row

ROOT = Path(__file__).resolve().parents[3]


def _row_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resource_path("report.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/triage_row", "$defs": schema["$defs"]})


def test_schema_lists_exactly_the_columns() -> None:
    schema = json.loads(resource_path("report.schema.json").read_text(encoding="utf-8"))
    row = schema["$defs"]["triage_row"]
    assert list(row["properties"]) == ["row_schema", *COLUMN_KEYS]
    assert row["required"] == ["row_schema", *COLUMN_KEYS]


def test_cli_rows_validate(tmp_path: Path) -> None:
    demo = resource_path("demo")
    (tmp_path / "empty").mkdir()
    out = subprocess.run([sys.executable, "-m", "core.cli.main", "triage", str(demo), str(tmp_path / "empty"),
                          "--ndjson", "--cache-dir", str(tmp_path / "cache")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    lines = out.stdout.splitlines()
    assert len(lines) == 2, out.stderr
    validator = _row_validator()
    for line in lines:
        validator.validate(json.loads(line))
    rows = [json.loads(line) for line in lines]
    assert rows[0]["verdict"] == "matches" and rows[1]["verdict"] == "error"
    assert out.returncode == 1  # a machine has a problem: that outranks the unexaminable one


def test_summary_is_one_bounded_line_whatever_the_evidence_says() -> None:
    row = TriageRow(source="x", computer_name="PC\r\n01\x00", verdict="cant-tell", outcome="cant-tell",
                    exit_code=4, problems=["p" * 5000] * 30, boot_miniport="a\nb" * 2000)
    line = summary_line(row)
    assert len(line) <= MAX_CHARS
    assert "\n" not in line and "\r" not in line and "\x00" not in line
    assert line.startswith("Dump Doctor: PC 01 |")
    broken = summary_line(problem_row("q/bad.zip", "not a readable zip\nfile"))
    assert "not examined: not a readable zip file" in broken and "\n" not in broken


def test_scan_summary_is_the_last_and_only_line_with_the_scan_exit_code() -> None:
    full = subprocess.run([sys.executable, "-m", "core.cli.main", "scan", "--demo", "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    short = subprocess.run([sys.executable, "-m", "core.cli.main", "scan", "--demo", "--oneline"],
                           capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert short.returncode == full.returncode == json.loads(full.stdout)["exit_code"]
    assert short.stdout.count("\n") == 1 and short.stdout.endswith("\n")
    assert len(short.stdout.rstrip("\n")) <= MAX_CHARS
    assert "known issue: matches" in short.stdout and "DEMO-VM" in short.stdout
    both = subprocess.run([sys.executable, "-m", "core.cli.main", "scan", "--demo", "--summary", "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert both.returncode == 2 and both.stdout == ""


def test_readiness_summary_keeps_the_readiness_exit_code() -> None:
    demo = str(resource_path("demo"))
    full = subprocess.run([sys.executable, "-m", "core.cli.main", "readiness", demo, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    short = subprocess.run([sys.executable, "-m", "core.cli.main", "readiness", demo, "--summary"],
                           capture_output=True, text=True, cwd=ROOT, timeout=300)
    readiness = json.loads(full.stdout)["readiness"]["id"]
    assert short.returncode == full.returncode
    assert short.stdout.count("\n") == 1 and f"dump readiness: {readiness}" in short.stdout
    assert short.stdout.rstrip().endswith(f"exit {full.returncode}")


def test_an_exported_bundle_scans_without_problems(tmp_path: Path) -> None:
    """Every exported bundle holds report/report.html; a page starting <!DOCTYPE html> is not an
    event export and must not become a problem on every row of a queue."""
    from core.examine import examine
    from tests.builders.fleet import export_bundle_zip, machine_named

    bundle = export_bundle_zip(tmp_path / "PC.zip", machine_named("PC"))
    with examine(bundle) as case:
        assert not [p for p in case.evidence.problems if "report.html" in p.path]


def test_lines_survive_a_windows_code_page() -> None:
    from core.triage.oneline import for_console
    from core.triage.writers import ndjson_lines

    row = TriageRow(source="x", computer_name="ПК-01 機", verdict="cant-tell")
    assert for_console(summary_line(row), "cp1252").startswith("Dump Doctor: ??-01 ?")
    (line,) = ndjson_lines([row])
    assert line.isascii() and json.loads(line)["computer_name"] == "ПК-01 機"


def test_summary_tells_missing_evidence_apart_from_files_that_could_not_be_read() -> None:
    row = TriageRow(source="x", verdict="matches", dump_readiness="ready",
                    problems=["a.dmp: the file ends at byte 12", "missing evidence: dumps, system-hive"])
    line = summary_line(row)
    assert "1 problem(s) reading evidence" in line
    assert "missing: dumps, system-hive" in line
    only_missing = summary_line(TriageRow(source="x", verdict="matches", dump_readiness="ready",
                                          problems=["missing evidence: dumps"]))
    assert "problem(s)" not in only_missing and "missing: dumps" in only_missing


def test_a_log_alone_names_its_computer_in_the_summary(tmp_path: Path) -> None:
    from tests.builders.events import at, kernel_power_41, write_export

    log = write_export(tmp_path / "System.xml", [kernel_power_41(at("2011-03-04T08:05:03Z"))])
    result = subprocess.run([sys.executable, "-m", "core.cli.main", "scan", "--summary", str(log)],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[3],
                            check=False)
    assert result.stdout.startswith("Dump Doctor: TESTPC |"), result.stdout
