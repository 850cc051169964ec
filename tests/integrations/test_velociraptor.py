"""The Velociraptor artifacts' contract with the real CLI, proven without Velociraptor: the command
line the client artifact runs is taken from its YAML and run here on generated evidence, and the
output must parse (as VQL's parse_jsonl would) into exactly the columns the artifact's query selects.
The server artifact may only use columns the client artifact returns."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.triage.row import COLUMN_KEYS
from tests.builders.fleet import demo_bundle_zip, machine_named, write_velociraptor_collection

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "integrations" / "velociraptor"
CLIENT = FOLDER / "Custom.Windows.DumpDoctor.Triage.yaml"
SERVER = FOLDER / "Custom.Server.DumpDoctor.FleetSummary.yaml"
EXECVE_LENGTH_DEFAULT = 10_000_000


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _query(artifact: dict[str, Any]) -> str:
    (source,) = artifact["sources"]
    return str(source["query"])


def _argv(query: str) -> tuple[str, list[str], int]:
    """(the tool expression, the literal arguments, execve's length) from the execve() call."""
    call = re.search(r"execve\(\s*argv=\[(?P<argv>.*?)\]\s*(?P<rest>[,)][^)]*)", query, re.S)
    assert call, "the artifact must run the tool through execve(argv=[...])"
    parts = [p.strip() for p in call["argv"].split(",") if p.strip()]
    length = re.search(r"length=(\d+)", call["rest"])
    return parts[0], [ast.literal_eval(p) for p in parts[1:]], int(length[1]) if length else 0


def _selected(query: str) -> list[str]:
    """The column names of the final SELECT (the rows the artifact returns)."""
    final = re.findall(r"SELECT\s+(?P<cols>(?:(?!SELECT).)*?)\s+FROM\s+if\(", query, re.S)
    assert final, "the final query must be SELECT <columns> FROM if(condition=bin, ...)"
    return [c.strip() for c in final[-1].split(",")]


def test_client_artifact_follows_velociraptor_conventions() -> None:
    artifact = _load(CLIENT)
    assert artifact["name"] == CLIENT.stem and artifact["type"] == "CLIENT"
    assert "windows" in artifact["precondition"].lower()
    (tool,) = artifact["tools"]
    query = _query(artifact)
    assert f'ToolName="{tool["name"]}"' in query and "Generic.Utils.FetchBinary" in query
    assert "EXECVE" in artifact.get("required_permissions", [])
    assert any(p["name"] == "ToolInfo" for p in artifact["parameters"])
    assert _argv(query)[0] == "bin[0].OSPath"


@pytest.mark.parametrize("evidence", ["bundle", "velociraptor-collection"])
def test_command_line_output_parses_into_exactly_the_selected_columns(tmp_path: Path, evidence: str) -> None:
    query = _query(_load(CLIENT))
    _tool, args, length = _argv(query)
    name = "PC-A" if evidence == "bundle" else "PC-B"
    if evidence == "bundle":
        path = demo_bundle_zip(tmp_path / "PC-A.zip", name)
    else:
        path = write_velociraptor_collection(tmp_path / "Collection.zip", machine_named(name), host=name)
    # On the endpoint the command has no path (this computer); here the generated evidence stands in.
    run = subprocess.run([sys.executable, "-m", "core.cli.main", *args, str(path), "--no-cache"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode in (0, 1, 3, 4), run.stderr
    assert len(run.stdout.encode()) < (length or EXECVE_LENGTH_DEFAULT)  # one execve row holds it all
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]  # parse_jsonl
    assert len(rows) == 1  # one row per machine
    selected = _selected(query)
    assert list(rows[0]) == selected  # every column selected exists, and nothing returned is dropped
    assert selected == ["row_schema", *COLUMN_KEYS]
    assert rows[0]["computer_name"] == name
    assert rows[0]["exit_code"] == run.returncode


def test_live_form_of_the_command_line_is_accepted_by_the_cli() -> None:
    """Without a path the CLI examines this computer; off Windows it says so (usage error), which
    proves the options themselves parse."""
    _tool, args, _ = _argv(_query(_load(CLIENT)))
    run = subprocess.run([sys.executable, "-m", "core.cli.main", *args], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    if sys.platform == "win32":
        pytest.skip("on Windows this examines the live machine")
    assert run.returncode == 2 and "not Windows" in run.stderr and run.stdout == ""


def _identifiers(query: str) -> set[str]:
    words = set(re.findall(r"\b[a-z_]+\b", re.sub(r'"[^"]*"', "", query)))
    vql = {"count", "hunt_results", "hunt_id", "artifact"}
    return words - vql


def test_server_artifact_uses_only_the_client_columns() -> None:
    server, client = _load(SERVER), _load(CLIENT)
    assert server["type"] == "SERVER"
    default = next(p["default"] for p in server["parameters"] if p["name"] == "ArtifactName")
    assert default == client["name"]
    columns = set(_selected(_query(client)))
    for source in server["sources"]:
        query = str(source["query"])
        assert "hunt_results(hunt_id=HuntId, artifact=ArtifactName)" in query
        unknown = _identifiers(query) - columns
        assert not unknown, f"{source['name']} uses columns the client artifact does not return: {unknown}"
    needs = str(server["sources"][-1]["query"])
    assert '"^(matches|at-risk)$"' in needs  # the verdict ids it filters on are the real ones
