"""A generated Windows machine for assess_storage tests: registry facts plus driver files on disk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from core.registry.model import Device, RegistryFacts, Service, SystemFacts
from tests.builders.pe import CodeSpec, build_driver

SCSI_ADAPTER = "{4d36e97b-e325-11ce-bfc1-08002be10318}"


class FakeMachine:
    def __init__(self, root: Path, arch: str = "x64") -> None:
        self.drivers = root / "Windows" / "System32" / "drivers"
        self.drivers.mkdir(parents=True, exist_ok=True)
        self.facts = RegistryFacts(system=SystemFacts(major=6, minor=1, build=7600, architecture=arch))
        self.overrides: dict[str, Path] = {}

    def service(self, name: str, *, start: int = 0, raw_start: int | None = None, group: str | None = None,
                type_: int = 1, image_path: str | None = None) -> Service:
        svc = Service(name=name, type=type_, start=start, raw_start=start if raw_start is None else raw_start,
                      group=group, image_path=image_path or f"System32\\DRIVERS\\{name}.sys")
        self.facts.services[name.lower()] = svc
        return svc

    def device(self, instance: str, bus: str, service: str, *, legacy: bool = False,
               class_guid: str | None = SCSI_ADAPTER) -> None:
        self.facts.devices.append(Device(instance, bus, class_guid, service, legacy=legacy))

    def file(self, file_name: str, *, bits: int = 64, imports: Mapping[str, Sequence[str]] | None = None,
             version: str | None = "1.0.0.1", code: CodeSpec = b"", folder: Path | None = None) -> Path:
        path = build_driver((folder or self.drivers) / file_name, bits=bits, imports=imports,
                            version=version, company="Test Co", description=file_name,
                            original_filename=file_name, code=code)
        if folder is not None:
            self.overrides[file_name.lower()] = path
        return path

    def dump_stack_files(self, diskdump_version: str = "6.1.7600.16385") -> None:
        self.file("diskdump.sys", version=diskdump_version)
        self.file("crashdmp.sys", version="6.1.7600.16385")
        self.file("dumpata.sys", imports={"ataport.sys": ["AtaPortInitialize"]}, version="6.1.7600.16385")
        self.file("storport.sys", version="6.1.7600.16385")

    def find_file(self, file_name: str, image_path: str | None) -> Path | None:
        if file_name.lower() in self.overrides:
            return self.overrides[file_name.lower()]
        for entry in self.drivers.iterdir():
            if entry.name.lower() == file_name.lower():
                return entry
        return None
