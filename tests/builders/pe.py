"""A small PE writer for test fixtures and demo evidence: 32- and 64-bit kernel driver images with a
real import table, an optional version resource, an optional Authenticode-shaped security blob (not a
real signature) and optional code bytes.

Section order is .rdata (imports) → .text → .rsrc, so the import address table is laid out before the
code: a `code` callable receives a CodeContext and can emit calls through real IAT slots (used to
test the StorPortInitialize heuristic).

    build_driver(path, bits=64, imports={"storport.sys": ["StorPortInitialize"]},
                 version="6.1.7600.16385", company="Microsoft Corporation",
                 description="Disk dump driver", original_filename="diskdump.sys")
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SECTION_ALIGN = 0x1000
FILE_ALIGN = 0x200
HEADERS_SIZE = 0x400
IMAGE_BASE = {32: 0x10000, 64: 0x1_4000_0000}
MACHINE = {32: 0x14C, 64: 0x8664}


@dataclass(frozen=True)
class CodeContext:
    """What a code generator needs to call an imported function through its IAT slot."""

    bits: int
    image_base: int
    text_rva: int
    iat_rva: Mapping[tuple[str, str], int]  # (dll lower-case, function) -> RVA of the IAT slot

    def slot(self, dll: str, function: str) -> int:
        return self.iat_rva[(dll.lower(), function)]


@dataclass(frozen=True)
class GeneratedCode:
    """Code plus what a linker would record about it: function bounds (offsets into .text, written to
    the x64 exception directory like MSVC's .pdata) and the entry point offset."""

    data: bytes
    functions: Sequence[tuple[int, int]] = ()
    entry: int = 0


CodeSpec = bytes | Callable[[CodeContext], bytes] | Callable[[CodeContext], GeneratedCode]


def _align(value: int, to: int) -> int:
    return (value + to - 1) // to * to


def _pad4(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


# ---- imports -----------------------------------------------------------------------------------

def _build_imports(rva: int, imports: Mapping[str, Sequence[str]], bits: int
                   ) -> tuple[bytes, dict[tuple[str, str], int], tuple[int, int], tuple[int, int]]:
    """Return (section bytes, IAT slot RVAs, import dir (rva, size), IAT dir (rva, size))."""
    ptr = 8 if bits == 64 else 4
    dlls = list(imports.items())
    iat_size = sum((len(funcs) + 1) * ptr for _, funcs in dlls)
    desc_off = iat_size
    desc_size = (len(dlls) + 1) * 20
    ilt_off = desc_off + desc_size
    names_off = ilt_off + iat_size

    names = bytearray()
    name_rva: dict[tuple[str, str], int] = {}
    dll_name_rva: dict[str, int] = {}
    for dll, funcs in dlls:
        for fn in funcs:
            name_rva[(dll, fn)] = rva + names_off + len(names)
            names += struct.pack("<H", 0) + fn.encode("ascii") + b"\0"
            if len(names) % 2:
                names += b"\0"
        dll_name_rva[dll] = rva + names_off + len(names)
        names += dll.encode("ascii") + b"\0"
        if len(names) % 2:
            names += b"\0"

    thunk_fmt = "<Q" if bits == 64 else "<I"
    iat = bytearray()
    ilt = bytearray()
    descs = bytearray()
    slots: dict[tuple[str, str], int] = {}
    for dll, funcs in dlls:
        iat_start = len(iat)
        for fn in funcs:
            slots[(dll.lower(), fn)] = rva + len(iat)
            iat += struct.pack(thunk_fmt, name_rva[(dll, fn)])
            ilt += struct.pack(thunk_fmt, name_rva[(dll, fn)])
        iat += b"\0" * ptr
        ilt += b"\0" * ptr
        descs += struct.pack("<IIIII", rva + ilt_off + iat_start, 0, 0, dll_name_rva[dll], rva + iat_start)
    descs += b"\0" * 20
    data = bytes(iat) + bytes(descs) + bytes(ilt) + bytes(names)
    return data, slots, (rva + desc_off, desc_size), (rva, iat_size)


# ---- version resource ----------------------------------------------------------------------------

def _node(key: str, value: bytes, value_length: int, vtype: int, children: Sequence[bytes] = ()) -> bytes:
    """One VS_VERSIONINFO-style block: header, key, padding, value, padding, children."""
    body = struct.pack("<HHH", 0, value_length, vtype) + (key + "\0").encode("utf-16-le")
    body = _pad4(body) + value
    for child in children:
        body = _pad4(body) + child
    return struct.pack("<H", len(body)) + body[2:]


def _version_parts(text: str) -> tuple[int, int, int, int]:
    parts = [int(p) for p in text.split(".")]
    parts += [0] * (4 - len(parts))
    return parts[0], parts[1], parts[2], parts[3]


def version_info_blob(version: str, product_version: str, strings: Mapping[str, str]) -> bytes:
    """A VS_VERSIONINFO with VS_FIXEDFILEINFO and one StringTable (040904B0)."""
    fa, fb, fc, fd = _version_parts(version)
    pa, pb, pc, pd = _version_parts(product_version)
    fixed = struct.pack(
        "<13I", 0xFEEF04BD, 0x00010000, (fa << 16) | fb, (fc << 16) | fd, (pa << 16) | pb,
        (pc << 16) | pd, 0x3F, 0, 0x40004, 3, 7, 0, 0,
    )
    string_nodes = [
        _node(k, (v + "\0").encode("utf-16-le"), len(v) + 1, 1) for k, v in strings.items()
    ]
    table = _node("040904B0", b"", 0, 1, string_nodes)
    sfi = _node("StringFileInfo", b"", 0, 1, [table])
    var = _node("Translation", struct.pack("<HH", 0x0409, 0x04B0), 4, 0)
    vfi = _node("VarFileInfo", b"", 0, 1, [var])
    return _node("VS_VERSION_INFO", fixed, len(fixed), 0, [sfi, vfi])


def _build_resources(rva: int, blob: bytes) -> bytes:
    """Resource tree RT_VERSION(16) / 1 / 0x409 → the version blob."""
    def directory(entry_id: int, target: int, is_dir: bool) -> bytes:
        head = struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1)
        return head + struct.pack("<II", entry_id, target | (0x80000000 if is_dir else 0))

    root = directory(16, 0x18, True)
    names = directory(1, 0x30, True)
    langs = directory(0x409, 0x48, False)
    data_entry = struct.pack("<IIII", rva + 0x58, len(blob), 0, 0)
    out = root + names + langs + data_entry
    assert len(out) == 0x58
    return out + blob


# ---- code for the StorPortInitialize heuristic -----------------------------------------------------

def storport_init_call(init_data_size: int, interface_type: int | None = None,
                       feature_support: int | None = None) -> Callable[[CodeContext], bytes]:
    """Code that fills an init-data structure on the stack (HwInitializationDataSize, optionally
    AdapterInterfaceType and FeatureSupport) and calls StorPortInitialize through its IAT slot,
    the way a compiler lays out a miniport's DriverEntry."""

    def emit(ctx: CodeContext) -> bytes:
        slot = ctx.slot("storport.sys", "StorPortInitialize")
        imm = struct.Struct("<I").pack
        if ctx.bits == 64:
            code = bytearray(b"\x48\x81\xEC\x08\x01\x00\x00")  # sub rsp, 108h
            code += b"\xC7\x44\x24\x40" + imm(init_data_size)  # mov dword [rsp+40h], size
            if interface_type is not None:
                code += b"\xC7\x44\x24\x44" + imm(interface_type)
            if feature_support is not None:
                code += b"\xC7\x84\x24" + imm(0x40 + 0xB8) + imm(feature_support)
            code += b"\x4C\x8D\x44\x24\x40\x45\x33\xC9"  # lea r8, [rsp+40h]; xor r9d, r9d
            call_at = ctx.text_rva + len(code)
            code += b"\xFF\x15" + struct.pack("<i", slot - (call_at + 6))
            code += b"\x48\x81\xC4\x08\x01\x00\x00\xC3"
        else:
            code = bytearray(b"\x55\x8B\xEC\x81\xEC\x00\x01\x00\x00")  # push ebp; mov ebp,esp; sub esp
            code += b"\xC7\x45\x80" + imm(init_data_size)  # mov dword [ebp-80h], size
            if interface_type is not None:
                code += b"\xC7\x45\x84" + imm(interface_type)
            if feature_support is not None:
                code += b"\xC7\x45\xEC" + imm(feature_support)  # [ebp-80h+6Ch]
            code += b"\x8D\x45\x80\x6A\x00\x50\xFF\x75\x0C\xFF\x75\x08"
            code += b"\xFF\x15" + imm(ctx.image_base + slot)
            code += b"\xC9\xC2\x08\x00"
        return bytes(code)

    return emit


# ---- DriverEntry shaped like compiler output ------------------------------------------------------

# Layout facts (storport.h; see core/drivers/init_data_scan.py for the sources): sizes and offsets. Kept
# here on purpose rather than imported from core.drivers.init_data: fixtures built from the table under
# test could not catch a wrong entry in it (tests/core/drivers/test_compiled_drivers.py checks the x64
# values a third way, from a C structure laid out by a real compiler).
INIT_SIZE = {("legacy", 32): 0x54, ("legacy", 64): 0x88, ("virtual", 32): 0x68, ("virtual", 64): 0xB0,
             ("win8", 32): 0x80, ("win8", 64): 0xD0}
FEATURE_OFFSET = {32: 0x6C, 64: 0xB8}
DEVICE_EXTENSION_OFFSET = {32: 0x24, 64: 0x40}
BOOLEANS_OFFSET = {32: 0x38, 64: 0x58}
CALLBACK_OFFSETS = {32: (0x08, 0x0C, 0x10, 0x14, 0x18), 64: (0x08, 0x10, 0x18, 0x20, 0x28)}


@dataclass(frozen=True)
class EntryShape:
    """How DriverEntry fills the init data and calls StorPortInitialize.

    structure: "virtual" (VIRTUAL_HW_INITIALIZATION_DATA), "legacy" (HW_INITIALIZATION_DATA before
        Windows 8) or "win8" (HW_INITIALIZATION_DATA with FeatureSupport)
    feature: FeatureSupport value for "win8" (0x29 = virtual | dump pointers | dump resume capable)
    feature_store: "or" (into the zeroed structure, as real drivers do) or "mov"
    call: "direct" (call [IAT]), "thunk" (call rel32 to a jmp [IAT] stub) or "register" (mov reg, [IAT])
    zero: "rep-stos", "memset" (imported from ntoskrnl.exe), "xmm" (xorps + movups) or "none"
    fill: "frame" ([rsp+d] / [rbp+d] / [ebp-d]) or "register" (a register holds the structure's address)
    frame: x64 only: "rsp" or "rbp" (lea rbp, [rsp-...] frames)
    constants_in_registers: load the size into eax first, then store eax
    rex_call: x64 direct call as `48 FF 15` + 5-byte nop, as newer compilers emit
    """

    structure: str = "virtual"
    interface_type: int = 0
    feature: int | None = None
    feature_store: str = "or"
    call: str = "direct"
    zero: str = "rep-stos"
    fill: str = "frame"
    frame: str = "rsp"
    constants_in_registers: bool = False
    rex_call: bool = False
    filler: int = 0  # bytes of other (pseudo-random) code before DriverEntry: a driver-sized image


MINIPORT_IMPORTS = {
    "storport.sys": ["StorPortInitialize", "StorPortNotification", "StorPortGetDeviceBase",
                     "StorPortLogError"],
    "ntoskrnl.exe": ["memset", "KeInitializeSpinLock", "ExAllocatePoolWithTag", "IoCreateDevice"],
}


def miniport_entry(shape: EntryShape) -> Callable[[CodeContext], GeneratedCode]:
    """A miniport image's code: import thunks, a couple of callbacks and DriverEntry, the way MSVC lays
    them out (functions 16-byte aligned, int3 padding, .pdata bounds on x64)."""
    from tests.builders.x86asm import Asm  # local: only fixtures need the encoder

    def emit(ctx: CodeContext) -> GeneratedCode:
        bits = ctx.bits
        a = Asm(bits, ctx.text_rva, ctx.image_base)
        functions: list[tuple[int, int]] = []
        init_slot = ctx.slot("storport.sys", "StorPortInitialize")
        thunk = 0
        if shape.call == "thunk":
            thunk = a.here
            a.jmp_iat(init_slot)
            a.pad()
        callbacks = []
        for _ in range(3):  # HwStartIo / HwFindAdapter / HwResetBus stand-ins
            start = a.here
            callbacks.append(start)
            a.xor_self("eax").raw(b"\xB0\x01").ret()
            functions.append((start - ctx.text_rva, a.here - ctx.text_rva))
            a.pad()
        if shape.filler:
            start = a.here
            a.raw(random.Random(shape.filler).randbytes(shape.filler)).ret()
            functions.append((start - ctx.text_rva, a.here - ctx.text_rva))
            a.pad()
        entry = a.here
        size = INIT_SIZE[(shape.structure, bits)]
        if bits == 64:
            _entry64(a, ctx, shape, size, init_slot, thunk, callbacks)
        else:
            _entry32(a, ctx, shape, size, init_slot, thunk, callbacks)
        functions.append((entry - ctx.text_rva, a.here - ctx.text_rva))
        a.pad()
        return GeneratedCode(bytes(a.code), functions, entry - ctx.text_rva)

    return emit


def _zero(a: Any, ctx: CodeContext, shape: EntryShape, base: str, disp: int, size: int) -> None:
    bits = ctx.bits
    if shape.zero == "rep-stos":
        a.xor_self("eax").lea("rdi" if bits == 64 else "edi", base, disp)
        if bits == 64:
            a.mov_reg_imm("ecx", size).rep_stos(1)
        else:
            a.mov_reg_imm("ecx", size // 4).rep_stos(4)
    elif shape.zero == "memset":
        memset = ctx.slot("ntoskrnl.exe", "memset")
        if bits == 64:
            # MSVC's idiom: the size as `lea r8d, [rdx+size]` once edx is zero
            a.lea("rcx", base, disp).xor_self("edx").lea32("r8d", "rdx", size).call_iat(memset)
        else:
            a.push_imm(size).push_imm(0).lea("eax", base, disp).push("eax").call_iat(memset).add_sp(12)
    elif shape.zero == "xmm":
        a.xorps_xmm0()
        for off in range(0, size, 16):
            a.movups_mem_xmm0(base, disp + off)


def _fill(a: Any, ctx: CodeContext, shape: EntryShape, base: str, disp: int, size: int,
          callbacks: list[int]) -> None:
    bits = ctx.bits
    if shape.constants_in_registers:
        a.mov_reg_imm("eax", size).mov_mem_reg(base, disp, "eax")
    else:
        a.mov_mem_imm(base, disp, size)
    a.mov_mem_imm(base, disp + 4, shape.interface_type)
    for off, target in zip(CALLBACK_OFFSETS[bits], callbacks, strict=False):
        if bits == 64:
            a.lea_rip("rax", target).mov_mem_reg(base, disp + off, "rax", 8)
        else:
            a.mov_mem_imm(base, disp + off, ctx.image_base + target)
    a.mov_mem_imm(base, disp + DEVICE_EXTENSION_OFFSET[bits], 0x180)
    for i in range(1, 5):  # NeedPhysicalAddresses, TaggedQueuing, AutoRequestSense, MultipleRequestPerLu
        a.mov_mem_imm(base, disp + BOOLEANS_OFFSET[bits] + i, 1, size=1)
    if shape.structure == "win8" and shape.feature is not None:
        if shape.feature_store == "or" and shape.constants_in_registers:
            a.mov_reg_imm("ecx", shape.feature).or_mem_reg(base, disp + FEATURE_OFFSET[bits], "ecx")
        elif shape.feature_store == "or":
            a.or_mem_imm(base, disp + FEATURE_OFFSET[bits], shape.feature)
        else:
            a.mov_mem_imm(base, disp + FEATURE_OFFSET[bits], shape.feature)


def _call(a: Any, ctx: CodeContext, shape: EntryShape, init_slot: int, thunk: int) -> None:
    if shape.call == "thunk":
        a.call_rel(thunk)
    elif shape.call == "register":
        reg = "rax" if ctx.bits == 64 else "ebx"
        a.call_reg(reg)
    else:
        a.call_iat(init_slot, rex_w=shape.rex_call)
        if shape.rex_call:
            a.raw(b"\x0F\x1F\x44\x00\x00")


def _entry64(a: Any, ctx: CodeContext, shape: EntryShape, size: int, init_slot: int, thunk: int,
             callbacks: list[int]) -> None:
    a.push("rbx").push("rsi").push("rdi")
    if shape.frame == "rbp":
        a.push("rbp").lea("rbp", "rsp", -0x40).sub_sp(0x140)
        base, disp = "rbp", -0xE0
    else:
        a.sub_sp(0x120)
        base, disp = "rsp", 0x40
    a.mov_reg_reg("rbx", "rcx").mov_reg_reg("rsi", "rdx")
    _zero(a, ctx, shape, base, disp, size)
    if shape.fill == "register":
        a.lea("rdi", base, disp)
        _fill(a, ctx, shape, "rdi", 0, size, callbacks)
    else:
        _fill(a, ctx, shape, base, disp, size, callbacks)
    if shape.call == "register":
        a.mov_reg_iat("rax", init_slot)
    if shape.fill == "register":
        a.mov_reg_reg("r8", "rdi")
    else:
        a.lea("r8", base, disp)
    a.mov_reg_reg("rdx", "rsi").mov_reg_reg("rcx", "rbx").xor_self("r9d")
    _call(a, ctx, shape, init_slot, thunk)
    if shape.frame == "rbp":
        a.add_sp(0x140).pop("rbp")
    else:
        a.add_sp(0x120)
    a.pop("rdi").pop("rsi").pop("rbx").ret()


def _entry32(a: Any, ctx: CodeContext, shape: EntryShape, size: int, init_slot: int, thunk: int,
             callbacks: list[int]) -> None:
    a.raw(b"\x8B\xFF").push("ebp").mov_reg_reg("ebp", "esp").sub_sp(0x100)
    a.push("ebx").push("esi").push("edi")
    base, disp = "ebp", -0x90
    _zero(a, ctx, shape, base, disp, size)
    if shape.fill == "register":
        a.lea("esi", base, disp)
        _fill(a, ctx, shape, "esi", 0, size, callbacks)
    else:
        _fill(a, ctx, shape, base, disp, size, callbacks)
    if shape.call == "register":
        a.mov_reg_iat("ebx", init_slot)
    a.push_imm(0)
    if shape.fill == "register":
        a.push("esi")
    else:
        a.lea("eax", base, disp).push("eax")
    a.push_mem("ebp", 0x0C).push_mem("ebp", 0x08)
    _call(a, ctx, shape, init_slot, thunk)
    a.pop("edi").pop("esi").pop("ebx").leave().ret(8)


def port_entry(port_dll: str, function: str) -> Callable[[CodeContext], GeneratedCode]:
    """DriverEntry of a SCSIport / ATA port miniport: `return XxxPortInitialize(a1, a2, &init, 0)`."""
    from tests.builders.x86asm import Asm

    def emit(ctx: CodeContext) -> GeneratedCode:
        a = Asm(ctx.bits, ctx.text_rva, ctx.image_base)
        slot = ctx.slot(port_dll, function)
        if ctx.bits == 64:
            a.sub_sp(0xB8).mov_mem_imm("rsp", 0x20, 0x88).lea("r8", "rsp", 0x20).xor_self("r9d")
            a.call_iat(slot).add_sp(0xB8).ret()
        else:
            a.push("ebp").mov_reg_reg("ebp", "esp").sub_sp(0x60).mov_mem_imm("ebp", -0x58, 0x54)
            a.push_imm(0).lea("eax", "ebp", -0x58).push("eax").push_mem("ebp", 12).push_mem("ebp", 8)
            a.call_iat(slot).leave().ret(8)
        return GeneratedCode(bytes(a.code), [(0, len(a.code))])

    return emit


# ---- the image ---------------------------------------------------------------------------------------

def build_driver_bytes(
    *,
    bits: int = 64,
    imports: Mapping[str, Sequence[str]] | None = None,
    version: str | None = None,
    product_version: str | None = None,
    company: str | None = None,
    description: str | None = None,
    original_filename: str | None = None,
    signed: bool = False,
    code: CodeSpec = b"",
    timestamp: int = 0x4A5BC000,
    subsystem: int = 1,
    dll: bool = False,
) -> bytes:
    """subsystem 1 = native (kernel drivers); 2/3 = Windows GUI/console (user-mode programs)."""
    if bits not in (32, 64):
        raise ValueError("bits must be 32 or 64")
    image_base = IMAGE_BASE[bits]
    imports = dict(imports or {})
    sections: list[tuple[bytes, int, bytes, int]] = []  # (name, rva, data, characteristics)
    dirs: dict[int, tuple[int, int]] = {}
    rva = SECTION_ALIGN
    slots: dict[tuple[str, str], int] = {}
    if imports:
        data, slots, imp_dir, iat_dir = _build_imports(rva, imports, bits)
        sections.append((b".rdata", rva, data, 0x40000040))
        dirs[1], dirs[12] = imp_dir, iat_dir
        rva += _align(len(data), SECTION_ALIGN)
    text_rva = rva
    made = code(CodeContext(bits, image_base, text_rva, slots)) if callable(code) else code
    generated = made if isinstance(made, GeneratedCode) else GeneratedCode(made)
    body = generated.data or b"\xC3"  # a lone `ret` so the entry point lands on code
    sections.append((b".text", text_rva, body, 0x60000020))
    rva += _align(len(body), SECTION_ALIGN)
    if bits == 64 and generated.functions:
        # RUNTIME_FUNCTION {begin, end, unwind info} per function, then one shared minimal UNWIND_INFO
        # (version 1, no codes) that every entry points at.
        count = len(generated.functions)
        unwind_rva = rva + 12 * count
        pdata = b"".join(struct.pack("<III", text_rva + b, text_rva + e, unwind_rva)
                         for b, e in generated.functions) + b"\x01\x00\x00\x00"
        sections.append((b".pdata", rva, pdata, 0x40000040))
        dirs[3] = (rva, 12 * count)
        rva += _align(len(pdata), SECTION_ALIGN)
    if version is not None:
        strings = {
            k: v for k, v in (
                ("CompanyName", company), ("FileDescription", description),
                ("FileVersion", version), ("OriginalFilename", original_filename),
                ("ProductVersion", product_version or version),
            ) if v is not None
        }
        blob = version_info_blob(version, product_version or version, strings)
        rsrc = _build_resources(rva, blob)
        sections.append((b".rsrc", rva, rsrc, 0x40000040))
        dirs[2] = (rva, len(rsrc))
        rva += _align(len(rsrc), SECTION_ALIGN)
    size_of_image = rva

    raw = bytearray()
    offset = HEADERS_SIZE
    section_headers = bytearray()
    for name, srva, data, chars in sections:
        raw_size = _align(len(data), FILE_ALIGN)
        section_headers += struct.pack("<8sIIIIIIHHI", name, len(data), srva, raw_size, offset,
                                       0, 0, 0, 0, chars)
        raw += data + b"\0" * (raw_size - len(data))
        offset += raw_size

    cert = b""
    if signed:
        # WIN_CERTIFICATE header (revision 2.0, PKCS#7 signed data) around placeholder bytes: only its
        # presence is tested, never its validity.
        payload = b"0\x82" + b"NOT-A-REAL-SIGNATURE" * 8
        cert = struct.pack("<IHH", 8 + len(payload), 0x0200, 0x0002) + payload
        cert += b"\0" * (-len(cert) % 8)
        dirs[4] = (offset, len(cert))  # the security directory holds a file offset, not an RVA

    ptr_fmt = "Q" if bits == 64 else "I"
    size_of_code = _align(len(body), FILE_ALIGN)
    if bits == 64:
        opt = struct.pack("<HBBIIIII", 0x20B, 9, 0, size_of_code, 0, 0, text_rva + generated.entry, text_rva)
        opt += struct.pack("<Q", image_base)
    else:
        opt = struct.pack("<HBBIIIIII", 0x10B, 9, 0, size_of_code, 0, 0, text_rva + generated.entry,
                          text_rva, text_rva)
        opt += struct.pack("<I", image_base)
    opt += struct.pack("<IIHHHHHHIIIIHH", SECTION_ALIGN, FILE_ALIGN, 6, 1, 6, 1, 6, 1, 0,
                       size_of_image, HEADERS_SIZE, 0, subsystem, 0x0100)
    opt += struct.pack(f"<{ptr_fmt}{ptr_fmt}{ptr_fmt}{ptr_fmt}II", 0x40000, 0x1000, 0x100000, 0x1000, 0, 16)
    for index in range(16):
        opt += struct.pack("<II", *dirs.get(index, (0, 0)))

    characteristics = (0x0022 if bits == 64 else 0x0102) | (0x2000 if dll else 0)
    coff = struct.pack("<HHIIIHH", MACHINE[bits], len(sections), timestamp, 0, 0, len(opt), characteristics)
    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 0x80)
    header = bytes(dos) + b"PE\0\0" + coff + opt + bytes(section_headers)
    if len(header) > HEADERS_SIZE:
        raise ValueError("too many sections for the header area")
    header += b"\0" * (HEADERS_SIZE - len(header))
    return header + bytes(raw) + cert


def build_driver(
    path: str | Path,
    *,
    bits: int = 64,
    imports: Mapping[str, Sequence[str]] | None = None,
    version: str | None = None,
    product_version: str | None = None,
    company: str | None = None,
    description: str | None = None,
    original_filename: str | None = None,
    signed: bool = False,
    code: CodeSpec = b"",
    timestamp: int = 0x4A5BC000,
    subsystem: int = 1,
    dll: bool = False,
) -> Path:
    """Write a driver image to `path` (parent folders created) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_driver_bytes(
        bits=bits, imports=imports, version=version, product_version=product_version, company=company,
        description=description, original_filename=original_filename, signed=signed, code=code,
        timestamp=timestamp, subsystem=subsystem, dll=dll,
    ))
    return target
