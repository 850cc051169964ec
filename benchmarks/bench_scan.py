"""Full scan of a generated offline Windows root: total time and peak memory beside the raw time the
parser libraries need for the same files, and the overhead ratio.

The root holds about 400 driver files (each with a SCSI-miniport service, so the scan inspects them),
the largest real System.evtx from ../shared/realdata when present, ten minidumps and a 64 GB sparse
MEMORY.DMP (only its header is real). Run: .venv/bin/python benchmarks/bench_scan.py
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.registry.keys import REG_DWORD, REG_EXPAND_SZ, REG_SZ  # noqa: E402
from tests.builders import offline_root as off  # noqa: E402
from tests.builders.dumps import build_kernel_dump, typical_drivers  # noqa: E402

DRIVERS = 400
REALDATA = ROOT.parent / "shared" / "realdata" / "evtx"


def build_root(base: Path) -> Path:
    machine = off.Machine()
    for i in range(DRIVERS):
        name = f"stor{i:03d}"
        machine.drivers.append(off.DriverSpec(f"{name}.sys", f"1.0.0.{i}",
                                              {"storport.sys": ["StorPortInitialize"]}, "Vendor"))
        machine.system[f"{off.CS}\\Services\\{name}"] = {
            "Type": (REG_DWORD, 1), "Start": (REG_DWORD, 3), "Group": (REG_SZ, "SCSI miniport"),
            "ImagePath": (REG_EXPAND_SZ, rf"system32\DRIVERS\{name}.sys")}
    start = datetime(2011, 3, 1, tzinfo=UTC)
    machine.minidumps = [(f"0301{i:02d}-01.dmp", 0x7E, start + timedelta(days=i)) for i in range(10)]
    evtx = max(REALDATA.glob("*.evtx"), key=lambda p: p.stat().st_size) if REALDATA.is_dir() else None
    layout = off.write_offline_root(base / "vol", machine, evtx=evtx)
    config = layout.windows / "system32" / "config"
    if not layout.hives_written:
        from tests.builders import regf

        for hive in ("SYSTEM", "SOFTWARE"):
            (config / hive).write_bytes(bytes(regf.build_hive(off.memory_roots(machine)[hive]).data))
    memory = layout.windows / "MEMORY.DMP"
    memory.write_bytes(build_kernel_dump(64, 0xD1, (0, 2, 0, 0), dump_type=1,
                                         drivers=typical_drivers(64, "lsi_sas.sys")))
    with memory.open("r+b") as fh:
        fh.truncate(64 * 1024 ** 3)  # sparse: no disk space used
    return base / "vol"


def raw_parse(root: Path) -> float:
    """The parser libraries alone over the same files (no classification, timeline or diagnosis)."""
    import evtx
    import pefile
    from dissect.regf import RegistryHive

    t0 = time.perf_counter()
    windows = root / "Windows"
    for sys_file in (windows / "system32" / "DRIVERS").iterdir():
        pefile.PE(str(sys_file)).close()
    for hive in ("SYSTEM", "SOFTWARE"):
        with (windows / "system32" / "config" / hive).open("rb") as fh:
            reg = RegistryHive(fh)
            for _ in reg.root().subkeys():
                pass
    log = windows / "system32" / "winevt" / "Logs" / "System.evtx"
    if log.exists():
        for _ in evtx.PyEvtxParser(str(log)).records():
            pass
    for dmp in [*(windows / "Minidump").iterdir(), windows / "MEMORY.DMP"]:
        with dmp.open("rb") as fh:
            fh.read(0x2000)
    return time.perf_counter() - t0


def main() -> None:
    from core.diagnosis import diagnose
    from core.report import render_html, render_json, render_text
    from core.scan import scan
    from core.sources import open_source

    with tempfile.TemporaryDirectory() as tmp:
        root = build_root(Path(tmp))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        with open_source(str(root)) as source:
            ev = scan(source)
        t_scan = time.perf_counter() - t0
        t1 = time.perf_counter()
        diag = diagnose(ev)
        render_text(diag, ev), render_html(diag, ev), render_json(diag, ev)
        t_diag = time.perf_counter() - t1
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t_raw = raw_parse(root)
        drivers = len(ev.storage.drivers) if ev.storage else 0
        records = ev.timeline.records_read if ev.timeline else 0
        print(f"scan: {t_scan:.2f} s ({drivers} storage drivers classified, {len(ev.dumps)} dumps, "
              f"{records} event records read, {len(ev.problems)} problems)")
        for problem in ev.problems:  # expected ones are explained by build_root; anything else is a bug
            print(f"  problem: {problem}")
        print(f"diagnosis + text/HTML/JSON reports: {t_diag * 1000:.1f} ms; verdict {diag.verdict.id}")
        print(f"peak RSS: {rss_after / 1024:.0f} MB (before scan {rss_before / 1024:.0f} MB)")
        print(f"raw parser libraries on the same files: {t_raw:.2f} s")
        print(f"overhead ratio (scan + diagnosis) / raw: {(t_scan + t_diag) / t_raw:.2f}")


if __name__ == "__main__":
    main()
