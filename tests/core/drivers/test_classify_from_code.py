"""Issue #13: a storage driver is judged by what its code does. Drivers are generated with the project's
PE builder in the shapes real compilers emit (import thunks, direct and register calls, pushed x86
arguments, zeroed structures filled field by field, `or` into FeatureSupport, register-held structure
addresses, constants loaded into registers first), for x86 and x64."""

from __future__ import annotations

import itertools
import json

import pytest

from core.cli.main import main
from core.drivers import assess_loose, assess_storage
from core.drivers.loose import loose_driver
from core.drivers.model import Confidence, DriverKind
from tests.builders.pe import MINIPORT_IMPORTS, EntryShape, build_driver, miniport_entry, port_entry
from tests.core.drivers.fake_machine import FakeMachine

UNKNOWN_NAME = "nobodyvd.sys"  # in no table


def _virtual_shapes() -> list[EntryShape]:
    shapes = []
    for structure, call in itertools.product(("virtual", "win8"), ("direct", "thunk", "register")):
        feature = 0x29 if structure == "win8" else None
        shapes.append(EntryShape(structure=structure, call=call, feature=feature))
    # the compiler variations, each once per structure form
    for structure in ("virtual", "win8"):
        feature = 0x29 if structure == "win8" else None
        shapes += [
            EntryShape(structure=structure, feature=feature, zero="memset", fill="register", call="thunk"),
            EntryShape(structure=structure, feature=feature, zero="xmm", constants_in_registers=True),
            EntryShape(structure=structure, feature=feature, zero="none", frame="rbp", fill="register"),
            EntryShape(structure=structure, feature=feature, rex_call=True, frame="rbp"),
        ]
    return shapes


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize("shape", _virtual_shapes(), ids=repr)
def test_virtual_miniport_in_no_table_is_found_by_its_code(tmp_path, bits, shape):
    path = build_driver(tmp_path / UNKNOWN_NAME, bits=bits, imports=MINIPORT_IMPORTS,
                        code=miniport_entry(shape))
    d = loose_driver(path, str(path))
    assert d.kind is DriverKind.STORPORT_VIRTUAL, d.reasons
    assert d.decided_by == "code"
    assert d.confidence is Confidence.HIGH
    (hint,) = d.pe.init_data_hints
    assert hint.call_kind == shape.call
    assert any("registers it with Storport as a virtual miniport" in r for r in d.reasons)
    assert any("unknown" in r and "registry" in r for r in d.reasons)  # boot start / device / bus


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize("shape", [
    EntryShape(structure="legacy", interface_type=5),
    EntryShape(structure="legacy", interface_type=5, call="thunk", zero="memset", fill="register"),
    EntryShape(structure="win8", feature=0x8),  # dump pointers only, in a zeroed structure
    EntryShape(structure="win8", feature=0x8, zero="memset"),  # zeroed by memset (x64: lea r8d, [rdx+n])
    EntryShape(structure="win8", feature=None, zero="xmm", call="register"),
], ids=repr)
def test_physical_miniport_is_never_called_virtual(tmp_path, bits, shape):
    path = build_driver(tmp_path / "hwraid.sys", bits=bits, imports=MINIPORT_IMPORTS,
                        code=miniport_entry(shape))
    d = loose_driver(path, str(path))
    assert d.kind is DriverKind.STORPORT_PHYSICAL, d.reasons
    assert d.decided_by == "code"


@pytest.mark.parametrize("bits", [32, 64])
def test_feature_flag_not_known_is_unknown_not_physical(tmp_path, bits):
    # `or` of 0x8 into a structure that was never zeroed: bit 0 is not decided by the code.
    shape = EntryShape(structure="win8", feature=0x8, zero="none")
    path = build_driver(tmp_path / "odd.sys", bits=bits, imports=MINIPORT_IMPORTS, code=miniport_entry(shape))
    d = loose_driver(path, str(path))
    assert d.kind is DriverKind.UNKNOWN
    assert d.error and "could not be told" in d.error
    assert any("does not tell virtual from physical" in r for r in d.reasons)


@pytest.mark.parametrize("bits", [32, 64])
def test_renamed_virtual_miniport_is_virtual_and_the_table_disagreement_is_said(tmp_path, bits):
    # A virtual miniport renamed to an in-box physical driver's name.
    path = build_driver(tmp_path / "lsi_sas.sys", bits=bits, imports=MINIPORT_IMPORTS,
                        code=miniport_entry(EntryShape(structure="virtual", call="thunk")))
    d = loose_driver(path, str(path))
    assert d.kind is DriverKind.STORPORT_VIRTUAL
    assert d.confidence is Confidence.MEDIUM
    assert any("disagree" in r and "the code decides" in r for r in d.reasons)


def test_physical_code_under_a_known_virtual_name_is_physical(tmp_path):
    path = build_driver(tmp_path / "phdskmnt.sys", bits=64, imports=MINIPORT_IMPORTS,
                        code=miniport_entry(EntryShape(structure="legacy", interface_type=5)))
    d = loose_driver(path, str(path))
    assert d.kind is DriverKind.STORPORT_PHYSICAL
    assert any("disagree" in r for r in d.reasons)


