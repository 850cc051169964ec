"""Compare the registry-hive libraries we could wrap: speed, dirty-hive handling and licence.

Run: .venv/bin/python benchmarks/bench_hives.py [hive ...]
Defaults to the real SYSTEM hives in ../shared/realdata/hives. For each library and hive it opens the
hive (replaying SYSTEM.LOG1/.LOG2 when the library can), walks <ControlSet>\\Services (every value of
every service) and <ControlSet>\\Enum (enumerator\\device\\instance, every value of each instance), and
prints the best of three wall-clock times and the counts found. Evidence files are never written:
libraries that replay logs into a file get a temporary copy.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REALDATA = Path(os.environ.get("DUMPDOCTOR_REALDATA", ROOT.parent / "shared" / "realdata"))
REPEATS = 3

Counts = tuple[int, int]  # (services, enum instances)


def find_logs(hive: Path) -> list[Path]:
    wanted = {hive.name.casefold() + ".log1", hive.name.casefold() + ".log2"}
    return sorted(p for p in hive.parent.iterdir() if p.name.casefold() in wanted)


# --- dissect.regf -------------------------------------------------------------------------------------

def walk_dissect(hive: Path, use_logs: bool) -> Counts:
    from dissect.regf import regf

    if use_logs:
        raise NotImplementedError("dissect.regf 3.14 has no transaction-log replay")
    with hive.open("rb") as fh:
        reg = regf.RegistryHive(fh)
        root = reg.root()
        current = root.subkey("Select").value("Current").value
        cs = root.subkey(f"ControlSet{current:03d}")
        services = 0
        for svc in cs.subkey("Services").subkeys():
            services += 1
            for val in svc.values():
                _ = (val.name, val.type, val.value)
        instances = 0
        for enumerator in cs.subkey("Enum").subkeys():
            for device in enumerator.subkeys():
                for inst in device.subkeys():
                    instances += 1
                    for val in inst.values():
                        _ = (val.name, val.type, val.value)
        return services, instances


# --- regipy -------------------------------------------------------------------------------------------

def walk_regipy(hive: Path, use_logs: bool) -> Counts:
    from regipy.recovery import apply_transaction_logs
    from regipy.registry import RegistryHive

    with tempfile.TemporaryDirectory() as tmp:
        path = hive
        if use_logs:
            logs = find_logs(hive)
            if not logs:
                raise FileNotFoundError("no logs")
            restored = Path(tmp) / "restored"
            # regipy writes the restored hive to a file: a temporary one, never beside the evidence
            apply_transaction_logs(str(hive), str(logs[0]), str(logs[1]) if len(logs) > 1 else None,
                                   restored_hive_path=str(restored))
            path = restored
        reg = RegistryHive(str(path))
        current = reg.get_key(r"\Select").get_value("Current")
        cs = reg.get_key(rf"\ControlSet{current:03d}")
        services = 0
        for svc in cs.get_subkey("Services").iter_subkeys():
            services += 1
            for val in svc.iter_values():
                _ = (val.name, val.value_type, val.value)
        instances = 0
        for enumerator in cs.get_subkey("Enum").iter_subkeys():
            for device in enumerator.iter_subkeys() or ():
                for inst in device.iter_subkeys() or ():
                    instances += 1
                    for val in inst.iter_values():
                        _ = (val.name, val.value_type, val.value)
        return services, instances


# --- python-registry -------------------------------------------------------------------------------------

def walk_python_registry(hive: Path, use_logs: bool) -> Counts:
    from Registry import Registry, RegistryLog

    data = hive.read_bytes()
    if use_logs:
        logs = find_logs(hive)
        if not logs:
            raise FileNotFoundError("no logs")
        buf = io.BytesIO(data)  # replay in memory: the evidence file is never opened for writing
        parsed = []
        for p in logs:
            buf.seek(0)  # RegistryLog reads the primary's base block from the current position
            parsed.append(RegistryLog.RegistryLog(buf, str(p)))
        eligible = [lg for lg in parsed if lg.is_eligible_log()]
        if len(eligible) == 2 and not eligible[0].is_starting_log(eligible[1]):
            eligible.reverse()
        seq = None
        for lg in eligible:
            seq = lg.recover_hive() if seq is None else (lg.recover_hive_continue(seq + 1) or seq)
        data = buf.getvalue()
    reg = Registry.Registry(io.BytesIO(data))
    current = reg.open("Select").value("Current").value()
    cs = reg.open(f"ControlSet{current:03d}")
    services = 0
    for svc in cs.subkey("Services").subkeys():
        services += 1
        for val in svc.values():
            _ = (val.name(), val.value_type(), val.value())
    instances = 0
    for enumerator in cs.subkey("Enum").subkeys():
        for device in enumerator.subkeys():
            for inst in device.subkeys():
                instances += 1
                for val in inst.values():
                    _ = (val.name(), val.value_type(), val.value())
    return services, instances


# --- Dump Doctor's own wrapper (core.registry.open_hive) ----------------------------------------------------

def walk_dumpdoctor(hive: Path, use_logs: bool) -> Counts:
    from core.registry.hive import open_hive

    root = open_hive(hive, use_logs=use_logs)
    current = root.subkey("Select")
    assert current is not None
    cs = root.subkey(f"ControlSet{current.get_int('Current'):03d}")
    assert cs is not None
    services = 0
    for svc in _children(cs, "Services"):
        services += 1
        for val in svc.values():
            _ = val.data
    instances = 0
    for enumerator in _children(cs, "Enum"):
        for device in enumerator.subkeys():
            for inst in device.subkeys():
                instances += 1
                for val in inst.values():
                    _ = val.data
    return services, instances


def facts_dumpdoctor(hive: Path, use_logs: bool) -> Counts:
    """What the scan does: open the hive and derive every registry fact from it."""
    from core.registry import read_registry_facts
    from core.registry.hive import open_hive

    facts = read_registry_facts(open_hive(hive, use_logs=use_logs), None)
    return len(facts.services), len(facts.devices)


@contextlib.contextmanager
def library_hash() -> Iterator[None]:
    """python-registry exactly as shipped: its own Marvin32 (Dump Doctor swaps in a faster one)."""
    from Registry import RegistryParse

    block = RegistryParse.HvLEBlock
    ours = block.__dict__["marvin32_hash"]
    block.marvin32_hash = block.__dict__.get("library_marvin32_hash", ours)
    try:
        yield
    finally:
        block.marvin32_hash = ours


def raw_walk(hive: Path, use_logs: bool) -> Counts:
    with library_hash():
        return walk_python_registry(hive, use_logs)


def paired(hive: Path, use_logs: bool, rounds: int = 7) -> str:
    """read_registry_facts against the raw python-registry walk of the same keys, alternating A and B
    in one run so that load on a shared machine hits both; min and median of each."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(rounds):
        for fn, out in ((facts_dumpdoctor, a), (raw_walk, b)):
            start = time.perf_counter()
            fn(hive, use_logs)
            out.append(time.perf_counter() - start)
    ratio = statistics.median(a) / statistics.median(b)
    return (f"read_registry_facts {min(a):.3f}/{statistics.median(a):.3f} s, raw python-registry walk "
            f"{min(b):.3f}/{statistics.median(b):.3f} s (min/median of {rounds}), ratio {ratio:.2f}")


