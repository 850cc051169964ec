"""read_registry_facts over in-memory trees: each fact, its evidence, and partial inputs."""

from __future__ import annotations

from core.registry import read_registry_facts
from core.registry.keys import REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ, MemoryKey


def system_hive(current: int = 2) -> MemoryKey:
    root = MemoryKey("SYSTEM", r"HKLM\SYSTEM")
    root.ensure("Select").set("Current", REG_DWORD, current)
    root.ensure(r"ControlSet001\Control\CrashControl").set("CrashDumpEnabled", REG_DWORD, 1)
    cs = root.ensure(f"ControlSet{current:03d}")
    control = cs.ensure("Control")
    control.ensure("ProductOptions").set("ProductType", REG_SZ, "ServerNT")
    control.ensure(r"Session Manager\Environment").set("PROCESSOR_ARCHITECTURE", REG_SZ, "AMD64")
    control.ensure(r"ComputerName\ComputerName").set("ComputerName", REG_SZ, "HOST1")
    mm = control.ensure(r"Session Manager\Memory Management")
    mm.set("PagingFiles", REG_MULTI_SZ,
           [r"C:\pagefile.sys 2048 4096", r"?:\pagefile.sys", r"D:\pagefile.sys 0 0"])
    control.ensure("CrashControl").set("AutoReboot", REG_DWORD, 0)
    control.ensure("Power").set("HibernateEnabled", REG_DWORD, 0)
    svc = cs.ensure(r"Services\LSI_SAS")
    svc.set("Start", REG_DWORD, 0)
    svc.set("Type", REG_DWORD, 1)
    svc.set("ImagePath", REG_EXPAND_SZ, r"System32\drivers\lsi_sas.sys")
    svc.ensure("StartOverride").set("0", REG_DWORD, 3)
    cs.ensure(r"Services\storahci").set("Start", REG_DWORD, 0)
    enum = cs.ensure("Enum")
    inst = enum.ensure(r"PCI\VEN_1000&DEV_0054\4&1")
    inst.set("Service", REG_SZ, "LSI_SAS")
    inst.set("DeviceDesc", REG_SZ, "@oem1.inf,%lsi%;LSI Adapter")
    enum.ensure(r"Root\LEGACY_LSI_SCSI\0000").set("Service", REG_SZ, "LSI_SCSI")
    enum.ensure(r"VMBUS\{abc}\1")
    enum.ensure(r"STORAGE\Volume\1")
    return root


def software_hive(win10: bool = True) -> MemoryKey:
    root = MemoryKey("SOFTWARE", r"HKLM\SOFTWARE")
    cv = root.ensure(r"Microsoft\Windows NT\CurrentVersion")
    if win10:
        cv.set("ProductName", REG_SZ, "Windows Server 2016 Standard")
        cv.set("CurrentVersion", REG_SZ, "6.3")
        cv.set("CurrentMajorVersionNumber", REG_DWORD, 10)
        cv.set("CurrentMinorVersionNumber", REG_DWORD, 0)
        cv.set("CurrentBuildNumber", REG_SZ, "14393")
        cv.set("UBR", REG_DWORD, 3025)
        cv.set("EditionID", REG_SZ, "ServerStandard")
        cv.set("InstallationType", REG_SZ, "Server")
    else:
        cv.set("ProductName", REG_SZ, "Windows 7 Enterprise")
        cv.set("CurrentVersion", REG_SZ, "6.1")
        cv.set("CurrentBuild", REG_SZ, "7601")
        cv.set("CSDVersion", REG_SZ, "Service Pack 1")
    return root


def test_offline_control_set_follows_select_current() -> None:
    facts = read_registry_facts(system_hive(current=2), None)
    assert facts.system is not None and facts.system.control_set == "ControlSet002"
    assert facts.crash_control is not None and facts.crash_control.auto_reboot == 0
    # ControlSet001's CrashDumpEnabled=1 must not leak in; absent in the current set → none, noted
    assert facts.crash_control.crash_dump_enabled == 0
    assert "CrashDumpEnabled" in facts.crash_control.defaults_used
    assert facts.crash_control.ref is not None and "ControlSet002" in facts.crash_control.ref.location


def test_system_identity_and_version() -> None:
    facts = read_registry_facts(system_hive(), software_hive())
    sysf = facts.system
    assert sysf is not None
    assert sysf.version_text == "10.0.14393.3025"
    assert (sysf.is_server, sysf.architecture, sysf.computer_name, sysf.edition) == \
        (True, "x64", "HOST1", "ServerStandard")
    assert any("CurrentVersion" in r.location for r in sysf.refs)
    win7 = read_registry_facts(None, software_hive(win10=False)).system
    assert win7 is not None
    assert (win7.major, win7.minor, win7.build, win7.service_pack, win7.revision) == (6, 1, 7601, 1, None)


def test_start_override_gives_effective_start() -> None:
    services = read_registry_facts(system_hive(), None).services
    assert (services["lsi_sas"].raw_start, services["lsi_sas"].start) == (0, 3)
    assert not services["lsi_sas"].boot_start
    assert services["storahci"].boot_start


def test_page_files_hibernation_and_devices() -> None:
    facts = read_registry_facts(system_hive(), None)
    assert [(p.path, p.initial_mb, p.maximum_mb, p.system_managed) for p in facts.page_files] == [
        (r"C:\pagefile.sys", 2048, 4096, False), (r"?:\pagefile.sys", None, None, True),
        (r"D:\pagefile.sys", 0, 0, True)]
    assert facts.hibernation is not None and facts.hibernation.enabled is False
    by_path = {d.instance_path: d for d in facts.devices}
    assert by_path[r"PCI\VEN_1000&DEV_0054\4&1"].bus == "PCI"
    assert by_path[r"PCI\VEN_1000&DEV_0054\4&1"].description == "LSI Adapter"
    assert by_path[r"Root\LEGACY_LSI_SCSI\0000"].legacy
    assert by_path[r"VMBUS\{abc}\1"].bus == "VMBUS" and not by_path[r"VMBUS\{abc}\1"].legacy
    assert by_path[r"STORAGE\Volume\1"].bus == "OTHER"
    assert all(d.ref is not None for d in facts.devices)


def test_partial_inputs_give_none_not_exceptions() -> None:
    empty = read_registry_facts(None, None)
    assert empty.system is None and empty.crash_control is None and empty.services == {}
    bare = read_registry_facts(MemoryKey("SYSTEM"), None)
    assert bare.crash_control is None and bare.devices == [] and bare.hibernation is None
    soft_only = read_registry_facts(None, software_hive())
    assert soft_only.system is not None and soft_only.system.build == 14393
    assert soft_only.crash_control is None
