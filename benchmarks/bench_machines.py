"""Time telling computers apart (issue #11): the scan of the six real samples together (two hives,
three System logs, one dump: six computers), and the grouping alone on many generated pieces (a support
folder with 200 minidumps and 20 logs). Each figure is the best of three runs.

    .venv/bin/python benchmarks/bench_machines.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.diagnosis import diagnose
from core.machines import Piece, group_pieces
from core.scan import scan
from core.sources import open_source

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
SAMPLES = ["hives/SYSTEM_win7sp1", "hives/SYSTEM_win10-1709", "evtx/System_win7sp1.evtx",
           "evtx/System_win10-1809.evtx", "evtx/System_ws2012r2_large.evtx", "dumps/triage_x64_19041.dmp"]


def best(fn: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def real_mix() -> int:
    with open_source([REAL / s for s in SAMPLES]) as source:
        ev = scan(source)
        return len(diagnose(ev).machines)


def generated_pieces() -> list[Piece]:
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    pieces = [Piece(f"log{i}.evtx", "events", names=[f"PC-{i:02d}"], build=19041, when=t0,
                    last_seen=t0 + timedelta(days=30)) for i in range(20)]
    pieces += [Piece(f"Mini{i}.dmp", "dump", build=19041 if i % 2 else 17763, architecture="x64",
                     when=t0 + timedelta(days=i % 40)) for i in range(200)]
    return pieces


def main() -> None:
    if all((REAL / s).is_file() for s in SAMPLES):
        seconds, machines = best(real_mix)
        print(f"scan + diagnose of the 6 real samples: {seconds:.2f} s, {machines} computers told apart")
    else:
        print(f"real samples not found in {REAL}; skipped")
    pieces = generated_pieces()
    seconds, machines = best(lambda: group_pieces(pieces))
    count = len(machines) if isinstance(machines, list) else 0
    print(f"grouping {len(pieces)} generated pieces: {seconds * 1000:.1f} ms, {count} computers")


if __name__ == "__main__":
    main()
