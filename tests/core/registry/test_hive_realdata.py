"""The MANIFEST facts of the real SYSTEM hives (../shared/realdata), read through our own stack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.registry import identify_hive, open_hive, read_registry_facts
from core.registry.model import RegistryFacts

pytestmark = pytest.mark.realdata
IN_BOX_MINIPORT_GROUP = "scsi miniport"


def facts_of(path: Path, use_logs: bool = True) -> RegistryFacts:
    return read_registry_facts(open_hive(path, use_logs=use_logs), None)


def test_win7sp1_manifest_facts(realdata: Callable[[str], Path]) -> None:
    path = realdata("hives/SYSTEM_win7sp1")
    assert identify_hive(path) == "SYSTEM"
    facts = facts_of(path)
    assert facts.hive_notes == []  # a clean hive
    assert facts.system is not None and facts.system.control_set == "ControlSet001"
    cc = facts.crash_control
    assert cc is not None
    assert (cc.crash_dump_enabled, cc.auto_reboot, cc.overwrite, cc.log_event, cc.minidumps_count) == \
        (2, 1, 1, 1, 50)
    assert cc.dump_file == r"%SystemRoot%\MEMORY.DMP" and cc.minidump_dir == r"%SystemRoot%\Minidump"
    assert cc.dump_filters == ["dumpfve.sys"]
    assert "CrashDumpEnabled" not in cc.defaults_used
    assert facts.hibernation is not None
    assert (facts.hibernation.enabled, facts.hibernation.file_size_percent) == (True, 75)
    assert [(p.path, p.system_managed) for p in facts.page_files] == [(r"?:\pagefile.sys", True)]
    miniports = [s for s in facts.services.values() if (s.group or "").casefold() == IN_BOX_MINIPORT_GROUP]
    assert len(miniports) == 29
    assert sorted(s.name.casefold() for s in miniports if s.start == 0) == \
        ["amdxata", "atapi", "lsi_sas", "lsi_scsi"]
    assert sum(1 for s in facts.services.values() if s.type == 1 and s.boot_start) == 32
    assert len(facts.devices) == 290
    lsi_sas = [d for d in facts.devices if (d.service or "").casefold() == "lsi_sas"]
    assert [d.bus for d in lsi_sas] == ["PCI"]
    assert lsi_sas[0].instance_path.upper().startswith(r"PCI\VEN_1000&DEV_0054&SUBSYS_197615AD&REV_01")
    lsi_scsi = [d for d in facts.devices if (d.service or "").casefold() == "lsi_scsi"]
    assert [(d.instance_path.upper(), d.legacy) for d in lsi_scsi] == [(r"ROOT\LEGACY_LSI_SCSI\0000", True)]
    assert facts.services["storvsc"].start == 3
    assert facts.services["lsi_sas"].ref is not None
    assert "ControlSet001" in facts.services["lsi_sas"].ref.location


def test_win10_dirty_hive_with_logs(realdata: Callable[[str], Path]) -> None:
    path = realdata("hives/SYSTEM_win10-1709")
    realdata("hives/SYSTEM_win10-1709.LOG1")
    realdata("hives/SYSTEM_win10-1709.LOG2")
    facts = facts_of(path)
    assert len(facts.services) == 656 and "ad_driver" in facts.services
    assert len(facts.devices) == 155
    assert any("replayed" in n for n in facts.hive_notes)
    assert facts.crash_control is not None and facts.crash_control.crash_dump_enabled == 7
    assert facts.hibernation is not None
    assert (facts.hibernation.enabled, facts.hibernation.file_size_percent) == (True, 0)
    miniports = [s for s in facts.services.values() if (s.group or "").casefold() == IN_BOX_MINIPORT_GROUP
                 and s.raw_start == 0]
    assert [s.name for s in miniports if s.start == 0] == ["iaStorAV"]
    assert len(miniports) > 10  # the rest are boot-start on paper, disabled by StartOverride


def test_win10_dirty_hive_without_logs(realdata: Callable[[str], Path]) -> None:
    facts = facts_of(realdata("hives/SYSTEM_win10-1709"), use_logs=False)
    assert len(facts.services) == 655 and "ad_driver" not in facts.services
    assert len(facts.devices) == 146
    assert any("without its transaction logs" in n for n in facts.hive_notes)
