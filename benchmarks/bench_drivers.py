"""Time the classification of 400 generated storage drivers (issue #13): PE inspection, the capstone
code scan of the functions that call StorPortInitialize, and the classification itself. The drivers mix
x86 and x64, virtual (VIRTUAL_HW_INITIALIZATION_DATA and FeatureSupport forms), physical, direct, thunk
and register calls, and carry 256 KB of other code each so the call search runs over a driver-sized
image. Each figure is the best of three runs (the machine is shared; the minimum is the least disturbed).
Prints totals and ms/driver.

    .venv/bin/python benchmarks/bench_drivers.py [COUNT] [FILLER_KB]
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.drivers import assess_loose, inspect_pe
from core.drivers.model import DriverKind
from tests.builders.pe import MINIPORT_IMPORTS, EntryShape, build_driver, miniport_entry

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 400
FILLER = (int(sys.argv[2]) if len(sys.argv) > 2 else 256) * 1024
FORMS = [
    ("virtual", None, 0), ("win8", 0x29, 0), ("legacy", None, 5), ("win8", 0x8, 5),
]
CALLS = ("direct", "thunk", "register")


def best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        paths = []
        expected_virtual = 0
        combos = itertools.cycle(itertools.product((32, 64), FORMS, CALLS))
        for i in range(COUNT):
            bits, (structure, feature, interface), call = next(combos)
            expected_virtual += structure == "virtual" or feature == 0x29
            shape = EntryShape(structure=structure, feature=feature, interface_type=interface, call=call,
                               zero="memset" if i % 3 else "rep-stos", fill="register" if i % 2 else "frame",
                               filler=FILLER + i)
            paths.append(build_driver(root / f"drv{i:03}.sys", bits=bits, imports=MINIPORT_IMPORTS,
                                      code=miniport_entry(shape), version=f"1.0.0.{i}", signed=True))
        build_s = time.perf_counter() - t0

        # PE inspection with the code scan (what every driver costs) ...
        hints = sum(len(inspect_pe(p).init_data_hints) for p in paths)  # also warms the file cache
        inspect_s = best_of(3, lambda: [inspect_pe(p) for p in paths])
        # ... the same without the code scan, to isolate its share
        import core.drivers.pe_inspect as pe_inspect

        real_scan = pe_inspect._scan_code
        pe_inspect._scan_code = lambda *args, **kwargs: None  # type: ignore[assignment]
        no_scan_s = best_of(3, lambda: [inspect_pe(p) for p in paths])
        pe_inspect._scan_code = real_scan  # type: ignore[assignment]

        # ... and the whole loose classification (inspection + code scan + classification)
        classify_s = best_of(3, lambda: assess_loose(paths))
        report = assess_loose(paths)
    virtual = sum(d.kind is DriverKind.STORPORT_VIRTUAL for d in report.drivers)
    physical = sum(d.kind is DriverKind.STORPORT_PHYSICAL for d in report.drivers)
    size_kb = FILLER // 1024
    print(f"built {COUNT} drivers ({size_kb} KB of code each) in {build_s:.2f} s")
    print(f"inspect_pe with code scan:    {inspect_s:.2f} s total, {inspect_s * 1000 / COUNT:.2f} ms/driver "
          f"({hints} StorPortInitialize calls read)")
    print(f"inspect_pe without code scan: {no_scan_s:.2f} s total, {no_scan_s * 1000 / COUNT:.2f} ms/driver")
    scan_ms = (inspect_s - no_scan_s) * 1000 / COUNT
    print(f"code scan (call search + capstone on the calling functions): {scan_ms:.2f} ms/driver")
    per = classify_s * 1000 / COUNT
    print(f"classification of all {COUNT}: {classify_s:.2f} s total, {per:.2f} ms/driver; "
          f"{virtual} virtual (expected {expected_virtual}), {physical} physical")


if __name__ == "__main__":
    main()