@pytest.mark.parametrize("bits", [32, 64])
def test_port_families_and_non_miniports(tmp_path, bits):
    scsi = build_driver(tmp_path / "oldscsi.sys", bits=bits, imports={"scsiport.sys": ["ScsiPortInitialize"]},
                        code=port_entry("scsiport.sys", "ScsiPortInitialize"))
    ata = build_driver(tmp_path / "ideport.sys", bits=bits, imports={"ataport.sys": ["AtaPortInitialize"]},
                       code=port_entry("ataport.sys", "AtaPortInitialize"))
    other = build_driver(tmp_path / "filter.sys", bits=bits, imports={"ntoskrnl.exe": ["IoCreateDevice"]})
    program = build_driver(tmp_path / "setup.exe", bits=bits, imports={"kernel32.dll": ["ExitProcess"]},
                           subsystem=2)
    junk = tmp_path / "junk.sys"
    junk.write_bytes(b"not a driver at all, just text")
    report = assess_loose([scsi, ata, other, program, junk])
    kinds = {d.file_name: d for d in report.drivers}
    assert kinds["oldscsi.sys"].kind is DriverKind.SCSIPORT
    assert kinds["ideport.sys"].kind is DriverKind.ATA
    assert kinds["filter.sys"].kind is DriverKind.OTHER
    assert kinds["setup.exe"].kind is DriverKind.OTHER
    assert any("Not a driver" in r and "GUI" in r for r in kinds["setup.exe"].reasons)
    assert kinds["junk.sys"].kind is DriverKind.OTHER
    assert any("Not a driver" in r for r in kinds["junk.sys"].reasons)
    assert report.boot_miniport is not None and report.boot_miniport.service is None


# ---- bus evidence when the registry is there -----------------------------------------------------------

@pytest.fixture
def machine(tmp_path):
    m = FakeMachine(tmp_path)
    m.dump_stack_files()
    return m


def _run(m):
    return assess_storage(m.facts, m.find_file, [], None)


def test_pci_device_decides_physical_without_code_evidence(machine):
    # virtio/PVSCSI-like: a physical-model miniport of a (virtual) PCI device
    machine.service("vioblk", group="SCSI miniport")
    machine.device("PCI\\VEN_1AF4&DEV_1001\\3&1", "PCI", "vioblk")
    machine.file("vioblk.sys", imports=MINIPORT_IMPORTS)
    d = _run(machine).driver("vioblk")
    assert d.kind is DriverKind.STORPORT_PHYSICAL
    assert d.decided_by == "bus"


def test_guid_software_bus_is_evidence_for_virtual(machine):
    machine.service("swdisk", group="SCSI miniport")
    machine.device("{4D36E97B-0000-4000-8000-000000000001}\\SWDISK\\1", "OTHER", "swdisk")
    machine.file("swdisk.sys", imports=MINIPORT_IMPORTS)
    d = _run(machine).driver("swdisk")
    assert d.kind is DriverKind.STORPORT_VIRTUAL
    assert d.decided_by == "bus"
    assert d.confidence is Confidence.MEDIUM


def test_code_decides_over_bus_and_says_so(machine):
    machine.service("oddvd", group="SCSI miniport")
    machine.device("PCI\\VEN_9999&DEV_0001\\3&1", "PCI", "oddvd")
    machine.file("oddvd.sys", imports=MINIPORT_IMPORTS, code=miniport_entry(EntryShape(structure="virtual")))
    d = _run(machine).driver("oddvd")
    assert d.kind is DriverKind.STORPORT_VIRTUAL
    assert d.confidence is Confidence.MEDIUM
    assert any("device placement suggests otherwise" in r for r in d.reasons)


def test_given_file_no_service_names_is_listed_too(machine, tmp_path):
    machine.service("atapi", group="SCSI miniport")
    machine.file("atapi.sys", imports={"ataport.sys": ["AtaPortInitialize"]})
    extra = build_driver(tmp_path / "given" / UNKNOWN_NAME, bits=64, imports=MINIPORT_IMPORTS,
                         code=miniport_entry(EntryShape(structure="win8", feature=0x29)))
    report = assess_storage(machine.facts, machine.find_file, [], None, [extra])
    d = report.driver(UNKNOWN_NAME)
    assert d is not None and d.loose
    assert d.kind is DriverKind.STORPORT_VIRTUAL
    assert any("No service in the registry" in r for r in d.reasons)


# ---- the CLI on a folder of drivers, without any SYSTEM hive -------------------------------------------

