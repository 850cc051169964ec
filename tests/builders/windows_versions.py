"""The test machine (tests/builders/offline_root.Machine) in the registry layout of each Windows version
the readiness checks cover: Vista SP2, 7 SP1, 8.1, 10 and 11. What differs is what the checks read:
the version keys (Windows 10 and 11 keep CurrentVersion "6.3" and add CurrentMajorVersionNumber; 11
still says "Windows 10" in ProductName and is told apart by its build), the default dump type (kernel
before Windows 8, automatic from 8 on) and dump filters (BitLocker's dumpfve.sys from 7 on).

Also writes the bundle's readiness files (system/*.csv as `wmic /format:csv` writes them, in UTF-16 as
a redirected wmic does) so a scenario reaches the checks through the real readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.registry.keys import REG_DWORD, REG_MULTI_SZ, REG_SZ
from tests.builders.offline_root import CS, Machine

GB = 1024 ** 3
MB = 1024 ** 2


@dataclass(frozen=True)
class Layout:
    name: str
    product: str
    current_version: str
    build: int
    csd: str | None
    major: int | None  # CurrentMajorVersionNumber (Windows 10+)
    default_dump_type: int  # what setup writes to CrashDumpEnabled
    dump_filters: tuple[str, ...]


LAYOUTS = {
    "vista": Layout("vista", "Windows Vista (TM) Business", "6.0", 6002, "Service Pack 2", None, 2, ()),
    "7": Layout("7", "Windows 7 Enterprise", "6.1", 7601, "Service Pack 1", None, 2, ("dumpfve.sys",)),
    "8.1": Layout("8.1", "Windows 8.1 Pro", "6.3", 9600, None, None, 7, ("dumpfve.sys",)),
    "10": Layout("10", "Windows 10 Pro", "6.3", 19045, None, 10, 7, ("dumpfve.sys",)),
    "11": Layout("11", "Windows 10 Pro", "6.3", 22631, None, 10, 7, ("dumpfve.sys",)),
}
LAYOUT_NAMES = tuple(LAYOUTS)


def machine_for(layout: str | Layout, **crash_control: int | str | list[str] | None) -> Machine:
    """The test machine in `layout`; keyword arguments set (or, given None, delete) CrashControl values:
    machine_for("10", CrashDumpEnabled=1, AlwaysKeepMemoryDump=None)."""
    lay = LAYOUTS[layout] if isinstance(layout, str) else layout
    machine = Machine()
    cv = machine.software["Microsoft\\Windows NT\\CurrentVersion"]
    cv["ProductName"] = (REG_SZ, lay.product)
    cv["CurrentVersion"] = (REG_SZ, lay.current_version)
    cv["CurrentBuildNumber"] = (REG_SZ, str(lay.build))
    cv["CurrentBuild"] = (REG_SZ, str(lay.build))
    if lay.csd:
        cv["CSDVersion"] = (REG_SZ, lay.csd)
    else:
        cv.pop("CSDVersion", None)
    if lay.major is not None:
        cv["CurrentMajorVersionNumber"] = (REG_DWORD, lay.major)
        cv["CurrentMinorVersionNumber"] = (REG_DWORD, 0)
    cc = machine.system[f"{CS}\\Control\\CrashControl"]
    cc["CrashDumpEnabled"] = (REG_DWORD, lay.default_dump_type)
    if lay.dump_filters:
        cc["DumpFilters"] = (REG_MULTI_SZ, list(lay.dump_filters))
    for name, value in crash_control.items():
        if value is None:
            cc.pop(name, None)
        elif isinstance(value, int):
            cc[name] = (REG_DWORD, value)
        elif isinstance(value, list):
            cc[name] = (REG_MULTI_SZ, value)
        else:
            cc[name] = (REG_SZ, value)
    return machine


def set_paging_files(machine: Machine, entries: list[str] | None) -> Machine:
    """Memory Management\\PagingFiles ("C:\\pagefile.sys 1024 1024"); None removes the key."""
    key = f"{CS}\\Control\\Session Manager\\Memory Management"
    if entries is None:
        machine.system.pop(key, None)
    else:
        existing = ["\\??\\" + e.split()[0] for e in entries]
        machine.system[key] = {"PagingFiles": (REG_MULTI_SZ, entries),
                               "ExistingPageFiles": (REG_MULTI_SZ, existing)}
    return machine


def _wmic_csv(header: list[str], rows: list[list[str]]) -> bytes:
    # wmic /format:csv: a blank line, then Node,... ; redirected output is UTF-16LE with a BOM.
    lines = ["", ",".join(["Node", *header]), *(",".join(["TESTPC", *r]) for r in rows)]
    return "\r\r\n".join(lines).encode("utf-16")


def write_readiness_files(bundle: Path, *, free: dict[str, int] | None = None, ram: int | None = None,
                          page_files_mb: dict[str, int] | None = None,
                          dump_stack_log: str | None = None) -> None:
    """system/volumes.csv, memory.csv, pagefiles.csv and DumpStack.log as the collector writes them."""
    system = bundle / "system"
    system.mkdir(parents=True, exist_ok=True)
    if free is not None:
        (system / "volumes.csv").write_bytes(_wmic_csv(
            ["DeviceID", "FreeSpace", "Size"], [[d, str(b), str(b * 4)] for d, b in free.items()]))
    if ram is not None:
        (system / "memory.csv").write_bytes(_wmic_csv(["TotalPhysicalMemory"], [[str(ram)]]))
    if page_files_mb is not None:
        (system / "pagefiles.csv").write_bytes(_wmic_csv(
            ["AllocatedBaseSize", "CurrentUsage", "Name"],
            [[str(mb), "10", n] for n, mb in page_files_mb.items()]))
    if dump_stack_log is not None:
        (system / "DumpStack.log").write_bytes(dump_stack_log.encode("utf-16"))
