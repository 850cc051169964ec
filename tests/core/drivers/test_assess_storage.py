"""assess_storage: which drivers are in the dump path, what each is (with reasons), which one serves the
boot disk — including the traps seen in real data (FACTS §7)."""

from __future__ import annotations

import os

import pytest

from core.drivers import assess_storage
from core.drivers.model import Confidence, DriverKind, FixState
from tests.builders.pe import storport_init_call
from tests.core.drivers.fake_machine import FakeMachine

STORPORT = {"storport.sys": ["StorPortInitialize", "StorPortNotification"], "ntoskrnl.exe": ["KeBugCheckEx"]}
SCSIPORT = {"scsiport.sys": ["ScsiPortInitialize"]}
ATAPORT = {"ataport.sys": ["AtaPortInitialize"]}
PCI_LSI = "PCI\\VEN_1000&DEV_0054&SUBSYS_197615AD&REV_01\\4&1f16fef7&0&00A8"


@pytest.fixture
def machine(tmp_path):
    m = FakeMachine(tmp_path)
    m.dump_stack_files()
    return m


def run(m: FakeMachine, dump_stack=(), loaded=None):
    return assess_storage(m.facts, m.find_file, list(dump_stack), loaded)


def test_storport_miniport_on_pci_is_physical(machine):
    machine.service("LSI_SAS", group="SCSI miniport")
    machine.device(PCI_LSI, "PCI", "LSI_SAS")
    machine.file("lsi_sas.sys", imports=STORPORT)
    d = run(machine).driver("LSI_SAS")
    assert d.kind == DriverKind.STORPORT_PHYSICAL
    assert d.confidence == Confidence.HIGH
    assert d.in_use
    assert any("PCI bus" in r for r in d.reasons)
    assert any("imports storport.sys" in r for r in d.reasons)


def test_known_virtual_miniport_on_root_is_virtual(machine):
    machine.service("phdskmnt", group="SCSI miniport")
    machine.device("ROOT\\SCSIADAPTER\\0000", "ROOT", "phdskmnt")
    machine.file("phdskmnt.sys", imports=STORPORT)
    d = run(machine).driver("phdskmnt")
    # No code evidence (the stand-in never calls StorPortInitialize): the software bus decides, which is
    # evidence, not proof; the name table agrees but never decides alone.
    assert d.kind == DriverKind.STORPORT_VIRTUAL
    assert d.decided_by == "bus"
    assert d.confidence == Confidence.MEDIUM
    assert any("Arsenal" in r for r in d.reasons)


def test_unknown_virtual_miniport_found_by_code_heuristic(machine):
    machine.service("vdisk", group="SCSI miniport")
    machine.device("ROOT\\VDISK\\0000", "ROOT", "vdisk")
    machine.file("vdisk.sys", imports=STORPORT, code=storport_init_call(0xB0, interface_type=0))
    d = run(machine).driver("vdisk")
    assert d.kind == DriverKind.STORPORT_VIRTUAL
    assert d.decided_by == "code"
    assert d.confidence == Confidence.HIGH
    assert any("virtual miniport" in r and "VIRTUAL_HW_INITIALIZATION_DATA" in r for r in d.reasons)


def test_scsiport_and_ata_miniports(machine):
    machine.service("oldscsi", group="SCSI miniport")
    machine.file("oldscsi.sys", imports=SCSIPORT)
    machine.service("atapi", group="SCSI miniport")
    machine.device("PCIIDE\\IDECHANNEL\\4&1&0", "PCIIDE", "atapi")
    machine.file("atapi.sys", imports=ATAPORT)
    report = run(machine)
    assert report.driver("oldscsi").kind == DriverKind.SCSIPORT
    assert report.driver("atapi").kind == DriverKind.ATA


def test_raid_driver_without_port_import_is_monolithic(machine):
    machine.service("iaStor", group="SCSI miniport")
    machine.device("PCI\\VEN_8086&DEV_2822\\3&11583659&0&FA", "PCI", "iaStor")
    machine.file("iaStor.sys", imports={"ntoskrnl.exe": ["IoCreateDevice"],
                                        "hal.dll": ["KeStallExecutionProcessor"]})
    d = run(machine).driver("iaStor")
    assert d.kind == DriverKind.MONOLITHIC
    assert d.in_use
    assert any("monolithic" in r for r in d.reasons)


