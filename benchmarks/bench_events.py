"""The events step on System logs: our reader (read_events: chunk census, a look at every record's
provider and id, the relevant ones as EventRecords, damage accounting) against two references, run in
turn in one process (`--rounds` times, min and median printed, so drift on a shared machine hits all):

- raw facts (bench_scan.raw_event_facts): the minimal raw library work for the same facts: every
  record from `evtx`, the time span, one regex per record for provider and id, ElementTree for the
  relevant records. The issue's yardstick (within 1.25x).
- bare iteration (bench_scan.raw_event_records): every record from `evtx`, discarded. No facts at all;
  the stricter reference, what the library costs before anything looks at a record.

Then, for context, the library's JSON rendering and python-evtx on a time-boxed sample, extrapolated.
Run: .venv/bin/python benchmarks/bench_events.py [EVTX ...] [--rounds N]; with no file, every .evtx in
../shared/realdata/evtx, or a generated log when those are absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_scan import raw_event_facts, raw_event_records  # noqa: E402

from core.events import build_timeline, read_events  # noqa: E402
from core.sources.base import EventInput  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata" / "evtx"


def generated_log(folder: Path, count: int = 20_000) -> Path:
    """A busy log when no real one is at hand: service-control noise with a crash every 500 records."""
    from tests.builders import events as b
    from tests.builders.evtx import write_evtx

    start = b.at("2013-05-07 10:00:00")
    events = [b.kernel_power_41(start + timedelta(seconds=i), bugcheck=0x9F) if i % 500 == 7
              else b.unrelated(start + timedelta(seconds=i), "Service Control Manager", 7036)
              for i in range(count)]
    return write_evtx(folder / "System_generated.evtx", events)


def alternate(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # warm the page cache and lazy imports
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def bench(path: Path, rounds: int, python_evtx_sample: int) -> None:
    from evtx import PyEvtxParser

    def ours() -> object:
        return read_events(EventInput("evtx", path, path.name))

    times = alternate({"ours": ours, "raw facts": lambda: raw_event_facts(path),
                       "bare": lambda: raw_event_records(path)}, rounds)
    result = read_events(EventInput("evtx", path, path.name))
    count, first, last, relevant = raw_event_facts(path)
    print(f"\n{path.name} ({path.stat().st_size / 1e6:.1f} MB, {result.records_read:,} records), "
          f"{rounds} rounds, min / median ms")
    print(f"  same facts: records {result.records_read} / raw {count}; span {result.first_event} .. "
          f"{result.last_event} / raw {first} .. {last}; relevant {len(result.records)} / raw "
          f"{len(relevant)} (raw keeps WHEA of any level)")
    ours_t = times["ours"]
    for name, label in (("ours", "read_events (ours)"), ("raw facts", "raw, same facts"),
                        ("bare", "raw, bare iteration")):
        t = times[name]
        ratio = "" if name == "ours" else (
            f"   ours / this: {statistics.median(ours_t) / statistics.median(t):.2f}x median, "
            f"{min(ours_t) / min(t):.2f}x min")
        print(f"  {label:<21}{min(t) * 1000:>8.1f} /{statistics.median(t) * 1000:>8.1f}{ratio}")
    start = time.perf_counter()
    n_json = sum(1 for _ in PyEvtxParser(str(path)).records_json())
    print(f"  evtx records_json()  {(time.perf_counter() - start) * 1000:>8.1f} (once, {n_json} records)")
    start = time.perf_counter()
    build_timeline(result, [], None)
    print(f"  build_timeline       {(time.perf_counter() - start) * 1000:>8.1f} (once)")
    if python_evtx_sample:
        try:
            from Evtx import Evtx as PyEvtx
        except ImportError:
            print("  python-evtx not installed; skipped")
            return
        start = time.perf_counter()
        n = 0
        with PyEvtx.Evtx(str(path)) as log:
            for rec in log.records():
                rec.xml()
                n += 1
                if n >= python_evtx_sample:
                    break
        took = time.perf_counter() - start
        print(f"  python-evtx (sample) {n} records in {took:.3f} s; whole file extrapolated: "
              f"{result.records_read / (n / took):.0f} s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("evtx", nargs="*")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--python-evtx-sample", type=int, default=500,
                    help="records to time with python-evtx (0 to skip); extrapolated to the whole file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(p) for p in args.evtx] or sorted(REALDATA.glob("*.evtx")) or [generated_log(Path(tmp))]
        for path in paths:
            if not path.is_file():
                print(f"{path} not found; pass an .evtx file")
                return 2
            bench(path, args.rounds, args.python_evtx_sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
