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
    """Raises AssertionError naming what the exe got wrong; returns what it read."""
    report = _scan(cli, env, realdata / WIN7_HIVE, realdata / WIN7_LOG, realdata / TRIAGE_DUMP)
    evidence = report["evidence"]
    assert isinstance(evidence, dict)
    cc = evidence.get("crash_control") or {}
    problems = json.dumps(report.get("problems"))[:1500]
    assert (cc.get("crash_dump_enabled"), cc.get("minidumps_count")) == (2, 50), (
        f"Windows 7 hive: CrashControl {cc} ({problems})")
    dumps = evidence.get("dumps") or []
    code = dumps[0]["bugcheck"]["code"] if dumps and dumps[0].get("bugcheck") else None
    assert code == 0x1000007E, f"triage dump: bug check {code!r} ({problems})"
    timeline = evidence.get("timeline") or {}
    restarts = [e for e in timeline.get("entries", []) if e["kind"] == "unexpected-restart"]
    assert len(restarts) == 2, f"Windows 7 System log: {len(restarts)} unexpected restarts, expected 2"
    verdict = report["verdict"]
    assert verdict["id"] == "not-this-issue", f"verdict {verdict['id']!r}"

    dirty = _scan(cli, env, realdata / WIN10_DIRTY_HIVE)
    dirty_evidence = dirty["evidence"]
    assert isinstance(dirty_evidence, dict)
    cc10 = dirty_evidence.get("crash_control") or {}
    notes = " ".join(dirty_evidence.get("hive_notes") or [])
    assert (cc10.get("crash_dump_enabled"), cc10.get("minidumps_count")) == (7, 5), (
        f"Windows 10 hive: CrashControl {cc10}")
    assert "logs replayed" in notes, f"Windows 10 dirty hive: logs not replayed ({notes})"
    return {"win7": verdict["id"], "win7_crash_dump_enabled": 2, "dump_bugcheck": hex(code),
            "restarts": len(restarts), "win10_crash_dump_enabled": 7, "win10_logs": "replayed"}
