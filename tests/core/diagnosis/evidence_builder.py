"""Builds Evidence objects for diagnosis scenarios directly from the model dataclasses.

Defaults describe the affected machine (Windows 7 RTM x64, GDR Diskdump.sys, virtual miniport serving
the boot disk, a 0xD1 restart during hibernation with no dump); each scenario changes one thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.drivers.fix_check import check_fix
from core.drivers.model import (
    BootMiniport,
    Confidence,
    DriverKind,
    PeInfo,
    StorageDriver,
    StorageReport,
)
from core.dumps.bugchecks import describe
from core.dumps.model import DumpInfo, DumpKind, Integrity, IntegrityStatus
from core.events.model import NoDumpReason, Timeline, TimelineEntry, TimelineKind
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef, Missing, Problem
from core.registry.model import CrashControl, Hibernation, PageFile, RegistryFacts, SystemFacts

T0 = datetime(2011, 3, 1, 9, 0, tzinfo=UTC)
BUILD_VERSIONS = {6000: (6, 0), 6001: (6, 0), 6002: (6, 0), 6003: (6, 0), 7600: (6, 1), 7601: (6, 1),
                  9200: (6, 2), 19041: (10, 0)}


def restart(code: int | None = 0xD1, *, hibernating: bool = True, dump_written: bool | None = False,
            minutes: int = 0, reason: NoDumpReason | None = NoDumpReason.BUGCHECK_ONLY_IN_KERNEL_POWER,
            ) -> TimelineEntry:
    time = T0 + timedelta(minutes=minutes)
    return TimelineEntry(
        TimelineKind.UNEXPECTED_RESTART, time, "Unexpected restart (Kernel-Power 41)", bugcheck_code=code,
        sleep_in_progress=hibernating, during_hibernate=hibernating, dump_written=dump_written,
        no_dump_reason=None if dump_written else reason,
        events=[EvidenceRef("event", f"System.evtx #{100 + minutes}",
                            f"Microsoft-Windows-Kernel-Power 41 at {time.isoformat()}")])


def dump_error(minutes: int = 0) -> TimelineEntry:
    return TimelineEntry(TimelineKind.DUMP_ERROR, T0 + timedelta(minutes=minutes),
                         "volmgr 49: the page file for crash dumps could not be configured",
                         events=[EvidenceRef("event", "System.evtx #7", "volmgr 49")])


def kernel_dump(code: int = 0x50, *, path: str = r"C:\Windows\Minidump\030111-01.dmp",
                driver: str | None = "foo.sys", status: IntegrityStatus = IntegrityStatus.COMPLETE,
                ram_gb: int | None = None) -> DumpInfo:
    return DumpInfo(path=path, kind=DumpKind.KERNEL, file_size=262144, bits=64, build=7600,
                    bugcheck=describe(code, (1, 2, 3, 4)), dump_type="small", dump_type_code=4,
                    system_time=T0, faulting_driver=driver,
                    physical_memory_bytes=ram_gb * 1024 ** 3 if ram_gb else None,
                    integrity=Integrity(status, f"integrity {status.value}"))


@dataclass
class Scenario:
    build: int | None = 7600
    diskdump: str | None = "6.1.7600.16385"  # None: the file could not be read
    drivers_inspected: bool = True
    miniport_kind: DriverKind | None = DriverKind.STORPORT_VIRTUAL  # None: no miniport known
    miniport_in_use: bool = True
    miniport_confidence: Confidence = Confidence.HIGH
    miniport_name: str = "cvstor"
    extra_physical_boot: bool = False  # a physical boot miniport besides the virtual one
    registry: bool = True
    crash_dump_enabled: int = 3
    page_files: list[PageFile] = field(default_factory=lambda: [PageFile("C:\\pagefile.sys", 0, 0)])
    hibernation: bool | None = True
    timeline: list[TimelineEntry] | None = field(default_factory=lambda: [restart()])
    dumps: list[DumpInfo] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def system(self) -> SystemFacts | None:
        if self.build is None:
            return None
        major, minor = BUILD_VERSIONS.get(self.build, (6, 1))
        return SystemFacts(product_name="Windows 7 Enterprise", major=major, minor=minor, build=self.build,
                           architecture="x64", control_set="ControlSet001",
                           refs=[EvidenceRef("registry", r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion",
                                             f"CurrentBuild {self.build}")])

    def storage(self) -> StorageReport | None:
        if not self.drivers_inspected:
            return None
        report = StorageReport()
        pe = None
        if self.diskdump is not None:
            pe = PeInfo(path=r"C:\Windows\System32\drivers\diskdump.sys", machine="x64", bits=64,
                        timestamp=0, file_version=self.diskdump)
        report.diskdump = check_fix("diskdump.sys", pe, self.system())
        report.drivers.append(StorageDriver("diskdump.sys", "diskdump.sys", pe.path if pe else None, pe,
                                            DriverKind.DUMP_STACK, Confidence.HIGH))
        if self.miniport_kind is not None:
            file_name = f"{self.miniport_name}.sys"
            found = self.miniport_kind is not DriverKind.UNKNOWN
            report.drivers.append(StorageDriver(
                self.miniport_name, file_name, rf"C:\Windows\System32\drivers\{file_name}" if found else None,
                None, self.miniport_kind, self.miniport_confidence,
                reasons=["imports storport.sys StorPortInitialize", "enumerated under ROOT"],
                start=0, devices=[r"ROOT\SCSIADAPTER\0000"], in_use=self.miniport_in_use,
                error=None if found else "file not found",
                refs=[EvidenceRef("registry", rf"HKLM\SYSTEM\ControlSet001\Services\{self.miniport_name}")]))
        boot = self.miniport_name if self.miniport_in_use and self.miniport_kind else None
        if self.extra_physical_boot:
            report.drivers.append(StorageDriver("LSI_SAS", "lsi_sas.sys", r"C:\x\lsi_sas.sys", None,
                                                DriverKind.STORPORT_PHYSICAL, Confidence.HIGH, start=0,
                                                in_use=True))
            boot = "LSI_SAS"
        if boot:
            report.boot_miniport = BootMiniport(boot, "only boot-start miniport with a device",
                                                Confidence.HIGH)
        return report

    def build_evidence(self) -> Evidence:
        registry = None
        if self.registry:
            registry = RegistryFacts(
                system=self.system(),
                crash_control=CrashControl(crash_dump_enabled=self.crash_dump_enabled,
                                           ref=EvidenceRef("registry", r"HKLM\SYSTEM\ControlSet001\Control"
                                                           r"\CrashControl")),
                page_files=list(self.page_files),
                hibernation=Hibernation(self.hibernation, 100,
                                        EvidenceRef("registry", r"HKLM\SYSTEM\ControlSet001\Control\Power"))
                if self.hibernation is not None else None)
        timeline = None
        if self.timeline is not None:
            timeline = Timeline(entries=list(self.timeline), records_read=50 + len(self.timeline))
        return Evidence("test scenario", "offline", registry=registry, dumps=list(self.dumps),
                        storage=self.storage(), timeline=timeline, missing=list(self.missing),
                        problems=list(self.problems), collected_whole=True)
