"""A small fake Windows 7 SP1 machine, written three ways from one description so tests can check that
every source yields the same evidence:

    machine = Machine()                      # registry content, drivers, dumps (edit before writing)
    write_offline_root(tmp_path / "vol", machine)   # Windows\\system32\\... with varied case
    write_bundle_folder(tmp_path / "bundle", machine)  # docs/bundle-format.md layout, .reg exports
    memory_roots(machine)                    # {"SYSTEM": MemoryKey, "SOFTWARE": MemoryKey}

Hive files are written with tests/builders/regf.py (the registry engineer's writer) when it is there;
without it the offline root holds no hive files and tests substitute `memory_roots` for `open_hive`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.registry.keys import REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ, MemoryKey, RegData
from tests.builders.dumps import typical_drivers, write_kernel_dump
from tests.builders.pe import build_driver

Values = dict[str, tuple[int, RegData]]

SCSI_CLASS = "{4d36e97b-e325-11ce-bfc1-08002be10318}"
CS = "ControlSet001"


def _system_keys() -> dict[str, Values]:
    return {
        "Select": {"Current": (REG_DWORD, 1), "Default": (REG_DWORD, 1)},
        f"{CS}\\Control\\CrashControl": {
            "CrashDumpEnabled": (REG_DWORD, 3), "AutoReboot": (REG_DWORD, 1),
            "Overwrite": (REG_DWORD, 1), "LogEvent": (REG_DWORD, 1),
            "DumpFile": (REG_EXPAND_SZ, r"%SystemRoot%\MEMORY.DMP"),
            "MinidumpDir": (REG_EXPAND_SZ, r"%SystemRoot%\Minidump"),
        },
        f"{CS}\\Control\\Session Manager\\Memory Management": {
            "PagingFiles": (REG_MULTI_SZ, ["?:\\pagefile.sys"]),
        },
        f"{CS}\\Control\\Power": {"HibernateEnabled": (REG_DWORD, 1)},
        f"{CS}\\Control\\ComputerName\\ComputerName": {"ComputerName": (REG_SZ, "TESTPC")},
        f"{CS}\\Control\\Session Manager\\Environment": {"PROCESSOR_ARCHITECTURE": (REG_SZ, "AMD64")},
        f"{CS}\\Services\\LSI_SAS": {
            "Type": (REG_DWORD, 1), "Start": (REG_DWORD, 0), "ErrorControl": (REG_DWORD, 3),
            "Group": (REG_SZ, "SCSI miniport"),
            "ImagePath": (REG_EXPAND_SZ, r"system32\DRIVERS\lsi_sas.sys"),
        },
        f"{CS}\\Services\\storvsc": {
            "Type": (REG_DWORD, 1), "Start": (REG_DWORD, 3), "Group": (REG_SZ, "SCSI miniport"),
            "ImagePath": (REG_EXPAND_SZ, r"\SystemRoot\System32\drivers\storvsc.sys"),
        },
        f"{CS}\\Enum\\PCI\\VEN_1000&DEV_0054&SUBSYS_197615AD&REV_01\\4&1f16fef7&0&00A8": {
            "Service": (REG_SZ, "LSI_SAS"), "ClassGUID": (REG_SZ, SCSI_CLASS),
            "DeviceDesc": (REG_SZ, "LSI Adapter, SAS 3000 series"),
        },
    }


def _software_keys() -> dict[str, Values]:
    return {
        "Microsoft\\Windows NT\\CurrentVersion": {
            "ProductName": (REG_SZ, "Windows 7 Enterprise"), "CurrentVersion": (REG_SZ, "6.1"),
            "CurrentBuildNumber": (REG_SZ, "7601"), "CurrentBuild": (REG_SZ, "7601"),
            "CSDVersion": (REG_SZ, "Service Pack 1"), "EditionID": (REG_SZ, "Enterprise"),
            "InstallationType": (REG_SZ, "Client"), "SystemRoot": (REG_SZ, r"C:\Windows"),
        },
    }


@dataclass
class DriverSpec:
    file_name: str
    version: str
    imports: dict[str, list[str]]
    company: str = "Microsoft Corporation"


@dataclass
class Machine:
    system: dict[str, Values] = field(default_factory=_system_keys)
    software: dict[str, Values] = field(default_factory=_software_keys)
    drivers: list[DriverSpec] = field(default_factory=lambda: [
        DriverSpec("lsi_sas.sys", "1.28.3.52", {"storport.sys": ["StorPortInitialize"]}, "LSI Corporation"),
        DriverSpec("diskdump.sys", "6.1.7601.17514", {"ntoskrnl.exe": ["KeBugCheckEx"]}),
        DriverSpec("crashdmp.sys", "6.1.7601.17514", {"ntoskrnl.exe": ["KeBugCheckEx"]}),
        DriverSpec("storport.sys", "6.1.7601.17514", {"ntoskrnl.exe": ["KeBugCheckEx"]}),
    ])
    # (file name, bugcheck code, crash time) of small memory dumps in Windows\Minidump
    minidumps: list[tuple[str, int, datetime]] = field(default_factory=lambda: [
        ("031511-01.dmp", 0xD1, datetime(2011, 3, 15, 9, 0, tzinfo=UTC)),
        ("040111-02.dmp", 0x7E, datetime(2011, 4, 1, 18, 30, tzinfo=UTC)),
    ])


def memory_roots(machine: Machine) -> dict[str, MemoryKey]:
    roots: dict[str, MemoryKey] = {}
    for name, keys in (("SYSTEM", machine.system), ("SOFTWARE", machine.software)):
        root = MemoryKey(name, f"HKLM\\{name}", "test machine")
        for path, values in keys.items():
            key = root.ensure(path)
            for value_name, (type_, data) in values.items():
                key.set(value_name, type_, data)
        roots[name] = root
    return roots


def _reg_hex(type_: int, raw: bytes) -> str:
    return f"hex({type_:x}):" + ",".join(f"{b:02x}" for b in raw)


def _reg_value(type_: int, data: RegData) -> str:
    if type_ == REG_DWORD and isinstance(data, int):
        return f"dword:{data:08x}"
    if type_ == REG_SZ and isinstance(data, str):
        return '"' + data.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if type_ == REG_EXPAND_SZ and isinstance(data, str):
        return _reg_hex(type_, (data + "\0").encode("utf-16-le"))
    if type_ == REG_MULTI_SZ and isinstance(data, list):
        return _reg_hex(type_, ("\0".join(data) + "\0\0").encode("utf-16-le"))
    raise ValueError(f"unsupported test value {type_} {data!r}")


def reg_export_text(root: str, keys: dict[str, Values]) -> str:
    """`reg export` output (Version 5.00) for the given keys under HKEY_LOCAL_MACHINE\\<root>."""
    lines = ["Windows Registry Editor Version 5.00", ""]
    for path, values in keys.items():
        lines.append(f"[HKEY_LOCAL_MACHINE\\{root}\\{path}]")
        for value_name, (type_, data) in values.items():
            lines.append(f'"{value_name}"={_reg_value(type_, data)}')
        lines.append("")
    return "\r\n".join(lines) + "\r\n"


def write_reg_export(path: Path, root: str, keys: dict[str, Values], *, utf16: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = reg_export_text(root, keys)
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le") if utf16 else text.encode("utf-8"))
    return path


def _regf_writer() -> Any | None:
    try:
        return importlib.import_module("tests.builders.regf")
    except ImportError:
        return None


def _write_drivers(folder: Path, machine: Machine) -> None:
    for spec in machine.drivers:
        build_driver(folder / spec.file_name, bits=64, imports=spec.imports, version=spec.version,
                     company=spec.company, original_filename=spec.file_name)


def _write_minidumps(folder: Path, machine: Machine) -> None:
    for name, code, when in machine.minidumps:
        write_kernel_dump(folder / name, 64, code, (0x10, 2, 0, 0xFFFFF88000E01234), dump_type=4,
                          drivers=typical_drivers(64, "lsi_sas.sys"), system_time=when)


@dataclass
class OfflineLayout:
    root: Path
    windows: Path
    hives_written: bool


def write_offline_root(root: Path, machine: Machine | None = None, *, windows_name: str = "Windows",
                       evtx: Path | None = None) -> OfflineLayout:
    """A Windows volume tree with the case Windows really uses in places (system32 vs System32,
    DRIVERS), so lookups must ignore case."""
    machine = machine or Machine()
    windows = root / windows_name
    config = windows / "system32" / "config"
    config.mkdir(parents=True)
    writer = _regf_writer()
    hives = writer is not None and hasattr(writer, "build_hive")
    if hives and writer is not None:
        for name, hive_root in memory_roots(machine).items():  # `root` stays the volume folder
            image = writer.build_hive(hive_root, file_name=f"\\SystemRoot\\System32\\Config\\{name}")
            (config / name).write_bytes(bytes(image.data))
    _write_drivers(windows / "system32" / "DRIVERS", machine)
    _write_minidumps(windows / "Minidump", machine)
    logs = windows / "system32" / "winevt" / "Logs"
    logs.mkdir(parents=True)
    if evtx is not None:
        (logs / "System.evtx").write_bytes(evtx.read_bytes())
    return OfflineLayout(root, windows, hives)


def write_bundle_folder(folder: Path, machine: Machine | None = None, *, evtx: Path | None = None,
                        renamed: bool = False) -> Path:
    """The collector's layout (docs/bundle-format.md) with `.reg` exports, one per key as the collector
    writes them. `renamed` gives every file a meaningless name so only content can identify it."""
    machine = machine or Machine()
    folder.mkdir(parents=True, exist_ok=True)
    count = 0

    def name(default: str) -> str:
        nonlocal count
        count += 1
        return f"file{count:02d}.bin" if renamed else default

    for index, (path, values) in enumerate(machine.system.items()):
        write_reg_export(folder / "registry" / name(f"system_{index:02d}.reg"), "SYSTEM", {path: values},
                         utf16=index % 2 == 0)
    write_reg_export(folder / "registry" / name("software_currentversion.reg"), "SOFTWARE",
                     machine.software)
    _write_drivers(folder / "drivers", machine)
    if renamed:
        for sys_file in sorted((folder / "drivers").iterdir()):
            sys_file.rename(sys_file.with_name(name(sys_file.name)))
    minidumps = folder / "dumps" / "Minidump"
    _write_minidumps(minidumps, machine)
    if renamed:
        for dmp in sorted(minidumps.iterdir()):
            dmp.rename(dmp.with_name(name(dmp.name)))
    if evtx is not None:
        target = folder / "events" / name("System.evtx")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(evtx.read_bytes())
    return folder
