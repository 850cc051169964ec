"""Time the dump readiness verdict (12 checks + the per-crash missing-dump explanations) on a timeline
with many crashes and dump events, and on the real Server 2012 R2 log when ../shared/realdata has it.
Prints ms per assessment.

    .venv/bin/python benchmarks/bench_readiness.py
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.events import build_timeline, read_events
from core.evidence import Evidence
from core.readiness.engine import assess_readiness
from core.sources.base import EventInput
from tests.builders.events import at, boot, kernel_power_41, volmgr, write_export
from tests.core.diagnosis.evidence_builder import Scenario

CRASHES = 2000
ROUNDS = 20
REAL = (Path(__file__).resolve().parent.parent.parent / "shared" / "realdata" / "evtx"
        / "System_ws2012r2_large.evtx")


def _time(label: str, evidence: Evidence) -> None:
    assess_readiness(evidence, [])  # warm the knowledge cache
    t0 = time.perf_counter()
    for _ in range(ROUNDS):
        verdict = assess_readiness(evidence, [])
    ms = (time.perf_counter() - t0) * 1000 / ROUNDS
    print(f"{label}: {ms:.1f} ms per assessment ({len(verdict.missing_dumps)} crashes explained)")


def main(tmp: Path) -> None:
    start = at("2020-01-01 08:00:00")
    events = []
    for i in range(CRASHES):
        when = start + timedelta(hours=6 * i)
        events += [*boot(when), volmgr(when + timedelta(minutes=1), 161 if i % 2 else 46),
                   kernel_power_41(when + timedelta(hours=3), bugcheck=0x50)]
    path = write_export(tmp / "System.xml", events)
    evidence = Scenario(crash_dump_enabled=2).build_evidence()
    evidence.timeline = build_timeline(read_events(EventInput("xml", path, "System.xml")))
    _time(f"{CRASHES} generated crashes with volmgr events", evidence)
    if REAL.is_file():
        real = Scenario(crash_dump_enabled=7).build_evidence()
        real.timeline = build_timeline(read_events(EventInput("evtx", REAL, REAL.name)))
        _time("real Server 2012 R2 log (60,189 records)", real)
    else:
        print(f"real log not found at {REAL}; skipped")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        main(Path(folder))
