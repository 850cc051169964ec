"""Full scan of a generated offline Windows root, step by step, against the minimal raw library work
for the same facts.

The root holds 400 driver files (each with a SCSI-miniport service, so the scan inspects them), the
largest real System.evtx from ../shared/realdata when present (else a generated one), ten minidumps
and a 64 GB sparse MEMORY.DMP. Run: .venv/bin/python benchmarks/bench_scan.py [--drivers N] [--rounds N]

How it compares like with like (issue 18):
- Each step of the real scan is timed from the scan's own progress updates; the raw side of the same
  step does only what the library needs to hand over the same facts: python-registry walking the keys
  the facts reader reads (each service's StartOverride subkey included); pefile with fast_load plus
  the import, resource and security directories of the same driver files (no `close()`: it runs
  gc.collect() per file, which measured the collector, not pefile); every record of the System log
  from `evtx`, with one regex per record for its provider and id, the time span and ElementTree for
  the relevant records (raw_event_facts; the bare iteration of the log is printed as well, a stricter
  reference); each dump's header and a small dump's driver lists parsed with the same construct
  definitions.
- Dump Doctor reads more than the raw side for some steps, and that stays in its column: the drivers
  step also disassembles each driver's StorPortInitialize caller with capstone (every generated driver
  here imports it), and, being the last step, also holds the scan's closing work (grouping the
  evidence by computer, the event timeline).
- A and B alternate in one process, `--rounds` times; min and median are printed.
- Peak memory is that of the measured work alone: tracemalloc is started after the fixture is built
  and every import is done, in a separate pass from the timed rounds (tracing slows Python down).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.builders import offline_root as off  # noqa: E402
from tests.builders.dumps import build_kernel_dump, typical_drivers  # noqa: E402
from tests.builders.many_drivers import machine_with_drivers  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata" / "evtx"
STEPS = ("registry", "dumps", "drivers", "events")


def build_root(base: Path, drivers: int) -> Path:
    machine = machine_with_drivers(drivers)  # each a SCSI-miniport service with its PE file
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


# -- Dump Doctor: the real scan, timed per step from its progress updates ------------------------------


def dumpdoctor_scan(root: Path) -> dict[str, float]:
    from core.progress import ProgressUpdate
    from core.scan import scan
    from core.sources import open_source

    starts: dict[str, float] = {}
    order: list[str] = []

    def progress(update: ProgressUpdate) -> None:
        if update.step not in starts:
            starts[update.step] = time.perf_counter()
            order.append(update.step)

    t0 = time.perf_counter()
    with open_source(str(root)) as source:
        scan(source, progress)
    end = time.perf_counter()
    out: dict[str, float] = {}
    for i, step in enumerate(order):
        nxt = starts[order[i + 1]] if i + 1 < len(order) else end
        out[step] = nxt - starts[step]
    out["total"] = end - t0
    return out


# -- the raw libraries, the same facts ------------------------------------------------------------------


def raw_registry(windows: Path) -> None:
    from Registry import Registry

    config = windows / "system32" / "config"
    system = Registry.Registry(str(config / "SYSTEM")).root()

    def child(key: object, name: str) -> object:
        wanted = name.casefold()
        return next(k for k in key.subkeys() if k.name().casefold() == wanted)  # type: ignore[attr-defined]

    def all_values(key: object) -> None:
        for v in key.values():  # type: ignore[attr-defined]
            v.value()

    current = next(v.value() for v in child(system, "Select").values() if v.name() == "Current")
    cs = child(system, f"ControlSet{current:03d}")
    control = child(cs, "Control")
    for path in ("CrashControl", "Power", "Session Manager\\Memory Management", "ComputerName\\ComputerName"):
        key = control
        for part in path.split("\\"):
            key = child(key, part)
        all_values(key)
    for svc in child(cs, "Services").subkeys():
        all_values(svc)
        for sub in svc.subkeys():  # StartOverride (Windows 8+) decides the start type used
            if sub.name().casefold() == "startoverride":
                all_values(sub)
    for enumerator in child(cs, "Enum").subkeys():
        for device in enumerator.subkeys():
            for inst in device.subkeys():
                all_values(inst)
    software = Registry.Registry(str(config / "SOFTWARE")).root()
    key = software
    for part in ("Microsoft", "Windows NT", "CurrentVersion"):
        key = child(key, part)
    all_values(key)


def raw_drivers(windows: Path) -> None:
    import pefile

    names = ("IMAGE_DIRECTORY_ENTRY_IMPORT", "IMAGE_DIRECTORY_ENTRY_RESOURCE",
             "IMAGE_DIRECTORY_ENTRY_SECURITY")
    dirs = [pefile.DIRECTORY_ENTRY[n] for n in names]
    for sys_file in (windows / "system32" / "DRIVERS").iterdir():
        pe = pefile.PE(str(sys_file), fast_load=True)
        pe.parse_data_directories(directories=dirs)


# The raw events side's one regex: provider name and event id, as the library lays them out.
RAW_PROVIDER_AND_ID = re.compile(r'<Provider Name="([^"]*)"[^<]*</Provider>[^<]*<EventID[^>]*>(\d+)<')


def raw_event_facts(log: Path) -> tuple[int, str | None, str | None, list[ET.Element]]:
    """The minimal raw work for the events step's facts, as a developer would write it with the library
    alone: every record from `evtx`, the log's time span (min/max of the records' timestamps), one regex
    per record for its provider and id (the library gives neither without the XML, and the relevant
    events are provider AND id, core/events/relevant.py), a set lookup on the id text before anything
    else, and ElementTree for the records that table names. No census of damaged or missing records, no
    EventRecords: fewer facts than the step, never more. Returns the record count, first and last
    timestamp and the parsed relevant records."""
    import evtx

    from core.events.relevant import ANY_ID_PROVIDERS, RELEVANT, RELEVANT_IDS

    ids_as_text = frozenset(map(str, RELEVANT_IDS))
    count, first, last = 0, "\uffff", ""
    relevant: list[ET.Element] = []
    search = RAW_PROVIDER_AND_ID.search
    for record in evtx.PyEvtxParser(str(log)).records():
        count += 1
        stamp = record["timestamp"]
        if stamp < first:
            first = stamp
        if stamp > last:
            last = stamp
        found = search(record["data"])
        if found is not None:
            provider, event_id = found.groups()
            if event_id in ids_as_text or provider.lower() in ANY_ID_PROVIDERS:
                wanted = RELEVANT.get(provider.lower(), ())
                if wanted is None or int(event_id) in wanted:
                    relevant.append(ET.fromstring(record["data"]))
    return count, first if count else None, last if count else None, relevant


def raw_event_records(log: Path) -> None:
    """The stricter reference: every record of the log from `evtx`, each discarded. None of the step's
    facts (not even an event id); what the library costs before anything looks at a record."""
    import evtx

    for _ in evtx.PyEvtxParser(str(log)).records():
        pass


def system_log(windows: Path) -> Path:
    return windows / "system32" / "winevt" / "Logs" / "System.evtx"


def raw_events(windows: Path) -> None:
    raw_event_facts(system_log(windows))


def raw_dumps(windows: Path) -> None:
    """Each dump's header and, for a small (triage) dump, its loaded and unloaded driver lists with
    their names: the facts the dumps step hands on, parsed with the same construct definitions, one
    `.parse()` per structure, without any of the scan's checks."""
    from core.dumps import structs as s

    for dmp in [*(windows / "Minidump").iterdir(), windows / "MEMORY.DMP"]:
        with dmp.open("rb") as fh:
            head = fh.read(s.HEADER_SIZE_64)
            is64 = head[4:8] == b"DU64"
            size = s.HEADER_SIZE_64 if is64 else s.HEADER_SIZE_32
            header = (s.DUMP_HEADER64 if is64 else s.DUMP_HEADER32).parse(head[:size])
            if header.DumpType != 4:  # not a triage dump: the header is all
                continue
            fh.seek(size)
            triage = s.TRIAGE_DUMP.parse(fh.read(s.TRIAGE_DUMP.sizeof()))
            entry = s.DUMP_DRIVER_ENTRY64 if is64 else s.DUMP_DRIVER_ENTRY32
            stride = entry.sizeof()
            fh.seek(triage.DriverListOffset)
            table = fh.read(stride * triage.DriverCount)
            fh.seek(triage.StringPoolOffset)
            pool = fh.read(triage.StringPoolSize)
            for i in range(triage.DriverCount):
                parsed = entry.parse(table[i * stride:(i + 1) * stride])
                name_at = parsed.DriverNameOffset - triage.StringPoolOffset
                chars = int.from_bytes(pool[name_at:name_at + 4], "little")
                pool[name_at + 4:name_at + 4 + 2 * chars].decode("utf-16-le")
            fh.seek(triage.UnloadedDriversOffset)
            count_struct = s.UNLOADED_COUNT64 if is64 else s.UNLOADED_COUNT32
            count = count_struct.parse(fh.read(count_struct.sizeof()))
            unloaded = s.DUMP_UNLOADED_DRIVERS64 if is64 else s.DUMP_UNLOADED_DRIVERS32
            data = fh.read(unloaded.sizeof() * count)
            for i in range(count):
                unloaded.parse(data[i * unloaded.sizeof():(i + 1) * unloaded.sizeof()])


