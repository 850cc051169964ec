"""The PE builder's output, checked with an independent reader (pefile without our wrapper)."""

from __future__ import annotations

import pefile
import pytest

from tests.builders.pe import build_driver, storport_init_call


@pytest.mark.parametrize(("bits", "machine", "magic"), [(32, 0x14C, 0x10B), (64, 0x8664, 0x20B)])
def test_built_driver_reads_back_with_pefile(tmp_path, bits, machine, magic):
    path = build_driver(
        tmp_path / "drv.sys", bits=bits,
        imports={"storport.sys": ["StorPortInitialize", "StorPortNotification"],
                 "ntoskrnl.exe": ["KeBugCheckEx"]},
        version="6.1.7600.20882", product_version="6.1.7600.20882", company="Microsoft Corporation",
        description="Disk dump driver", original_filename="diskdump.sys", signed=True,
        code=storport_init_call(0xB0 if bits == 64 else 0x68), timestamp=0x4B000000,
    )
    pe = pefile.PE(str(path))
    try:
        assert pe.FILE_HEADER.Machine == machine
        assert pe.OPTIONAL_HEADER.Magic == magic
        assert pe.FILE_HEADER.TimeDateStamp == 0x4B000000
        imports = {e.dll.decode().lower(): [i.name.decode() for i in e.imports]
                   for e in pe.DIRECTORY_ENTRY_IMPORT}
        assert imports == {"storport.sys": ["StorPortInitialize", "StorPortNotification"],
                           "ntoskrnl.exe": ["KeBugCheckEx"]}
        fixed = pe.VS_FIXEDFILEINFO[0]
        assert (fixed.FileVersionMS, fixed.FileVersionLS) == ((6 << 16) | 1, (7600 << 16) | 20882)
        strings = {}
        for group in pe.FileInfo:
            for entry in group:
                for table in getattr(entry, "StringTable", []):
                    strings.update({k.decode(): v.decode() for k, v in table.entries.items()})
        assert strings["CompanyName"] == "Microsoft Corporation"
        assert strings["OriginalFilename"] == "diskdump.sys"
        assert strings["FileDescription"] == "Disk dump driver"
        sec = pe.OPTIONAL_HEADER.DATA_DIRECTORY[4]
        assert sec.Size > 0
        assert sec.VirtualAddress + sec.Size == path.stat().st_size
    finally:
        pe.close()


def test_unsigned_driver_without_version_has_neither(tmp_path):
    path = build_driver(tmp_path / "plain.sys", bits=64, imports={"ntoskrnl.exe": ["IoCreateDevice"]})
    pe = pefile.PE(str(path))
    try:
        assert pe.OPTIONAL_HEADER.DATA_DIRECTORY[4].Size == 0
        assert not hasattr(pe, "VS_FIXEDFILEINFO")
    finally:
        pe.close()


@pytest.mark.parametrize("bits", [32, 64])
def test_generated_driver_entry_reads_back_with_pefile_and_capstone(tmp_path, bits):
    """The compiler-shaped code: pefile finds the entry point and (x64) the .pdata bounds; capstone
    decodes DriverEntry up to a call through the StorPortInitialize IAT slot."""
    import capstone

    from tests.builders.pe import MINIPORT_IMPORTS, EntryShape, miniport_entry

    path = build_driver(tmp_path / "v.sys", bits=bits, imports=MINIPORT_IMPORTS,
                        code=miniport_entry(EntryShape(structure="virtual")))
    pe = pefile.PE(str(path))
    text = next(s for s in pe.sections if s.Name.rstrip(b"\0") == b".text")
    entry = pe.OPTIONAL_HEADER.AddressOfEntryPoint
    if bits == 64:
        pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_EXCEPTION"]])
        begins = [f.struct.BeginAddress for f in pe.DIRECTORY_ENTRY_EXCEPTION]
        assert entry in begins
    slot = next(imp.address for d in pe.DIRECTORY_ENTRY_IMPORT for imp in d.imports
                if imp.name == b"StorPortInitialize")
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64 if bits == 64 else capstone.CS_MODE_32)
    code = text.get_data()[entry - text.VirtualAddress:]
    calls = [i for i in md.disasm(code, pe.OPTIONAL_HEADER.ImageBase + entry) if i.mnemonic == "call"]
    targets = []
    for insn in calls:
        if bits == 64 and "rip" in insn.op_str:
            disp = int(insn.op_str.split("rip")[1].strip(" +]"), 16) if "+" in insn.op_str else \
                -int(insn.op_str.split("rip")[1].strip(" -]"), 16)
            targets.append(insn.address + insn.size + disp)
        elif bits == 32 and insn.op_str.startswith("dword ptr ["):
            targets.append(int(insn.op_str[len("dword ptr ["):-1], 16))
    assert slot in targets
