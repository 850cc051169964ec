"""The real Windows 7 SP1 SYSTEM hive (MANIFEST: hives/SYSTEM_win7sp1): LSI_SAS on PCI is physical;
LSI_SCSI, seen only as Root\\LEGACY_LSI_SCSI, is not virtual; storvsc (Start=3) is not in use."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from core.drivers import assess_storage
from core.drivers.model import DriverKind
from tests.builders.pe import MINIPORT_IMPORTS, EntryShape, build_driver, miniport_entry

pytestmark = pytest.mark.realdata

STORPORT = {"storport.sys": ["StorPortInitialize"]}


def _registry():
    try:
        registry = importlib.import_module("core.registry")
        return registry.open_hive, registry.read_registry_facts
    except (ImportError, AttributeError):
        pytest.skip("core.registry.open_hive/read_registry_facts not built yet (another engineer's package); "
                    "generated-fixture tests cover classification meanwhile")


def test_win7sp1_lsi_sas_physical_and_legacy_lsi_scsi_not_virtual(realdata, tmp_path):
    hive = realdata("hives/SYSTEM_win7sp1")
    open_hive, read_registry_facts = _registry()
    facts = read_registry_facts(open_hive(hive), None)
    # The hive carries no driver files: generate stand-ins that import what these in-box drivers import,
    # so only the registry signals (devices, buses, start types) differ from the real machine.
    drivers = tmp_path / "drivers"
    for name in ("lsi_sas.sys", "lsi_scsi.sys", "storvsc.sys"):
        build_driver(drivers / name, bits=64, imports=STORPORT, version="6.1.7601.17514")
    build_driver(drivers / "atapi.sys", bits=64, imports={"ataport.sys": ["AtaPortInitialize"]})

    def find_file(file_name: str, image_path: str | None) -> Path | None:
        path = drivers / file_name.lower()
        return path if path.exists() else None

    report = assess_storage(facts, find_file, [], None)
    lsi_sas = report.driver("LSI_SAS")
    assert lsi_sas.kind == DriverKind.STORPORT_PHYSICAL
    assert lsi_sas.decided_by == "bus"  # the stand-in has no code: the PCI device decides
    assert any("PCI" in d for d in lsi_sas.devices)
    assert lsi_sas.in_use
    lsi_scsi = report.driver("LSI_SCSI")
    assert lsi_scsi.kind != DriverKind.STORPORT_VIRTUAL
    assert not lsi_scsi.in_use
    assert any("legacy" in r.lower() for r in lsi_scsi.reasons)
    # storvsc (Hyper-V) is installed but demand-start, group "Base", no device: it can't be in the
    # dump path, so it is either left out of the report or listed as not in use.
    assert facts.services["storvsc"].start == 3
    storvsc = report.driver("storvsc")
    assert storvsc is None or not storvsc.in_use
    assert "atapi" in report.boot_miniport.candidates and "LSI_SAS" in report.boot_miniport.candidates


def test_win7sp1_code_decides_and_legacy_instance_never_does(realdata, tmp_path):
    """The same hive, with stand-ins whose DriverEntry is shaped like compiler output: LSI_SAS registers the
    pre-Windows 8 HW_INITIALIZATION_DATA for a PCI adapter; the file behind LSI_SCSI (only a
    Root\\LEGACY_LSI_SCSI instance) is a virtual miniport renamed to that in-box name."""
    hive = realdata("hives/SYSTEM_win7sp1")
    open_hive, read_registry_facts = _registry()
    facts = read_registry_facts(open_hive(hive), None)
    drivers = tmp_path / "drivers"
    build_driver(drivers / "lsi_sas.sys", bits=64, imports=MINIPORT_IMPORTS,
                 code=miniport_entry(EntryShape(structure="legacy", interface_type=5, call="thunk")))
    build_driver(drivers / "lsi_scsi.sys", bits=64, imports=MINIPORT_IMPORTS,
                 code=miniport_entry(EntryShape(structure="virtual", zero="memset", fill="register")))

    def find_file(file_name: str, image_path: str | None) -> Path | None:
        path = drivers / file_name.lower()
        return path if path.exists() else None

    report = assess_storage(facts, find_file, [], None)
    lsi_sas = report.driver("LSI_SAS")
    assert lsi_sas.kind == DriverKind.STORPORT_PHYSICAL
    assert lsi_sas.decided_by == "code"
    lsi_scsi = report.driver("LSI_SCSI")
    assert lsi_scsi.kind == DriverKind.STORPORT_VIRTUAL
    assert lsi_scsi.decided_by == "code"
    assert any("disagree" in r for r in lsi_scsi.reasons)  # the table says lsi_scsi.sys is physical
    assert any("legacy" in r.lower() and "not evidence" in r for r in lsi_scsi.reasons)
    assert not lsi_scsi.in_use
