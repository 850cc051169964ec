"""The Intune detection script against the CLI's real options, columns and values. PowerShell does not
run here; what the script relies on does, and is checked: the command line parses and produces one JSON
row with every field the script reads, and the exit codes it documents are the ones it uses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from core.cli.main import build_parser
from core.resources import resource_path
from core.triage.oneline import MAX_CHARS
from core.triage.row import COLUMN_KEYS, NOT_READY

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "integrations" / "intune" / "Detect-DumpDoctor.ps1"


def _text() -> str:
    return SCRIPT.read_text(encoding="utf-8")


def _cli_args() -> list[str]:
    found = re.findall(r"& \$CliPath ([^\r\n|]*?)\s*2>\$null", _text())
    assert len(found) == 1, "the script runs the CLI exactly once"
    return found[0].split()


def test_the_command_line_uses_real_options() -> None:
    args = build_parser().parse_args(_cli_args())
    assert args.command == "triage" and args.ndjson and not args.paths


def test_fields_and_values_the_script_reads_exist() -> None:
    text = _text()
    fields = set(re.findall(r"\$row\.([A-Za-z_]+)", text))
    assert fields and fields <= set(COLUMN_KEYS)
    schema = json.loads(resource_path("report.schema.json").read_text(encoding="utf-8"))
    verdicts = set(schema["$defs"]["triage_row"]["properties"]["verdict"]["enum"])
    used = set(re.findall(r"\$row\.verdict -eq '([a-z-]+)'", text))
    assert used == {"error", "matches", "at-risk"} and used <= verdicts
    not_ready = re.search(r"\$NotReady = @\(([^)]*)\)", text)
    assert not_ready and set(re.findall(r"'([a-z-]+)'", not_ready[1])) == set(NOT_READY)
    assert re.search(r"\$MaxLine = (\d+)", text)[1] == str(MAX_CHARS)  # type: ignore[index]


def test_documented_exit_codes_are_the_ones_used() -> None:
    text = _text()
    documented = {int(n) for n in re.findall(r"^\s{6}(\d)\s{2}", text, re.M)}
    used = {int(n) for n in re.findall(r"\bexit (\d+)\b", text)}
    assert documented == used == {0, 1, 2}
    readme = (SCRIPT.parent / "README.md").read_text(encoding="utf-8")
    assert {int(n) for n in re.findall(r"^\| (\d) \|", readme, re.M)} == used


def test_the_cli_gives_the_script_what_it_parses(tmp_path: Path) -> None:
    """The script's command on evidence (a path stands in for this computer): the JSON line it picks
    has the fields, a summary within Intune's limit, and the verdict that decides exit 1."""
    run = subprocess.run([sys.executable, "-m", "core.cli.main", *_cli_args(), str(resource_path("demo")),
                          "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    lines = [line for line in run.stdout.splitlines() if re.match(r"^\s*\{", line)]
    assert len(lines) == 1
    row = json.loads(lines[-1])
    assert row["verdict"] == "matches"  # the demo machine: the script exits 1 for it
    assert 0 < len(row["summary"]) <= MAX_CHARS and "\n" not in row["summary"]
