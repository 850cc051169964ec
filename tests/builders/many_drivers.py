"""An offline Windows root with many storage drivers (each a SCSI-miniport service with its own PE
file), for the GUI stall test and benchmarks/bench_gui_stall.py: the Storage drivers page must stay
responsive with thousands of rows."""

from __future__ import annotations

from pathlib import Path

from core.registry.keys import REG_DWORD, REG_EXPAND_SZ, REG_SZ
from tests.builders import offline_root as off


def machine_with_drivers(count: int) -> off.Machine:
    """The default machine plus `count` SCSI-miniport services, each with its driver file."""
    machine = off.Machine()
    for i in range(count):
        name = f"stor{i:05d}"
        machine.drivers.append(off.DriverSpec(f"{name}.sys", f"1.0.{i // 1000}.{i % 1000}",
                                              {"storport.sys": ["StorPortInitialize"]}, "Vendor"))
        machine.system[f"{off.CS}\\Services\\{name}"] = {
            "Type": (REG_DWORD, 1), "Start": (REG_DWORD, 3), "Group": (REG_SZ, "SCSI miniport"),
            "ImagePath": (REG_EXPAND_SZ, rf"system32\DRIVERS\{name}.sys")}
    return machine


def write_root_with_drivers(base: Path, count: int) -> Path:
    off.write_offline_root(base, machine_with_drivers(count))
    return base
