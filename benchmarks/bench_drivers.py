"""Time inspect_pe on 400 generated driver files (half 32-bit, half 64-bit, with imports, version
resources, signature blocks and a StorPortInitialize call). Prints ms/driver.

    .venv/bin/python benchmarks/bench_drivers.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.drivers import inspect_pe
from tests.builders.pe import build_driver, storport_init_call

COUNT = 400
IMPORTS = {
    "storport.sys": ["StorPortInitialize", "StorPortNotification", "StorPortGetDeviceBase",
                     "StorPortGetPhysicalAddress", "StorPortLogError"],
    "ntoskrnl.exe": [f"Ke{n}" for n in range(40)],
    "hal.dll": ["KeStallExecutionProcessor"],
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        paths = []
        for i in range(COUNT):
            bits = 64 if i % 2 else 32
            size = 0xB0 if bits == 64 else 0x68
            paths.append(build_driver(
                root / f"drv{i:03}.sys", bits=bits, imports=IMPORTS, version=f"6.1.7600.{16385 + i}",
                company="Bench Co", description="bench", original_filename=f"drv{i:03}.sys", signed=True,
                code=storport_init_call(size),
            ))
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        hints = 0
        for path in paths:
            hints += len(inspect_pe(path).init_data_hints)
        elapsed = time.perf_counter() - t0
    print(f"built {COUNT} drivers in {build_s:.2f} s")
    print(f"inspect_pe: {elapsed:.2f} s total, {elapsed * 1000 / COUNT:.2f} ms/driver "
          f"({hints} StorPortInitialize hints found)")


if __name__ == "__main__":
    main()
