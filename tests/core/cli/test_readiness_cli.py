"""`dumpdoctor readiness` and the readiness part of `dumpdoctor scan`: exit codes fleet scripts key on
(0 ready, 1 not ready, 4 can't tell, 5 degraded, 3 unreadable) and JSON valid against the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from core.cli.main import main
from core.resources import resource_path
from tests.builders.offline_root import write_bundle_folder
from tests.builders.windows_versions import GB, machine_for, write_readiness_files


def _schema() -> dict:  # type: ignore[type-arg]
    return json.loads(resource_path("report.schema.json").read_text(encoding="utf-8"))


def _bundle(folder: Path, **cc: object) -> str:
    machine = machine_for("10", AlwaysKeepMemoryDump=1, DumpFilters=None, **cc)  # type: ignore[arg-type]
    machine.minidumps = []  # the builder's minidumps say build 7601: another computer than this Windows 10
    write_bundle_folder(folder, machine)
    write_readiness_files(folder, free={"C:": 100 * GB}, ram=8 * GB)
    # Its System log: a Windows 10 start-up with no dump-stack failure after it (without it, or a dump,
    # whether the dump stack was set up is unknown, and readiness can't tell).
    from tests.builders.events import at, boot, write_export
    (folder / "events").mkdir(exist_ok=True)
    write_export(folder / "events" / "System.xml", boot(at("2024-05-01 08:00:00"), version=(10, 0, 19045, 0)))
    return str(folder)


@pytest.mark.parametrize(("cc", "code", "verdict"), [
    ({}, 0, "ready"),
    ({"CrashDumpEnabled": 0}, 1, "not-ready"),
    ({"CrashDumpEnabled": None}, 4, "cant-tell"),
    ({"AutoReboot": 0}, 5, "degraded"),
])
def test_readiness_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str], cc: dict,  # type: ignore[type-arg]
                              code: int, verdict: str) -> None:
    source = _bundle(tmp_path / "b", **cc)
    assert main(["readiness", source]) == code
    out = capsys.readouterr().out
    assert "Will the next crash leave a dump?" in out
    assert main(["readiness", source, "--json"]) == code
    data = json.loads(capsys.readouterr().out)
    assert data["readiness"]["id"] == verdict and data["exit_code"] == code
    jsonschema.validate(data["readiness"], {"$defs": _schema()["$defs"], "$ref": "#/$defs/readiness"})


def test_readiness_of_an_empty_folder_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["readiness", str(tmp_path / "empty")]) in (2, 3)


def test_scan_shows_readiness_beside_the_known_issue(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    source = _bundle(tmp_path / "b", CrashDumpEnabled=0)
    assert main(["scan", source, "--json"]) == 1  # not ready counts as a problem for `scan`
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, _schema())
    assert data["verdict"]["id"] == "not-this-issue"  # the known issue keeps `verdict.id`
    assert data["readiness"]["id"] == "not-ready"
    assert data["all_verdicts"][0] == {"kind": "readiness", "id": "not-ready",
                                       "headline": data["readiness"]["headline"], "is_problem": True}
    assert {v["kind"] for v in data["all_verdicts"]} == {"readiness", "known-issue"}
    html = tmp_path / "r.html"
    assert main(["scan", source, "--html", str(html)]) == 1
    page = html.read_text(encoding="utf-8")
    assert 'data-readiness="not-ready"' in page and 'id="check-dump-enabled"' in page
    text = capsys.readouterr().out
    assert text.index("Will the next crash leave a dump?") < text.index("Is this the known issue?")


def test_demo_keeps_the_known_issue_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--demo", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["all_verdicts"][0]["kind"] == "known-issue" and data["verdict"]["id"] == "matches"
    assert data["readiness"]["id"] == "not-ready"
    assert data["readiness"]["missing_dumps"][0]["reason"].startswith("known-issue:")


def test_readiness_of_files_from_two_computers_answers_for_each(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A ready TESTPC hive and a log from OTHERPC: the answer is not "ready" for both (exit 0) with
    OTHERPC never mentioned; each computer is answered, and the exit code is the worst of them."""
    from tests.builders.events import at, boot, write_export
    from tests.builders.offline_root import Machine
    from tests.core.test_machines import _hibernate_crash, _hive

    hive = _hive(tmp_path, Machine())  # TESTPC, with its own log (so the dump stack is known set up)
    own = write_export(tmp_path / "own.xml", boot(at("2011-03-01 09:00:00"), version=(6, 1, 7601, 0)))
    log = write_export(tmp_path / "other.xml", _hibernate_crash("OTHERPC", (6, 1, 7600, 16385)))
    # Loose files never show the free space, which could stop the dump: can't tell, naming it.
    assert main(["readiness", str(hive), str(own)]) == 4
    assert "Not known, and each could stop the dump: The volume that receives the dump file has room" in \
        " ".join(capsys.readouterr().out.split())
    assert main(["readiness", str(hive), str(own), str(log)]) == 4  # OTHERPC: no dump settings, can't tell
    out = capsys.readouterr().out
    assert out.startswith("These files come from 2 computers: TESTPC; OTHERPC.")
    assert "Computer 1 of 2: TESTPC" in out and "Computer 2 of 2: OTHERPC" in out
    assert out.count("Will the next crash leave a dump?") == 2
    assert main(["readiness", str(hive), str(own), str(log), "--json"]) == 4
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == 4 and data["readiness"]["id"] == "cant-tell"
    assert [(m["computer"], m["readiness"]["id"], m["exit_code"]) for m in data["machines"]] == [
        ("TESTPC", "cant-tell", 4), ("OTHERPC", "cant-tell", 4)]
    for m in data["machines"]:
        jsonschema.validate(m["readiness"], {"$defs": _schema()["$defs"], "$ref": "#/$defs/readiness"})


def test_real_hive_alone_is_not_ready_on_unknown_checks(realdata, capsys: pytest.CaptureFixture[str]) -> None:
    """A SYSTEM hive alone shows neither the free space nor whether the dump stack was set up: either could
    stop the dump, so the answer is "can't tell", naming them, never "ready"."""
    assert main(["readiness", str(realdata("hives/SYSTEM_win7sp1"))]) == 4
    out = " ".join(capsys.readouterr().out.split())
    assert "Can't tell" in out and "Not known, and each could stop the dump:" in out
    assert "The dump stack (dump_*.sys) was set up" in out and "has room for it" in out


def test_readiness_of_several_computers_is_the_most_serious_by_the_scans_rule(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A degraded computer (AutoReboot 0) and one that cannot be judged: "can't tell" is the more serious
    (a dump may not be written at all), in `readiness` as in `scan --json`."""
    from tests.builders.events import write_export
    from tests.core.test_machines import _hibernate_crash

    source = _bundle(tmp_path / "b", AutoReboot=0)
    write_export(tmp_path / "b" / "events" / "other.xml", _hibernate_crash("OTHERPC", (6, 1, 7600, 16385)))
    code = main(["readiness", source, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert sorted(m["readiness"]["id"] for m in data["machines"]) == ["cant-tell", "degraded"]
    assert data["readiness"]["id"] == "cant-tell" and code == data["exit_code"] == 4
    main(["scan", source, "--json"])
    assert json.loads(capsys.readouterr().out)["readiness"]["id"] == "cant-tell"
