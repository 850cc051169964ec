"""Events per second on the largest real System log: our reader (read_events: chunk census, relevant
records only, typed later) against the raw `evtx` library on the same file, plus python-evtx on a
time-boxed sample, extrapolated. Run: .venv/bin/python benchmarks/bench_events.py [EVTX] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.events import build_timeline, read_events  # noqa: E402
from core.sources.base import EventInput  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "realdata" / "evtx" / "System_ws2012r2_large.evtx"


def best(fn, repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = fn()
        times.append(time.perf_counter() - start)
    return min(times), count


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("evtx", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--python-evtx-sample", type=int, default=500,
                    help="records to time with python-evtx (0 to skip); extrapolated to the whole file")
    args = ap.parse_args()
    path = Path(args.evtx)
    if not path.is_file():
        print(f"{path} not found; pass an .evtx file")
        return 2
    from evtx import PyEvtxParser

    raw_xml, n_raw = best(lambda: sum(1 for _ in PyEvtxParser(str(path)).records()), args.repeat)
    raw_json, _ = best(lambda: sum(1 for _ in PyEvtxParser(str(path)).records_json()), args.repeat)

    def ours() -> int:
        return read_events(EventInput("evtx", path, path.name)).records_read

    ours_t, n_ours = best(ours, args.repeat)
    result = read_events(EventInput("evtx", path, path.name))
    tl_t, _ = best(lambda: len(build_timeline(result, [], None).entries), args.repeat)

    print(f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB), best of {args.repeat}")
    def line(label: str, n: int, took: float, extra: str = "") -> None:
        print(f"{label:<23}: {n:>7} records in {took:.3f} s = {n / took:>9,.0f} events/s{extra}")

    line("evtx records() (XML)", n_raw, raw_xml)
    line("evtx records_json()", n_raw, raw_json)
    line("read_events (ours)", n_ours, ours_t, f"  ({len(result.records)} relevant kept)")
    print(f"build_timeline         : {tl_t * 1000:.1f} ms")
    print(f"overhead ratio ours / raw records(): {ours_t / raw_xml:.2f}x")
    if args.python_evtx_sample:
        try:
            from Evtx import Evtx as PyEvtx
        except ImportError:
            print("python-evtx not installed; skipped")
            return 0
        start = time.perf_counter()
        n = 0
        with PyEvtx.Evtx(str(path)) as log:
            for rec in log.records():
                rec.xml()
                n += 1
                if n >= args.python_evtx_sample:
                    break
        took = time.perf_counter() - start
        print(f"python-evtx (sample)   : {n:>7} records in {took:.3f} s = {n / took:>9,.0f} events/s; "
              f"whole file extrapolated: {n_raw / (n / took):.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
