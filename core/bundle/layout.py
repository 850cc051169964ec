"""The bundle layout (docs/bundle-format.md) in one place, shared by the exporter, the collector
script's tests and anyone who wants to know where a file goes."""

from __future__ import annotations

from dataclasses import dataclass

# Always wanted beside the boot miniport: the files that write the dump (one list, core.dump_stack).
from core.dump_stack import DUMP_STACK_FILES as DUMP_STACK_FILES
from core.dump_stack import REQUIRED_DUMP_STACK_FILES as REQUIRED_DUMP_STACK_FILES

FORMAT_VERSION = 1

MANIFEST = "manifest.json"
REPORT_TEXT = "report/report.txt"
REPORT_HTML = "report/report.html"
REPORT_JSON = "report/report.json"
REGISTRY_DIR = "registry"
EVENTS_XML = "events/System.xml"
DUMPS_DIR = "dumps"
MINIDUMP_DIR = "dumps/Minidump"
DRIVERS_DIR = "drivers"
README = "README.txt"
# Facts for the dump readiness checks (core.bundle.volume_files): `wmic ... /format:csv` output as the
# collector writes it (the exporter writes the same columns), and the dump stack's own log.
VOLUMES_CSV = "system/volumes.csv"  # Node,DeviceID,FreeSpace,Size (fixed disks)
PAGEFILES_CSV = "system/pagefiles.csv"  # Node,AllocatedBaseSize,CurrentUsage,Name (MB)
MEMORY_CSV = "system/memory.csv"  # Node,TotalPhysicalMemory (bytes)
DUMPSTACK_LOGS = ("system/DumpStack.log.tmp", "system/DumpStack.log")
VER_TXT = "system/ver.txt"  # the collector's `ver` output: "Microsoft Windows [Version 6.1.7601]"
SYSTEM_FACT_FILES = (VOLUMES_CSV, PAGEFILES_CSV, MEMORY_CSV, *DUMPSTACK_LOGS, VER_TXT)

TOP_LEVEL_DIRS = frozenset({"report", "registry", "events", "dumps", "drivers", "system"})
TOP_LEVEL_FILES = frozenset({MANIFEST, README})


EVTX_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RegExport:
    """One `.reg` file of the bundle: which key, from which hive, exported with or without subkeys."""

    file: str  # "CrashControl.reg"
    hive: str  # "SYSTEM" | "SOFTWARE"
    path: str  # below the hive; "{cs}" is the current control set
    recursive: bool = True

    def reg_path(self) -> str:
        """The key as `reg export` writes it (the live name of the current control set)."""
        return f"HKEY_LOCAL_MACHINE\\{self.hive}\\{self.path.format(cs='CurrentControlSet')}"


REG_EXPORTS: tuple[RegExport, ...] = (
    RegExport("Select.reg", "SYSTEM", "Select"),
    RegExport("CrashControl.reg", "SYSTEM", r"{cs}\Control\CrashControl"),
    RegExport("MemoryManagement.reg", "SYSTEM", r"{cs}\Control\Session Manager\Memory Management"),
    RegExport("Power.reg", "SYSTEM", r"{cs}\Control\Power"),
    RegExport("ComputerName.reg", "SYSTEM", r"{cs}\Control\ComputerName"),
    # PROCESSOR_ARCHITECTURE: without it a reopened bundle no longer knows x86 from x64.
    RegExport("Environment.reg", "SYSTEM", r"{cs}\Control\Session Manager\Environment", recursive=False),
    RegExport("Services.reg", "SYSTEM", r"{cs}\Services"),
    RegExport("Enum.reg", "SYSTEM", r"{cs}\Enum"),
    # Values only: its subkeys (ProfileList, Winlogon, Fonts, ...) hold user names and SIDs and nothing
    # the diagnosis reads. `reg export` in the collector cannot stop at one level, so it exports them.
    RegExport("CurrentVersion.reg", "SOFTWARE", r"Microsoft\Windows NT\CurrentVersion", recursive=False),
)


def is_layout_path(member: str) -> bool:
    """True when a member name is one the bundle layout defines (forward slashes, no escapes)."""
    if member in TOP_LEVEL_FILES:
        return True
    parts = member.split("/")
    if len(parts) < 2 or parts[0] not in TOP_LEVEL_DIRS or any(p in ("", ".", "..") for p in parts):
        return False
    return not any(":" in p or "\\" in p for p in parts)