def test_drivers_cli_lists_every_file_of_a_folder_without_registry(tmp_path, capsys):
    folder = tmp_path / "drivers"
    build_driver(folder / UNKNOWN_NAME, bits=64, imports=MINIPORT_IMPORTS,
                 code=miniport_entry(EntryShape(structure="win8", feature=0x29, call="thunk", frame="rbp")))
    build_driver(folder / "hwraid.sys", bits=32, imports=MINIPORT_IMPORTS,
                 code=miniport_entry(EntryShape(structure="legacy", interface_type=5)))
    build_driver(folder / "tool.exe", bits=64, imports={"kernel32.dll": ["ExitProcess"]}, subsystem=3)
    (folder / "broken.sys").write_bytes(b"MZ" + b"\0" * 10)
    code = main(["drivers", str(folder), "--json"])
    out = json.loads(capsys.readouterr().out)
    kinds = {d["file_name"]: d["kind"] for d in out["drivers"]}
    assert kinds[UNKNOWN_NAME] == "storport-virtual"
    assert kinds["hwraid.sys"] == "storport-physical"
    assert kinds["tool.exe"] == "other"
    assert "broken.sys" in json.dumps(out["problems"]) or kinds.get("broken.sys") == "other"
    assert code == 4  # the boot disk's miniport cannot be known without the registry
    main(["drivers", str(folder)])
    text = capsys.readouterr().out
    assert "Virtual Storport miniport (from its code; high confidence)" in text
    assert "unknown" in text


# ---- the scan and the verdict with loose files ---------------------------------------------------------

def _virtual_folder(tmp_path):
    folder = tmp_path / "evidence"
    build_driver(folder / UNKNOWN_NAME, bits=64, imports=MINIPORT_IMPORTS,
                 code=miniport_entry(EntryShape(structure="virtual", call="thunk")))
    build_driver(folder / "diskdump.sys", bits=64, version="6.1.7600.16385")
    return folder


def test_scan_of_loose_drivers_without_registry_leaves_the_verdict_unknown(tmp_path):
    from core.diagnosis.virtual_storport import _check_miniport  # the condition the verdict reads
    from core.scan import scan
    from core.sources import open_source

    with open_source(_virtual_folder(tmp_path)) as source:
        ev = scan(source)
    assert ev.registry is None
    assert ev.storage is not None
    d = ev.storage.driver(UNKNOWN_NAME)
    assert d.kind is DriverKind.STORPORT_VIRTUAL and not d.in_use
    check = _check_miniport(_issue(), ev)
    assert check.condition.state == "unknown"
    assert "system-hive" in check.missing


def test_crash_dump_stack_names_the_loose_miniport(tmp_path):
    from core.diagnosis.virtual_storport import _check_miniport
    from core.scan import scan
    from core.sources import open_source
    from tests.builders.dumps import typical_drivers, write_kernel_dump

    folder = _virtual_folder(tmp_path)
    drivers = typical_drivers(64, UNKNOWN_NAME)
    write_kernel_dump(folder / "Mini.dmp", 64, 0xD1, (0x4, 2, 0, drivers[3].base + 0x10), dump_type=4,
                      drivers=drivers)
    with open_source(folder) as source:
        ev = scan(source)
    assert ev.storage.boot_miniport.service == UNKNOWN_NAME
    assert ev.storage.driver(UNKNOWN_NAME).in_use
    check = _check_miniport(_issue(), ev)
    assert check.condition.state == "yes"


def _issue():
    from core.diagnosis.knowledge import load_knowledge

    return load_knowledge().issues[0]


def test_wizard_table_says_which_evidence_decided_and_that_use_is_unknown(tmp_path):
    from core.wizard.present import driver_table

    folder = _virtual_folder(tmp_path)
    build_driver(folder / "odd.sys", bits=32, imports=MINIPORT_IMPORTS,
                 code=miniport_entry(EntryShape(structure="win8", feature=0x8, zero="none")))
    table = driver_table(assess_loose(sorted(folder.iterdir())))
    rows = {r.file_name: r for r in table.drivers}
    virtual = rows[UNKNOWN_NAME]
    assert virtual.kind == "Virtual Storport miniport (from its code; high confidence)"
    assert virtual.virtual and not virtual.in_use_known
    assert "registers it with Storport as a virtual miniport" in virtual.why
    assert rows["odd.sys"].kind == "Storport miniport, virtual or physical unknown"
    assert table.focus_row == table.drivers.index(virtual)


def test_given_files_a_service_names_are_not_listed_again(machine, tmp_path):
    # A collector bundle carries every boot-start driver; pci.sys is judged through its service (not a
    # storage driver), so it must not reappear as a loose file "no service uses".
    machine.service("pci", group="Boot Bus Extender")
    pci = machine.file("pci.sys", imports={"ntoskrnl.exe": ["IoCreateDevice"]})
    report = assess_storage(machine.facts, machine.find_file, [], None, [pci])
    assert report.driver("pci.sys") is None and report.driver("pci") is None


def test_given_miniport_of_a_demand_start_service_is_listed_with_its_service(machine):
    machine.service("vd", start=3)
    vd = machine.file("vd.sys", imports=MINIPORT_IMPORTS,
                      code=miniport_entry(EntryShape(structure="virtual")))
    d = assess_storage(machine.facts, machine.find_file, [], None, [vd]).driver("vd")
    assert d is not None and d.kind is DriverKind.STORPORT_VIRTUAL and not d.in_use
    assert any("Start = 3" in r for r in d.reasons)