def _children(key: Any, name: str) -> Iterator[Any]:
    sub = key.subkey(name)
    return iter(()) if sub is None else sub.subkeys()


# (label, distribution, walker, repeats): regipy takes ~15 s a walk, once is enough to see it
LIBRARIES: list[tuple[str, str, Callable[[Path, bool], Counts], int]] = [
    ("dissect.regf", "dissect.regf", walk_dissect, REPEATS),
    ("regipy", "regipy", walk_regipy, 1),
    ("python-registry", "python-registry", walk_python_registry, REPEATS),
    ("dumpdoctor (python-registry wrapped)", "", walk_dumpdoctor, REPEATS),
]


def licence(dist: str) -> str:
    if not dist:
        return "-"
    try:
        meta = importlib.metadata.metadata(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"
    text = meta.get("License-Expression") or meta.get("License") or ""
    return f"{meta['Version']}, {text}".strip()


def measure(fn: Callable[[Path, bool], Counts], hive: Path, use_logs: bool,
            repeats: int) -> tuple[str, str]:
    times: list[float] = []
    counts: Counts | None = None
    for _ in range(repeats):
        start = time.perf_counter()
        try:
            counts = fn(hive, use_logs)
        except NotImplementedError as exc:
            return "n/a", str(exc)
        except Exception as exc:  # a benchmark reports any library failure instead of stopping
            return "error", f"{type(exc).__name__}: {exc}"[:70]
        times.append(time.perf_counter() - start)
    assert counts is not None
    return f"{min(times):6.2f}s (best of {len(times)}, median {statistics.median(times):.2f})", \
        f"{counts[0]} services, {counts[1]} Enum instances"


def main(argv: list[str]) -> int:
    hives = [Path(a) for a in argv] or [REALDATA / "hives" / "SYSTEM_win7sp1",
                                        REALDATA / "hives" / "SYSTEM_win10-1709"]
    hives = [h for h in hives if h.is_file()]
    if not hives:
        print(f"no hives found (looked in {REALDATA / 'hives'})")
        return 1
    print("Licences (installed package metadata):")
    for label, dist, _fn, _n in LIBRARIES:
        if dist:
            print(f"  {label:18} {licence(dist)}")
    for hive in hives:
        logs = find_logs(hive)
        print(f"\n{hive.name} ({hive.stat().st_size:,} bytes; logs beside it: "
              f"{', '.join(p.name for p in logs) or 'none'})")
        modes = [False, True] if logs else [False]
        for label, _dist, fn, repeats in LIBRARIES:
            for use_logs in modes:
                with contextlib.redirect_stderr(io.StringIO()):
                    took, result = measure(fn, hive, use_logs, repeats)
                mode = "with logs" if use_logs else "primary  "
                print(f"  {label:38} {mode}  {took:24} {result}")
        for use_logs in modes:
            with contextlib.redirect_stderr(io.StringIO()):
                line = paired(hive, use_logs)
            print(f"  what the scan does ({'with logs' if use_logs else 'primary'}): {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
