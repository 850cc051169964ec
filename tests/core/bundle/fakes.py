"""Evidence for the export tests: the shared FakeSource (tests/builders/fake_source.py) over MemoryKey
roots and files in a temporary folder, full of personal data to redact."""

from __future__ import annotations

from pathlib import Path

from core.events.model import EventInput
from core.evidence import Evidence
from core.registry.keys import REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ, MemoryKey
from core.registry.model import CrashControl, RegistryFacts, Service, SystemFacts
from tests.builders.dumps import typical_drivers, write_kernel_dump
from tests.builders.events import Ev, at, kernel_power_41, write_export
from tests.builders.fake_source import FakeSource

USER = "jdoeprivate"
COMPUTER = "ACCT-LAPTOP7"
DOMAIN = "corp.acmewidgets.example"
SID = "S-1-5-21-3623811015-3361044348-30300820-1013"
MAC = "00-1A-2B-3C-4D-5E"


def folder_source(folder: Path, **given: object) -> FakeSource:
    """The shared fake, described as an offline Windows folder (what the export tests need)."""
    return FakeSource(kind="offline", description=f"Offline Windows folder {folder}", **given)  # type: ignore[arg-type]


def personal_registry() -> tuple[MemoryKey, MemoryKey]:
    """SYSTEM and SOFTWARE roots carrying the user, computer, domain, SID and MAC in many places."""
    system = MemoryKey("SYSTEM", "HKLM\\SYSTEM")
    system.ensure("Select").set("Current", REG_DWORD, 1)
    cs = system.ensure("ControlSet001")
    cc = cs.ensure(r"Control\CrashControl")
    cc.set("CrashDumpEnabled", REG_DWORD, 3)
    cc.set("MinidumpDir", REG_EXPAND_SZ, rf"C:\Users\{USER}\AppData\Local\CrashDumps")
    cc.set("DumpFile", REG_EXPAND_SZ, r"%SystemRoot%\MEMORY.DMP")
    cs.ensure(r"Control\Session Manager\Memory Management").set(
        "PagingFiles", REG_MULTI_SZ, ["C:\\pagefile.sys 0 0", rf"D:\Users\{USER}\swap.sys"])
    cs.ensure(r"Control\Power").set("HibernateEnabled", REG_DWORD, 1)
    cs.ensure(r"Control\ComputerName\ComputerName").set("ComputerName", REG_SZ, COMPUTER)
    tcp = cs.ensure(r"Services\Tcpip\Parameters")
    tcp.set("Hostname", REG_SZ, COMPUTER.lower())
    tcp.set("Domain", REG_SZ, DOMAIN)
    nic = cs.ensure(r"Services\e1express\Parameters")
    nic.set("NetworkAddress", REG_SZ, MAC.replace("-", ""))
    nic.set("Description", REG_SZ, f"adapter {MAC} owned by {SID}")
    lsi = cs.ensure(r"Services\LSI_SAS")
    lsi.set("Start", REG_DWORD, 0)
    lsi.set("Group", REG_SZ, "SCSI miniport")
    lsi.set("ImagePath", REG_EXPAND_SZ, r"system32\DRIVERS\lsi_sas.sys")
    # A UTF-16 path hidden in a binary value: must not survive as hex either.
    lsi.set("LastUser", REG_BINARY, rf"C:\Users\{USER}\x".encode("utf-16-le") + b"\0\0")
    usb = cs.ensure(r"Enum\USBSTOR\Disk&Ven_Kingston&Prod_DT&Rev_1.00\0019E06B9C85F9A0F7A10B12&0")
    usb.set("FriendlyName", REG_SZ, "Kingston DT USB Device")
    pci = cs.ensure(r"Enum\PCI\VEN_1000&DEV_0054&SUBSYS_197615AD&REV_01\4&1f16fef7&0&00A8")
    pci.set("Service", REG_SZ, "LSI_SAS")
    software = MemoryKey("SOFTWARE", "HKLM\\SOFTWARE")
    cv = software.ensure(r"Microsoft\Windows NT\CurrentVersion")
    cv.set("ProductName", REG_SZ, "Windows 7 Professional")
    cv.set("CurrentBuildNumber", REG_SZ, "7600")
    cv.set("RegisteredOwner", REG_SZ, "Jane Q. Doeprivate")
    cv.set("ProductId", REG_SZ, "00371-OEM-8992671-00524")
    cv.ensure(rf"ProfileList\{SID}").set("ProfileImagePath", REG_EXPAND_SZ, rf"C:\Users\{USER}")
    return system, software


def personal_source(tmp: Path) -> tuple[FakeSource, Evidence]:
    """A source whose registry, events, dump path and description all name the same person/machine."""
    system, software = personal_registry()
    evidence_dir = tmp / "Users" / USER / "evidence"
    evidence_dir.mkdir(parents=True)
    dump = write_kernel_dump(evidence_dir / "Minidump" / "040612-01.dmp", 64, 0xD1, (0, 2, 0, 0xF800),
                             dump_type=4, drivers=typical_drivers(64, "lsi_sas.sys"))
    drv = evidence_dir / "lsi_sas.sys"
    drv.write_bytes(b"MZ" + b"\0" * 510)
    events = [
        kernel_power_41(at("2012-04-06 19:11:29"), bugcheck=0xD1),
        Ev("EventLog", 6008, at("2012-04-06 19:12:00"), [(None, "19:10:00"), (None, "06/04/2012"),
                                                          (None, USER), (None, rf"C:\Users\{USER}\x")]),
    ]
    for ev in events:
        ev.computer = f"{COMPUTER}.{DOMAIN}"
    xml = write_export(evidence_dir / "System.xml", events)
    source = folder_source(evidence_dir, system=system, software=software, dumps=[dump],
                        drivers={"lsi_sas.sys": drv}, events=[EventInput("xml", xml, "System.xml")])
    facts = RegistryFacts(system=SystemFacts(computer_name=COMPUTER),
                          crash_control=CrashControl(crash_dump_enabled=3),
                          services={"lsi_sas": Service("LSI_SAS", start=0, group="SCSI miniport",
                                                       image_path=r"system32\DRIVERS\lsi_sas.sys")})
    evidence = Evidence(source.description, "offline", registry=facts)
    return source, evidence
