"""Small evidence samples for the frozen app's `--self-check`, generated at build time with the test
builders (tests/builders) and shipped inside the executables as `selfcheck/`.

One sample per reader: a dirty SYSTEM hive whose transaction log holds the real value (so the value
is right only when log replay works), a .reg export, an .evtx log, an event XML export, a driver
(PE), a kernel dump and a bundle zip. `expected.json` says what each reader must find.
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_samples(folder: Path) -> Path:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from core.registry.keys import REG_DWORD
    from tests.builders.dumps import typical_drivers, write_kernel_dump
    from tests.builders.events import hibernate_crash_d1, write_export
    from tests.builders.evtx import write_evtx
    from tests.builders.offline_root import Machine, memory_roots, write_bundle_folder, write_reg_export
    from tests.builders.pe import build_driver
    from tests.builders.regf import build_hive, build_old_log, make_dirty

    if folder.exists():
        shutil.rmtree(folder)
    for sub in ("hive", "reg", "evtx", "xml", "pe", "dump"):
        (folder / sub).mkdir(parents=True)
    machine = Machine()
    crash_control = machine.system["ControlSet001\\Control\\CrashControl"]

    # Hive: the primary file says 1 (complete dump), the log says 7 (automatic): 7 only with replay.
    crash_control["CrashDumpEnabled"] = (REG_DWORD, 7)
    wanted = bytes(build_hive(memory_roots(machine)["SYSTEM"]).data)
    crash_control["CrashDumpEnabled"] = (REG_DWORD, 1)
    stale = bytes(build_hive(memory_roots(machine)["SYSTEM"]).data)
    primary = make_dirty(stale)
    (folder / "hive" / "SYSTEM").write_bytes(bytes(primary))
    (folder / "hive" / "SYSTEM.LOG1").write_bytes(build_old_log(bytes(primary), wanted))

    crash_control["CrashDumpEnabled"] = (REG_DWORD, 3)
    write_reg_export(folder / "reg" / "system.reg", "SYSTEM", machine.system)

    events = hibernate_crash_d1(datetime(2024, 5, 1, 8, 0, tzinfo=UTC))
    write_evtx(folder / "evtx" / "System.evtx", events)
    write_export(folder / "xml" / "System.xml", events)

    build_driver(folder / "pe" / "lsi_sas.sys", bits=64, version="1.28.3.52",
                 imports={"storport.sys": ["StorPortInitialize"]}, original_filename="lsi_sas.sys")
    write_kernel_dump(folder / "dump" / "Mini.dmp", 64, 0xD1, (0x10, 2, 0, 0xFFFFF88000E01234),
                      dump_type=4, drivers=typical_drivers(64, "lsi_sas.sys"))

    staging = folder / "_bundle"
    write_bundle_folder(staging, machine, evtx=folder / "evtx" / "System.evtx")
    with zipfile.ZipFile(folder / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for item in sorted(staging.rglob("*")):
            if item.is_file():
                zf.write(item, item.relative_to(staging).as_posix())
    shutil.rmtree(staging)

    expected = {"hive_crash_dump_enabled": 7, "reg_crash_dump_enabled": 3, "dump_bugcheck": 0xD1,
                "pe_version": "1.28.3.52", "pe_original_filename": "lsi_sas.sys",
                "bundle_crash_dump_enabled": 3, "bundle_dumps": len(machine.minidumps)}
    (folder / "expected.json").write_text(json.dumps(expected, indent=2), encoding="utf-8")
    return folder


if __name__ == "__main__":
    print(write_samples(Path(sys.argv[1])))
