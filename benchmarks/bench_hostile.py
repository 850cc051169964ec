"""What hostile inputs cost (issue #19): a zip whose central directory holds two million entries, event
XML with deep nesting and with a million sibling elements, and a sparse disk bomb. Each case reports
time, peak Python memory and, for the bomb, the temporary disk actually used.
Run: .venv/bin/python benchmarks/bench_hostile.py [--entries N] [--bomb-gib G]
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.errors import DumpDoctorError  # noqa: E402
from core.events import read_events  # noqa: E402
from core.safefs import open_regular, stream_size  # noqa: E402
from core.scan import scan  # noqa: E402
from core.sources.base import EventInput  # noqa: E402
from core.sources.bundle import zip_bundle  # noqa: E402
from tests.builders import hostile  # noqa: E402
from tests.builders.events import at, boot, export  # noqa: E402


def measure(label: str, fn: Callable[[], Any]) -> Any:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = fn()
    except DumpDoctorError as exc:
        result = f"refused: {exc.message[:80]}"
    elapsed = time.perf_counter() - start
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<55} {elapsed:8.2f} s  peak {peak / 2**20:7.1f} MiB  {result}")
    return result


def write_many_entries(path: Path, entries: int) -> None:
    """Empty stored members, central directory and zip64 end records, streamed to disk."""
    with path.open("wb") as fh:
        offsets = []
        for i in range(entries):
            name = f"e/{i:07d}".encode()
            offsets.append(fh.tell())
            fh.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, 0, 0, 0, len(name), 0) + name)
        cd_start = fh.tell()
        for i, offset in enumerate(offsets):
            name = f"e/{i:07d}".encode()
            fh.write(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 0, 0, 0x21, 0, 0, 0,
                                 len(name), 0, 0, 0, 0, 0, offset) + name)
        cd_end = fh.tell()
        fh.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries,
                             cd_end - cd_start, cd_start))
        fh.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, cd_end, 1))
        fh.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))


def open_zip(path: Path) -> str:
    with zip_bundle(path) as source:
        return f"{len(source.items)} items, {len(source.problems)} problems"


def read_xml(path: Path) -> str:
    result = read_events(EventInput("xml", path, path.name))
    return f"{result.records_read} events, {len(result.problems)} problems"


def bomb(path: Path, whole: bool) -> str:
    """Scan it (the dump reader takes what it needs straight from the archive); with `whole`, also
    read every member to its end, as an export of the whole dump would."""
    with zip_bundle(path) as source:
        evidence = scan(source)
        apparent = 0
        for dump in source.dump_files(None):
            with open_regular(dump) as fh:
                if whole:
                    while fh.read(1 << 20):
                        pass
                apparent += stream_size(fh)
        temp = Path(tempfile.gettempdir())
        kept = sum(p.stat().st_size for d in temp.glob(f"dumpdoctor-bundle-{os.getpid()}-*")
                   for p in d.rglob("*") if p.is_file())
    return (f"{len(evidence.dumps)} dumps read; members {apparent / 2**30:.1f} GiB, "
            f"{kept / 2**20:.1f} MiB on temporary disk")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=2_000_000)
    ap.add_argument("--bomb-gib", type=float, default=1.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        many = tmp / "many.zip"
        write_many_entries(many, args.entries)
        measure(f"zip with {args.entries:,} entries ({many.stat().st_size / 2**20:.0f} MiB)",
                lambda: open_zip(many))
        events = export(boot(at("2011-01-01 00:00:00")))
        cases = (("XML: 1.3 MB of unclosed elements, then events", b"<Events>" + b"<a>" * 433_000 + events),
                 ("XML: events, then 10 MB of unclosed elements", events + b"<a>" * 3_500_000),
                 ("XML: 1,000,000 sibling elements (4 MB), then events",
                  b"<Events>" + b"<x/>" * 1_000_000 + events))
        for label, data in cases:
            path = tmp / "e.xml"
            path.write_bytes(data)
            measure(label, lambda p=path: read_xml(p))
        bomb_zip = tmp / "bomb.zip"
        bomb_zip.write_bytes(hostile.sparse_bomb_zip(2, int(args.bomb_gib * 2**30), noise=1_000_000))
        size = bomb_zip.stat().st_size / 2**20
        measure(f"sparse bomb: 2 x {args.bomb_gib:g} GiB members ({size:.1f} MiB zip): scan",
                lambda: bomb(bomb_zip, False))
        measure("  ... and every member read to its end", lambda: bomb(bomb_zip, True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
