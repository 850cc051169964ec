"""Reading a 64 GiB (sparse) kernel dump must cost the same as reading a 1 MiB one.

Run: .venv/bin/python benchmarks/bench_dumps.py
Each case runs in its own process so the peak RSS figure belongs to that case alone.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPEAT = 200


def _one(path: str) -> None:
    from core.dumps import read_dump

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    for _ in range(REPEAT):
        info = read_dump(path)
    elapsed = (time.perf_counter() - start) / REPEAT
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    status = info.integrity.status.value if info.integrity else "-"
    print(f"{elapsed * 1e3:.3f} {before} {peak} {len(info.drivers)} {status}")


def main() -> None:
    from tests.builders.dumps import build_kernel_dump, typical_drivers

    with tempfile.TemporaryDirectory() as folder:
        cases = {}
        for label, size, dump_type in (("1 MiB kernel", 2**20, 1), ("64 GiB kernel (sparse)", 64 * 2**30, 1),
                                       ("1 MiB triage", 2**20, 4), ("64 GiB triage (sparse)", 64 * 2**30, 4)):
            data = build_kernel_dump(64, 0xD1, (0, 2, 0, 0xFFFFF80000301234), dump_type=dump_type,
                                     drivers=typical_drivers(64) * 20, body_size=0x100,
                                     required_dump_space=size)
            path = Path(folder) / f"{label.split()[0]}-{dump_type}.dmp"
            with path.open("wb") as fh:
                fh.write(data)
                fh.truncate(size)
            cases[label] = path
        # Complete dumps whose memory holds page tables and a module list: the drivers come from
        # walking PsLoadedModuleList, so only the pages on the way are read.
        from tests.builders.dumps import build_memory_dump

        drivers = typical_drivers(64) * 20
        for label, dump_type in (("64 GiB full, module walk", 1), ("64 GiB bitmap, module walk", 5)):
            dump = build_memory_dump(64, 0xD1, (0, 2, 0, 0xFFFFF80000301234), drivers,
                                     dump_type=dump_type, span_pages=16 * 2**20)
            cases[label] = dump.write(Path(folder) / f"walk-{dump_type}.dmp")
        print(f"{'case':<28}{'ms/read':>10}{'RSS before KiB':>16}{'peak KiB':>10}  drivers  integrity")
        for label, path in cases.items():
            out = subprocess.run([sys.executable, __file__, "--one", str(path)], check=True,
                                 capture_output=True, text=True, cwd=ROOT).stdout.split()
            print(f"{label:<28}{float(out[0]):>10.3f}{int(out[1]):>16}{int(out[2]):>10}  "
                  f"{out[3]:>7}  {out[4]}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        _one(sys.argv[2])
    else:
        main()
