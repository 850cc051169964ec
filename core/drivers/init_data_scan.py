"""Heuristic: which init-data structure a Storport miniport passes to StorPortInitialize.

A virtual miniport built for Vista SP1 / Windows 7 fills VIRTUAL_HW_INITIALIZATION_DATA, whose
HwInitializationDataSize (its sizeof) differs from HW_INITIALIZATION_DATA's. Compilers store that size
as an immediate into the structure shortly before the call, so we look for `mov dword [base+disp], imm32`
with a known size in the bytes before each `call [StorPortInitialize]`. This is byte-pattern matching,
not disassembly: it can miss (size computed elsewhere) or mis-hit (bytes inside another instruction),
so callers treat it as medium-confidence evidence.

Sizes come from the WDK storport.h layouts (ULONG 4, INTERFACE_TYPE 4, pointers 4/8, natural alignment):
  HW_INITIALIZATION_DATA up to HwBuildIo (pre-Windows 8):   x86 0x54, x64 0x88
  VIRTUAL_HW_INITIALIZATION_DATA (+5 callbacks):             x86 0x68, x64 0xB0
  HW_INITIALIZATION_DATA, Windows 8+ (+6 ptrs, 4 ULONGs, 1 ptr): x86 0x80, x64 0xD0;
     its FeatureSupport (bit 0 = STOR_FEATURE_VIRTUAL_MINIPORT) is at x86 0x6C, x64 0xB8.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from core.drivers.model import InitDataHint

VIRTUAL_STRUCT = "VIRTUAL_HW_INITIALIZATION_DATA"
LEGACY_STRUCT = "HW_INITIALIZATION_DATA (before Windows 8)"
WIN8_STRUCT = "HW_INITIALIZATION_DATA (Windows 8 and later)"

INIT_DATA_SIZES: dict[int, dict[int, str]] = {
    32: {0x54: LEGACY_STRUCT, 0x68: VIRTUAL_STRUCT, 0x80: WIN8_STRUCT},
    64: {0x88: LEGACY_STRUCT, 0xB0: VIRTUAL_STRUCT, 0xD0: WIN8_STRUCT},
}
FEATURE_SUPPORT_OFFSET = {32: 0x6C, 64: 0xB8}
STOR_FEATURE_VIRTUAL_MINIPORT = 0x1
WINDOW = 0x300  # bytes before the call searched for the stores; DriverEntry bodies are short
MAX_CODE_SCANNED = 16 * 1024 * 1024  # bound the work on hostile or unusual images


@dataclass(frozen=True)
class CodeSection:
    rva: int
    file_offset: int
    data: bytes


@dataclass(frozen=True)
class _Store:
    pos: int
    base: str
    disp: int
    imm: int


def _decode_store(data: bytes, i: int, rva: int, bits: int) -> _Store | None:
    """Decode `C7 /0 m32, imm32` at data[i] (opcode byte); None when it is not one we understand."""
    if i + 6 > len(data):
        return None
    rex_b = 0
    if bits == 64 and i > 0 and 0x40 <= data[i - 1] <= 0x4F:
        rex_b = (data[i - 1] & 1) << 3
    modrm = data[i + 1]
    mod, reg, rm = modrm >> 6, (modrm >> 3) & 7, modrm & 7
    if reg != 0 or mod == 3:
        return None
    p = i + 2
    if rm == 4:
        sib = data[p]
        p += 1
        if (sib >> 3) & 7 != 4:  # an index register: not a plain [base+disp] store
            return None
        base_reg = (sib & 7) | rex_b
        if mod == 0 and sib & 7 == 5:
            return None
        base = f"r{base_reg}"
    elif rm == 5 and mod == 0:
        base = "mem"
    else:
        base = f"r{rm | rex_b}"
    if mod == 1:
        if p + 1 + 4 > len(data):
            return None
        disp = struct.unpack_from("<b", data, p)[0]
        p += 1
    elif mod == 2 or base == "mem":
        if p + 4 + 4 > len(data):
            return None
        disp = struct.unpack_from("<i", data, p)[0]
        p += 4
    else:
        disp = 0
    if p + 4 > len(data):
        return None
    imm = struct.unpack_from("<I", data, p)[0]
    if base == "mem" and bits == 64:
        disp = rva + p + 4 + disp  # RIP-relative: make it an absolute RVA so stores can be compared
    return _Store(i, base, disp, imm)


def _stores(data: bytes, start: int, end: int, rva: int, bits: int) -> list[_Store]:
    found = []
    i = data.find(b"\xC7", start, end)
    while i != -1:
        store = _decode_store(data, i, rva, bits)
        if store is not None:
            found.append(store)
        i = data.find(b"\xC7", i + 1, end)
    return found


def _call_sites(section: CodeSection, bits: int, image_base: int, slot_rvas: list[int]) -> list[int]:
    """Offsets (in section.data) of `call [slot]` for any of the IAT slots."""
    data = section.data
    sites: list[int] = []
    if bits == 32:
        for slot in slot_rvas:
            needle = b"\xFF\x15" + struct.pack("<I", (image_base + slot) & 0xFFFFFFFF)
            i = data.find(needle)
            while i != -1:
                sites.append(i)
                i = data.find(needle, i + 1)
        return sorted(sites)
    wanted = set(slot_rvas)
    i = data.find(b"\xFF\x15")
    while i != -1 and i + 6 <= len(data):
        rel = struct.unpack_from("<i", data, i + 2)[0]
        if section.rva + i + 6 + rel in wanted:
            sites.append(i)
        i = data.find(b"\xFF\x15", i + 1)
    return sites


def scan_init_data(sections: list[CodeSection], bits: int, image_base: int,
                   slot_rvas: list[int]) -> list[InitDataHint]:
    """Init-data sizes stored shortly before calls to StorPortInitialize (see the module docstring)."""
    sizes = INIT_DATA_SIZES.get(bits)
    if not sizes or not slot_rvas:
        return []
    hints: list[InitDataHint] = []
    budget = MAX_CODE_SCANNED
    for section in sections:
        if budget <= 0:
            break
        data = section.data[:budget]
        budget -= len(data)
        scoped = CodeSection(section.rva, section.file_offset, data)
        for call in _call_sites(scoped, bits, image_base, slot_rvas):
            stores = _stores(data, max(0, call - WINDOW), call, section.rva, bits)
            by_place = {(s.base, s.disp): s.imm for s in stores}
            # The store nearest the call wins when the window holds more than one candidate.
            for store in reversed(stores):
                if store.imm not in sizes:
                    continue
                structure = sizes[store.imm]
                feature = None
                if structure == WIN8_STRUCT:
                    feature = by_place.get((store.base, store.disp + FEATURE_SUPPORT_OFFSET[bits]))
                hints.append(InitDataHint(
                    size=store.imm,
                    structure=structure,
                    interface_type=by_place.get((store.base, store.disp + 4)),
                    feature_support=feature,
                    call_offset=section.file_offset + call,
                ))
                break
    return hints


def hint_is_virtual(hint: InitDataHint) -> bool:
    if hint.structure == VIRTUAL_STRUCT:
        return True
    return hint.feature_support is not None and bool(hint.feature_support & STOR_FEATURE_VIRTUAL_MINIPORT)