def test_group_member_without_port_or_device_is_other(machine):
    machine.service("helper", group="SCSI miniport", start=3)
    machine.file("helper.sys", imports={"ntoskrnl.exe": ["IoCreateDevice"]})
    assert run(machine).driver("helper").kind == DriverKind.OTHER


def test_legacy_root_instance_is_not_evidence_of_virtual(machine):
    machine.service("oldlsi", group="SCSI miniport")
    machine.device("Root\\LEGACY_OLDLSI\\0000", "ROOT", "oldlsi", legacy=True, class_guid=None)
    machine.file("oldlsi.sys", imports=STORPORT)
    d = run(machine).driver("oldlsi")
    # Nothing decides (no code evidence, the legacy instance carries no weight, no table entry): unknown,
    # and certainly not virtual.
    assert d.kind == DriverKind.UNKNOWN
    assert d.pe is not None
    assert any("left unknown" in r for r in d.reasons)
    assert not d.in_use
    assert any("legacy" in r and "not evidence of a virtual adapter" in r for r in d.reasons)


def test_32bit_file_in_x64_folder_is_reported_from_its_header(machine, tmp_path):
    machine.service("odd", group="SCSI miniport")
    machine.device("PCI\\VEN_1234&DEV_0001\\1", "PCI", "odd")
    machine.file("odd.sys", bits=32, imports=STORPORT, folder=tmp_path / "drivers" / "amd64")
    d = run(machine).driver("odd")
    assert d.pe.bits == 32
    assert "amd64" in d.file_path
    assert any("32-bit" in r and "x64" in r for r in d.reasons)


def test_start_override_disabled_driver_is_not_in_use(machine):
    machine.service("stornvme", group="SCSI miniport", start=3, raw_start=0)
    machine.device("PCI\\VEN_144D&DEV_A808\\4&1", "PCI", "stornvme")
    machine.service("LSI_SAS", group="SCSI miniport")
    machine.device(PCI_LSI, "PCI", "LSI_SAS")
    machine.file("stornvme.sys", imports=STORPORT)
    machine.file("lsi_sas.sys", imports=STORPORT)
    report = run(machine)
    nvme = report.driver("stornvme")
    assert not nvme.in_use
    assert any("StartOverride" in r for r in nvme.reasons)
    assert report.boot_miniport.service == "LSI_SAS"
    assert report.boot_miniport.candidates == ["LSI_SAS"]


def test_missing_driver_file_is_reported_not_fatal(machine):
    machine.service("ghost", group="SCSI miniport")
    report = run(machine)
    d = report.driver("ghost")
    assert d.kind == DriverKind.UNKNOWN
    assert d.pe is None and d.file_path is None
    assert "not found" in d.error


def test_known_driver_without_its_file_is_classified_from_the_table_and_bus(machine):
    # A bundle with the registry only: LSI_SAS on PCI is still recognisably a physical Storport
    # miniport, but the user is told the file was not checked (medium confidence, not high).
    machine.service("LSI_SAS", group="SCSI miniport")
    machine.device(PCI_LSI, "PCI", "LSI_SAS")
    d = run(machine).driver("LSI_SAS")
    assert d.kind == DriverKind.STORPORT_PHYSICAL
    assert d.confidence == Confidence.MEDIUM
    assert any("not in the evidence" in r for r in d.reasons)


def test_known_physical_driver_on_a_root_device_without_file_is_low_confidence(machine):
    machine.service("LSI_SAS", group="SCSI miniport")
    machine.device("ROOT\\SCSIADAPTER\\0000", "ROOT", "LSI_SAS")
    d = run(machine).driver("LSI_SAS")
    assert d.kind == DriverKind.STORPORT_PHYSICAL
    assert d.confidence == Confidence.LOW
    assert any("disagrees" in r for r in d.reasons)


def test_unreadable_path_is_reported_not_fatal(machine):
    machine.service("dir", group="SCSI miniport")
    (machine.drivers / "dir.sys").mkdir()
    d = run(machine).driver("dir")
    assert d.kind == DriverKind.UNKNOWN
    assert "dir.sys" in d.error


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="running as root: chmod 000 does not stop root from reading")
def test_permission_denied_driver_file(machine):
    machine.service("locked", group="SCSI miniport")
    path = machine.file("locked.sys", imports=STORPORT)
    path.chmod(0)
    try:
        d = run(machine).driver("locked")
    finally:
        path.chmod(0o644)
    assert d.kind == DriverKind.UNKNOWN
    assert "permission denied" in d.error


