"""With files from several computers, the whole's verdict, readiness and exit code are the most serious
over the computers, whatever order the files were given in (docs/report-schema.md)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.cli.main import main
from core.diagnosis.engine import READINESS_SERIOUSNESS, VERDICT_SERIOUSNESS
from core.diagnosis.model import VerdictId
from core.readiness.model import ReadinessId
from tests.builders.dumps import typical_drivers, write_kernel_dump
from tests.builders.events import eventlog, kernel_general, kernel_power_41, kernel_power_42, write_export
from tests.builders.offline_root import Machine, memory_roots
from tests.builders.regf import build_hive

T0 = datetime(2011, 3, 1, 9, 0, tzinfo=UTC)


def _log(path: Path, computer: str) -> Path:
    """A Windows 7 RTM computer that crashed with 0xD1 on resume from hibernation."""
    version = (6, 1, 7600, 16385)
    crash_boot = T0 + timedelta(minutes=5)
    evs = [kernel_general(T0, 12, version=version), eventlog(T0 + timedelta(seconds=20), 6005),
           kernel_power_42(T0 + timedelta(minutes=2), target_state=5),
           kernel_general(crash_boot, 12, version=version),
           eventlog(crash_boot + timedelta(seconds=20), 6005),
           kernel_power_41(crash_boot + timedelta(seconds=3), bugcheck=0xD1,
                           params=(0, 2, 0, 0xFFFFF88001234567), sleep=True)]
    for ev in evs:
        ev.computer = computer
    return write_export(path, evs)


def _files(tmp_path: Path) -> list[str]:
    hive = tmp_path / "SYSTEM"
    hive.write_bytes(bytes(build_hive(memory_roots(Machine())["SYSTEM"]).data))  # TESTPC
    log = _log(tmp_path / "other.xml", "OTHERPC")
    dump = write_kernel_dump(tmp_path / "Mini32.dmp", 32, 0x50, (0, 0, 0, 0), dump_type=4,
                             drivers=typical_drivers(32), build=9600)
    return [str(hive), str(log), str(dump)]


def _most_serious(data: dict) -> tuple[str, str | None]:  # type: ignore[type-arg]
    verdicts = [VerdictId(m["verdict"]["id"]) for m in data["machines"]]
    ready = [ReadinessId(m["readiness"]["id"]) for m in data["machines"] if m["readiness"]]
    return (min(verdicts, key=VERDICT_SERIOUSNESS.index).value,
            min(ready, key=READINESS_SERIOUSNESS.index).value if ready else None)


def test_the_whole_verdict_and_exit_code_do_not_depend_on_file_order(tmp_path, capsys) -> None:
    files = _files(tmp_path)
    answers = set()
    for order in itertools.permutations(files):
        code = main(["scan", *order, "--json"])
        data = json.loads(capsys.readouterr().out)
        assert len(data["machines"]) == 3
        verdicts = {m["verdict"]["id"] for m in data["machines"]}
        assert len(verdicts) > 1  # otherwise this test could not tell the rules apart
        assert (data["verdict"]["id"], data["readiness"]["id"]) == _most_serious(data)
        assert data["verdict_from"] in {m["label"] for m in data["machines"]}
        codes = {m["exit_code"] for m in data["machines"]}
        # The worst over the computers; "unreadable" (3) only when no computer could be read.
        assert data["exit_code"] == code == next(c for c in (1, 4, 0, 3) if c in codes)
        answers.add((data["verdict"]["id"], data["verdict_from"], data["readiness"]["id"],
                     data["readiness_from"], code))
    assert len(answers) == 1, answers


@pytest.mark.parametrize("first", ["hives/SYSTEM_win7sp1", "evtx/System_win7sp1.evtx"])
def test_real_samples_of_several_computers_give_the_most_serious_verdict(realdata, capsys, first) -> None:
    names = ["hives/SYSTEM_win7sp1", "hives/SYSTEM_win10-1709", "evtx/System_win7sp1.evtx",
             "evtx/System_win10-1809.evtx", "dumps/triage_x64_19041.dmp"]
    names.remove(first)
    code = main(["scan", "--json", *(str(realdata(n)) for n in [first, *names])])
    data = json.loads(capsys.readouterr().out)
    assert (data["verdict"]["id"], data["readiness"]["id"]) == _most_serious(data)
    assert data["exit_code"] == code


def test_the_wizard_names_the_computer_whose_verdict_it_shows_first(tmp_path) -> None:
    from core.diagnosis import diagnose
    from core.scan import scan
    from core.sources import open_source
    from core.wizard.present import verdict_headline

    files = _files(tmp_path)
    for order in (files, files[::-1]):
        with open_source([Path(f) for f in order]) as source:
            diag = diagnose(scan(source))
        worst = min(diag.machines, key=lambda m: VERDICT_SERIOUSNESS.index(m.diagnosis.verdict.id))
        assert diag.verdict.id is worst.diagnosis.verdict.id
        assert verdict_headline(diag).endswith(f"{worst.label}: {worst.diagnosis.verdict.headline}")
