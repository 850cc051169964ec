"""Smoke tests of a frozen console exe on the real samples in ../shared/realdata (MANIFEST.md there
lists the facts independent tools read from them). A build that cannot read a hive, a log or a dump
still runs and answers "can't tell", so these check the values, not just the exit code."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

WIN7_HIVE = "hives/SYSTEM_win7sp1"
WIN7_LOG = "evtx/System_win7sp1.evtx"
TRIAGE_DUMP = "dumps/triage_x64_19041.dmp"
WIN10_DIRTY_HIVE = "hives/SYSTEM_win10-1709"  # with .LOG1/.LOG2 beside it


def realdata_dir() -> Path | None:
    folder = Path(os.environ.get("DUMPDOCTOR_REALDATA") or ROOT.parent / "shared" / "realdata")
    return folder if (folder / WIN7_HIVE).is_file() else None


def _scan(cli: Path, env: dict[str, str], *paths: Path) -> dict[str, Any]:
    out = subprocess.run([str(cli), "scan", "--json", *map(str, paths)], capture_output=True, text=True,
                         encoding="utf-8", env=env, timeout=300, check=False)
    assert out.returncode in (0, 1, 4), f"scan exit {out.returncode}: {out.stderr[-2000:]}"
    report: dict[str, Any] = json.loads(out.stdout)
    return report


def scan_real_samples(cli: Path, env: dict[str, str], realdata: Path) -> dict[str, object]:
    """Raises AssertionError naming what the exe got wrong; returns what it read. The three Windows 7
    era samples come from three different computers (MANIFEST.md), so each is checked on its own, and
    together they must be told apart."""
    hive = _scan(cli, env, realdata / WIN7_HIVE)
    cc = hive["evidence"].get("crash_control") or {}
    problems = json.dumps(hive.get("problems"))[:1500]
    assert (cc.get("crash_dump_enabled"), cc.get("minidumps_count")) == (2, 50), (
        f"Windows 7 hive: CrashControl {cc} ({problems})")

    log = _scan(cli, env, realdata / WIN7_LOG)
    timeline = log["evidence"].get("timeline") or {}
    restarts = [e for e in timeline.get("entries", []) if e["kind"] == "unexpected-restart"]
    assert len(restarts) == 2, f"Windows 7 System log: {len(restarts)} unexpected restarts, expected 2"
    assert log["verdict"]["id"] == "not-this-issue", f"System log verdict {log['verdict']['id']!r}"

    dump = _scan(cli, env, realdata / TRIAGE_DUMP)
    dumps = dump["evidence"].get("dumps") or []
    code = dumps[0]["bugcheck"]["code"] if dumps and dumps[0].get("bugcheck") else None
    assert code == 0x1000007E, f"triage dump: bug check {code!r} ({json.dumps(dump.get('problems'))[:1500]})"
    assert dump["verdict"]["id"] == "not-this-issue", f"dump verdict {dump['verdict']['id']!r}"

    together = _scan(cli, env, realdata / WIN7_HIVE, realdata / WIN7_LOG, realdata / TRIAGE_DUMP)
    machines = together.get("machines") or []
    assert len(machines) == 3, f"the three samples' computers: {len(machines)} told apart, expected 3"

    dirty = _scan(cli, env, realdata / WIN10_DIRTY_HIVE)
    cc10 = dirty["evidence"].get("crash_control") or {}
    notes = " ".join(dirty["evidence"].get("hive_notes") or [])
    assert (cc10.get("crash_dump_enabled"), cc10.get("minidumps_count")) == (7, 5), (
        f"Windows 10 hive: CrashControl {cc10}")
    assert "logs replayed" in notes, f"Windows 10 dirty hive: logs not replayed ({notes})"
    return {"win7_crash_dump_enabled": 2, "log_restarts": len(restarts), "log_verdict": log["verdict"]["id"],
            "dump_bugcheck": hex(code), "dump_verdict": dump["verdict"]["id"], "computers": len(machines),
            "win10_crash_dump_enabled": 7, "win10_logs": "replayed"}