def test_boot_start_driver_importing_storport_in_other_group_is_listed(machine):
    machine.service("raidx", group="Boot Bus Extender")
    machine.file("raidx.sys", imports=STORPORT)
    machine.service("pci", group="Boot Bus Extender")
    machine.file("pci.sys", imports={"ntoskrnl.exe": ["IoCreateDevice"]})
    report = run(machine)
    assert report.driver("raidx") is not None
    assert any("boot-start kernel driver importing storport.sys" in r for r in report.driver("raidx").reasons)
    assert report.driver("pci") is None


def test_unconfirmed_driver_says_so(machine):
    machine.service("storvsc", group="SCSI miniport", start=3)
    machine.device("VMBUS\\{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}\\1", "VMBUS", "storvsc")
    machine.file("storvsc.sys", imports=STORPORT)
    d = run(machine).driver("storvsc")
    assert any("unconfirmed" in r for r in d.reasons)


def test_boot_miniport_from_loaded_dump_modules(machine):
    for name in ("LSI_SAS", "atapi"):
        machine.service(name, group="SCSI miniport")
    machine.device(PCI_LSI, "PCI", "LSI_SAS")
    machine.device("PCIIDE\\IDECHANNEL\\4&1&0", "PCIIDE", "atapi")
    machine.file("lsi_sas.sys", imports=STORPORT)
    machine.file("atapi.sys", imports=ATAPORT)
    report = run(machine, loaded=["dump_diskdump.sys", "dump_LSI_SAS.sys", "dump_dumpfve.sys"])
    assert report.boot_miniport.service == "LSI_SAS"
    assert report.boot_miniport.confidence == Confidence.HIGH
    assert "loaded" in report.boot_miniport.how
    assert report.driver("diskdump.sys").in_use


def test_boot_miniport_from_crash_dump_stack_ignores_dump_filters(machine):
    machine.service("stornvme", group="SCSI miniport")
    machine.file("stornvme.sys", imports=STORPORT)
    stack = ["ntoskrnl.exe", "dump_dumpstorport.sys", "dump_stornvme.sys", "dump_dumpfve.sys"]
    report = run(machine, dump_stack=stack)
    assert report.boot_miniport.service == "stornvme"
    assert report.boot_miniport.candidates == ["stornvme"]
    assert "crash dump" in report.boot_miniport.how
    assert report.driver("stornvme").in_use


def test_live_dump_stack_wins_over_crash_dump(machine):
    for name in ("LSI_SAS", "stornvme"):
        machine.service(name, group="SCSI miniport")
        machine.file(f"{name.lower()}.sys", imports=STORPORT)
    report = run(machine, dump_stack=["dump_stornvme.sys"], loaded=["dump_LSI_SAS.sys"])
    assert report.boot_miniport.service == "LSI_SAS"
    assert any("different dump stack" in n for n in report.notes)


def test_ambiguous_boot_miniport_lists_candidates(machine):
    for name, dev, bus, imports in (("LSI_SAS", PCI_LSI, "PCI", STORPORT),
                                    ("atapi", "PCIIDE\\IDECHANNEL\\4&1&0", "PCIIDE", ATAPORT)):
        machine.service(name, group="SCSI miniport")
        machine.device(dev, bus, name)
        machine.file(f"{name.lower()}.sys", imports=imports)
    boot = run(machine).boot_miniport
    assert boot.service is None
    assert boot.confidence == Confidence.LOW
    assert sorted(boot.candidates) == ["LSI_SAS", "atapi"]


def test_dump_stack_files_and_fix_check(machine):
    report = run(machine)
    kinds = {d.file_name: d.kind for d in report.drivers if d.kind == DriverKind.DUMP_STACK}
    assert set(kinds) == {"diskdump.sys", "crashdmp.sys", "dumpata.sys", "storport.sys"}
    assert report.diskdump.state == FixState.NOT_FIXED
    assert report.diskdump.version == "6.1.7600.16385"
    assert report.crashdmp.fixed_version is None


def test_missing_dump_stack_file_gives_unknown_fix_state(tmp_path):
    m = FakeMachine(tmp_path)
    report = run(m)
    assert report.diskdump.state == FixState.UNKNOWN
    assert "not found" in report.driver("diskdump.sys").error
