"""Triage of a helpdesk queue of 1,000 generated bundles: --jobs 1 and 2, cold and warm cache.

Run: .venv/bin/python benchmarks/bench_triage.py [--bundles 1000]
The queue: bundles exported by the real bundle export (core/bundle/export.py) from generated machines
and the demo (affected) machine, each cloned under its own computer name so every bundle has its own
content hash, plus 1% broken entries (corrupt zips, empty folders). Figures: bundles per second for a
cold cache, the peak resident memory of each worker process, and the re-run time with the cache warm.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _queue(folder: Path, count: int) -> int:
    from tests.builders.fleet import clone_bundle, demo_bundle_zip, export_bundle_zip, machine_named

    templates = folder / "templates"
    templates.mkdir()
    physical = export_bundle_zip(templates / "PC.zip", machine_named("PCTEMPLATE"))
    affected = demo_bundle_zip(templates / "VM.zip", "VMTEMPLATE")
    queue = folder / "queue"
    for n in range(count):
        batch = queue / f"2011-{n // 100 + 1:02d}"
        batch.mkdir(parents=True, exist_ok=True)
        if n % 100 == 99:
            (batch / f"corrupt-{n:04d}.zip").write_bytes(b"PK\x03\x04 cut off")
        elif n % 100 == 98:
            (batch / f"empty-{n:04d}").mkdir()
        elif n % 4 == 0:
            clone_bundle(affected, batch / f"VM{n:04d}.zip", "VMTEMPLATE", f"VM{n:04d}")
        else:
            clone_bundle(physical, batch / f"PC{n:04d}.zip", "PCTEMPLATE", f"PC{n:04d}")
    return sum(1 for _ in queue.rglob("*.zip")) + sum(1 for p in queue.rglob("empty-*") if p.is_dir())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundles", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    from core.triage import TriageOptions, triage

    with tempfile.TemporaryDirectory(prefix="bench-triage-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        entries = _queue(folder, args.bundles)
        print(f"generated {entries} queue entries in {time.perf_counter() - start:.1f} s")
        for jobs in args.jobs:
            cache = folder / f"cache-{jobs}"
            cold = triage([folder / "queue"], TriageOptions(jobs=jobs, cache_dir=cache))
            warm = triage([folder / "queue"], TriageOptions(jobs=jobs, cache_dir=cache))
            verdicts: dict[str, int] = {}
            for row in cold.rows:
                verdicts[row.verdict] = verdicts.get(row.verdict, 0) + 1
            peaks = sorted(cold.worker_peak_kb.values())
            print(f"--jobs {jobs}: {len(cold.rows)} rows {verdicts}")
            print(f"  cold: {cold.seconds:.1f} s, {len(cold.rows) / cold.seconds:.1f} bundles/s, "
                  f"examined {cold.examined}")
            print(f"  peak RSS per worker: {len(peaks)} worker process(es), "
                  f"max {peaks[-1] / 1024:.0f} MB, min {peaks[0] / 1024:.0f} MB" if peaks else "  no peaks")
            print(f"  warm re-run: {warm.seconds:.2f} s ({warm.seconds / cold.seconds:.1%} of cold), "
                  f"examined {warm.examined}, from cache {warm.from_cache}")
            assert [r.to_json() for r in warm.rows] == [r.to_json() for r in cold.rows]
            shutil.rmtree(cache)


if __name__ == "__main__":
    main()