RAW: dict[str, Callable[[Path], None]] = {"registry": raw_registry, "dumps": raw_dumps,
                                          "drivers": raw_drivers, "events": raw_events}


def raw_all(windows: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for step in STEPS:
        t0 = time.perf_counter()
        RAW[step](windows)
        out[step] = time.perf_counter() - t0
    out["total"] = sum(out.values())
    return out


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drivers", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from core.diagnosis import diagnose  # noqa: F401 - imports done before anything is measured
    from core.scan import scan  # noqa: F401
    from core.sources import open_source  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        root = build_root(Path(tmp), args.drivers)
        windows = root / "Windows"
        dd_runs: list[dict[str, float]] = []
        raw_runs: list[dict[str, float]] = []
        bare_events: list[float] = []  # the events step's stricter reference (raw_event_records)
        dumpdoctor_scan(root), raw_all(windows)  # warm the page cache and lazy imports for both
        for _ in range(args.rounds):  # A and B alternate, so drift on a shared machine hits both
            dd_runs.append(dumpdoctor_scan(root))
            raw_runs.append(raw_all(windows))
            t0 = time.perf_counter()
            raw_event_records(system_log(windows))
            bare_events.append(time.perf_counter() - t0)
        print(f"{args.drivers} drivers, {args.rounds} rounds (min / median seconds)")
        print(f"{'step':<10}{'Dump Doctor':>22}{'raw libraries':>22}{'ratio (median)':>16}")
        for step in (*STEPS, "total"):
            dd = [r.get(step, 0.0) for r in dd_runs]
            raw = [r[step] for r in raw_runs]
            ratio = statistics.median(dd) / statistics.median(raw) if statistics.median(raw) else float("nan")
            print(f"{step:<10}{min(dd):>10.3f} /{statistics.median(dd):>9.3f}"
                  f"{min(raw):>10.3f} /{statistics.median(raw):>9.3f}{ratio:>16.2f}")
        dd_events = statistics.median(r.get("events", 0.0) for r in dd_runs)
        print(f"{'events':<10}{'':>22}{min(bare_events):>10.3f} /{statistics.median(bare_events):>9.3f}"
              f"{dd_events / statistics.median(bare_events):>16.2f}  <- vs the bare iteration of the log "
              "(no facts read: a stricter reference)")
        dd_peak, raw_peak = peak_mb(lambda: dumpdoctor_scan(root)), peak_mb(lambda: raw_all(windows))
        print(f"peak traced memory of the work alone: Dump Doctor scan {dd_peak:.1f} MB, "
              f"raw libraries {raw_peak:.1f} MB")


if __name__ == "__main__":
    main()
