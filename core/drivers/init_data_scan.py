"""Which init-data structure a Storport miniport passes to StorPortInitialize, read from its machine code.

How it works (only the functions that call StorPortInitialize are disassembled, with capstone):
  1. Find the calls. Real drivers call the import directly (`call qword [rip+IAT]`, x86 `call [IAT]`) or
     through a linker import thunk (`call rel32` to a `jmp qword [rip+IAT]` stub), or load the import into
     a register first (`mov rax, [rip+IAT]` ... `call rax`). Candidate call sites are found by decoding
     the few instruction forms that can reference the IAT slot, then confirmed by disassembly.
  2. Find the function that holds each call: the x64 exception directory (.pdata RUNTIME_FUNCTION
     entries) gives exact bounds; without it (x86) the nearest preceding prologue or inter-function
     padding is taken, and a start is accepted only when linear disassembly lands exactly on the call.
  3. Walk that function up to the call with a small value tracker: constants loaded into registers,
     registers holding stack or global addresses (`lea rbx, [rsp+40h]`, `mov ebp, esp`), push/sub
     stack accounting, structures zeroed by `rep stos`, memset or SSE stores and then filled field by
     field with `mov`, or `or`/`and` into a field. Memory is tracked byte by byte with a mask of the
     bits that are known, so `or dword [rbp+disp], 29h` into an un-zeroed structure still proves
     bit 0 is set.
  4. Read the third argument (the structure pointer: r8 on x64; on x86 the second value pushed, since
     stdcall pushes right to left) and report the structure's HwInitializationDataSize,
     AdapterInterfaceType and, for the Windows 8 layout, FeatureSupport.

Facts, each checked against public documentation:
  * StorPortInitialize(Argument1, Argument2, HwInitializationData, HwContext): the structure is the
    THIRD parameter (learn.microsoft.com, "StorPortInitialize function (storport.h)"), so on x64 it
    travels in r8 (rcx, rdx, r8, r9 calling convention) and on x86 (stdcall, pushed right to left) it is
    the second value pushed. Issue #13 says "rdx on x64"; the documentation says r8, and r8 is used.
  * Layouts (learn.microsoft.com "HW_INITIALIZATION_DATA (storport.h)" and
    "VIRTUAL_HW_INITIALIZATION_DATA structure (storport.h)"; natural alignment, ULONG/enum 4 bytes,
    pointers 4 or 8):
      HW_INITIALIZATION_DATA up to HwBuildIo (before Windows 8):  x86 0x54, x64 0x88
      VIRTUAL_HW_INITIALIZATION_DATA (+5 callbacks):               x86 0x68, x64 0xB0
      HW_INITIALIZATION_DATA, Windows 8 and later (+6 pointers, FeatureSupport, SrbTypeFlags,
      AddressTypeFlags, Reserved1, HwUnitControl):                 x86 0x80, x64 0xD0
      FeatureSupport offset:                                        x86 0x6C, x64 0xB8
  * STOR_FEATURE_VIRTUAL_MINIPORT = 0x00000001 (storport.h; e.g. the ReactOS/w32api storport.h lists the
    FeatureSupport flags: 0x1 virtual, 0x8 dump pointers, 0x20 dump resume capable, so the `or ..., 29h`
    seen in real virtual miniports sets the virtual bit).
  * AdapterInterfaceType 5 = PCIBus, 0 = Internal (INTERFACE_TYPE in wdm.h); the VIRTUAL_HW_INITIALIZATION
    _DATA page says virtual miniports almost always use Internal.
"""

from __future__ import annotations

import bisect
import re
import struct
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import capstone
from capstone import x86 as cx

from core.drivers.init_data import (  # noqa: F401 - re-exported: the facts live in one table
    FEATURE_SUPPORT_OFFSET,
    INIT_DATA_SIZES,
    LEGACY_STRUCT,
    PCI_BUS,
    STOR_FEATURE_VIRTUAL_MINIPORT,
    UNREAD_STRUCT,
    VIRTUAL_STRUCT,
    WIN8_STRUCT,
    hint_is_physical,
    hint_is_virtual,
)
from core.drivers.model import InitDataHint

MAX_CODE_SCANNED = 16 * 1024 * 1024  # bound the work on hostile or unusual images
MAX_FUNCTION = 0x4000  # a DriverEntry longer than this is not walked beyond its last 16 KB
MAX_CALLS = 16  # StorPortInitialize call sites examined per image
_BACK_WINDOW = 0x1000  # how far back a function start is looked for without .pdata
_ZERO_CALL_MAX = 0x1000  # a call(addr, 0, n) with n up to this is taken as memset
_CALLEE_REACH = 0x200  # bytes forgotten behind a pointer handed to another function (> any init data)

_FF_CALL_JMP = re.compile(rb"\xFF[\x15\x25]", re.DOTALL)
_MOV_RIP = re.compile(rb"\x8B[\x05\x0D\x15\x1D\x25\x2D\x35\x3D]", re.DOTALL)  # after a REX.W prefix
_E8 = re.compile(rb"\xE8", re.DOTALL)
_E9 = re.compile(rb"\xE9", re.DOTALL)


@dataclass(frozen=True)
class CodeSection:
    rva: int
    file_offset: int
    data: bytes


@dataclass(frozen=True)
class ImageCode:
    """What the scan needs from the image besides its code."""

    sections: list[CodeSection]
    bits: int
    image_base: int
    slot_rvas: list[int]  # IAT slots of storport.sys!StorPortInitialize
    functions: list[tuple[int, int]] = field(default_factory=list)  # sorted (begin, end) RVAs from .pdata
    other_imports: dict[int, str] = field(default_factory=dict)  # IAT slot RVA -> function name


@dataclass(frozen=True)
class _Addr:
    """A symbolic address: the function's entry stack pointer ("stack") or a global ("mem", VA)."""

    root: str
    off: int


Value = int | _Addr | None


@dataclass
class _CallSite:
    rva: int  # of the call instruction
    how: str  # "direct" | "thunk" | "register"


# ---- registers ----------------------------------------------------------------------------------

def _register_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for g in ("ax", "cx", "dx", "bx"):
        table.update({f"r{g}": (f"r{g}", 64), f"e{g}": (f"r{g}", 32), g: (f"r{g}", 16),
                      f"{g[0]}l": (f"r{g}", 8), f"{g[0]}h": (f"r{g}", 8)})
    for g in ("sp", "bp", "si", "di"):
        table.update({f"r{g}": (f"r{g}", 64), f"e{g}": (f"r{g}", 32), g: (f"r{g}", 16),
                      f"{g}l": (f"r{g}", 8)})
    for n in range(8, 16):
        table.update({f"r{n}": (f"r{n}", 64), f"r{n}d": (f"r{n}", 32), f"r{n}w": (f"r{n}", 16),
                      f"r{n}b": (f"r{n}", 8)})
    return table


_REGISTERS = _register_table()


def _canonical(name: str) -> tuple[str, int] | None:
    """('rax', bits) for any general register name (x86 registers share the x64 names); None otherwise."""
    return _REGISTERS.get(name)


_VOLATILE = {64: ("rax", "rcx", "rdx", "r8", "r9", "r10", "r11"), 32: ("rax", "rcx", "rdx")}


@cache
def _disassembler(bits: int) -> capstone.Cs:
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64 if bits == 64 else capstone.CS_MODE_32)
    md.detail = True
    md.skipdata = False
    return md


# ---- the value tracker --------------------------------------------------------------------------

class _State:
    def __init__(self, bits: int, image_base: int) -> None:
        self.bits = bits
        self.image_base = image_base
        self.regs: dict[str, Value] = {"rsp": _Addr("stack", 0)}
        self.xmm_zero: set[str] = set()
        self.mem: dict[tuple[str, int], tuple[int, int]] = {}  # byte -> (known mask, value)
        self.ptrs: dict[tuple[str, int], _Addr] = {}  # address values stored in memory

    # registers
    def get(self, name: str) -> Value:
        canon = _canonical(name)
        if canon is None:
            return None
        value = self.regs.get(canon[0])
        width = min(canon[1], self.bits)  # x86 code reads "rax" as eax
        if isinstance(value, int):
            return value & ((1 << width) - 1)
        return value if width == self.bits else None  # an address only through a full-width register

    def set(self, name: str, value: Value) -> None:
        canon = _canonical(name)
        if canon is None:
            if name.startswith(("xmm", "ymm")):
                self.xmm_zero.discard(name[1:])
            return
        reg, width = canon
        if width >= 32:
            if isinstance(value, int):
                value &= (1 << width) - 1  # 32-bit writes zero-extend
            elif width != self.bits:
                value = None  # a 32-bit copy of a 64-bit address is not an address
            self.regs[reg] = value
        else:
            self.regs[reg] = None

    # memory
    def address(self, insn: Any, op: Any) -> _Addr | None:
        mem = op.mem
        if mem.index != 0:
            return None
        if mem.base == 0:
            return _Addr("mem", mem.disp & 0xFFFFFFFF if self.bits == 32 else mem.disp)
        base_name = insn.reg_name(mem.base)
        if base_name == "rip":
            return _Addr("mem", self.image_base + insn.address + insn.size + mem.disp)
        base = self.get(base_name)
        if isinstance(base, _Addr):
            return _Addr(base.root, base.off + mem.disp)
        if isinstance(base, int):
            return _Addr("mem", base + mem.disp)
        return None

    def write(self, addr: _Addr | None, size: int, value: Value) -> None:
        if addr is None:
            return
        for i in range(size):
            self.ptrs.pop((addr.root, addr.off + i), None)
        if isinstance(value, int):
            for i in range(size):
                self.mem[(addr.root, addr.off + i)] = (0xFF, (value >> (8 * i)) & 0xFF)
            return
        for i in range(size):
            self.mem.pop((addr.root, addr.off + i), None)
        if isinstance(value, _Addr):
            self.ptrs[(addr.root, addr.off)] = value

    def combine(self, addr: _Addr | None, size: int, imm: int, op: str) -> None:
        """`or`/`and` of a constant into memory: the bits the constant decides become known."""
        if addr is None:
            return
        for i in range(size):
            key = (addr.root, addr.off + i)
            self.ptrs.pop(key, None)
            mask, val = self.mem.get(key, (0, 0))
            b = (imm >> (8 * i)) & 0xFF
            if op == "or":
                self.mem[key] = (mask | b, (val | b) & 0xFF)
            else:
                self.mem[key] = ((mask | (~b & 0xFF)) & 0xFF, val & b)

    def read(self, addr: _Addr, size: int) -> tuple[int, int]:
        mask = val = 0
        for i in range(size):
            m, v = self.mem.get((addr.root, addr.off + i), (0, 0))
            mask |= m << (8 * i)
            val |= (v & m) << (8 * i)
        return mask, val

    def pointer_at(self, addr: _Addr) -> Value:
        if (addr.root, addr.off) in self.ptrs:
            return self.ptrs[(addr.root, addr.off)]
        mask, val = self.read(addr, self.bits // 8)
        return val if mask == (1 << self.bits) - 1 else None


def _operand_value(state: _State, insn: Any, op: Any) -> Value:
    if op.type == cx.X86_OP_IMM:
        return int(op.imm) & ((1 << (8 * op.size)) - 1 if op.size else -1)
    if op.type == cx.X86_OP_REG:
        return state.get(insn.reg_name(op.reg))
    if op.type == cx.X86_OP_MEM:
        addr = state.address(insn, op)
        if addr is None:
            return None
        if op.size == state.bits // 8:
            return state.pointer_at(addr)
        mask, val = state.read(addr, op.size)
        return val if mask == (1 << (8 * op.size)) - 1 else None
    return None


def _arith(a: Value, b: Value, mnemonic: str) -> Value:
    if isinstance(a, _Addr) and isinstance(b, int):
        if mnemonic == "add":
            return _Addr(a.root, a.off + b)
        if mnemonic == "sub":
            return _Addr(a.root, a.off - b)
        return None
    if not (isinstance(a, int) and isinstance(b, int)):
        return None
    ops = {"add": a + b, "sub": a - b, "or": a | b, "and": a & b, "xor": a ^ b,
           "shl": a << (b & 63), "shr": a >> (b & 63)}
    return ops.get(mnemonic)


def _zero_fill(state: _State, addr: Value, count: Value, fill: Value) -> None:
    if isinstance(addr, _Addr) and isinstance(count, int) and 0 < count <= _ZERO_CALL_MAX:
        byte = fill & 0xFF if isinstance(fill, int) else None
        state.write(addr, count, int.from_bytes(bytes([byte]) * count, "little") if byte is not None
                    else None)


# ---- walking one function -----------------------------------------------------------------------

class _Walker:
    def __init__(self, image: ImageCode) -> None:
        self.image = image
        self.bits = image.bits
        self.slots = set(image.slot_rvas)
        self.md = _disassembler(image.bits)

    def _is_target(self, state: _State, insn: Any, thunks: set[int]) -> str | None:
        """How this call reaches StorPortInitialize, or None."""
        op = insn.operands[0] if insn.operands else None
        if op is None:
            return None
        if op.type == cx.X86_OP_IMM:
            return "thunk" if int(op.imm) in thunks else None
        if op.type == cx.X86_OP_MEM:
            addr = state.address(insn, op)
            if addr is not None and addr.root == "mem" and addr.off - self.image.image_base in self.slots:
                return "direct"
            return None
        if op.type == cx.X86_OP_REG:
            value = state.get(insn.reg_name(op.reg))
            return "register" if isinstance(value, _Addr) and value.root == "iat" else None
        return None

    def _call_args(self, state: _State) -> list[Value]:
        if self.bits == 64:
            return [state.get(r) for r in ("rcx", "rdx", "r8", "r9")]
        sp = state.regs.get("rsp")
        if not isinstance(sp, _Addr):
            return [None] * 4
        return [state.pointer_at(_Addr(sp.root, sp.off + 4 * i)) for i in range(4)]

    def _other_call(self, state: _State, insn: Any) -> None:
        args = self._call_args(state)
        name = None
        op = insn.operands[0] if insn.operands else None
        if op is not None and op.type == cx.X86_OP_MEM:
            addr = state.address(insn, op)
            if addr is not None and addr.root == "mem":
                name = self.image.other_imports.get(addr.off - self.image.image_base)
        # memset(p, 0, n) / RtlZeroMemory → a zeroed structure; a local helper with the same shape is
        # almost always the statically linked memset.
        if name in (None, "memset") and args[1] == 0 and isinstance(args[2], int):
            _zero_fill(state, args[0], args[2], 0)
        else:
            # A callee given a pointer may fill what it points to (a FillInitData(&init) helper): what was
            # known there is forgotten, so a flag set by the helper is never read as "clear".
            for arg in args:
                if isinstance(arg, _Addr) and arg.root != "iat":
                    state.write(arg, _CALLEE_REACH, None)
        for reg in _VOLATILE[self.bits]:
            state.regs[reg] = None
        state.xmm_zero.clear()
        # x86: the stack pointer is left where the pushes put it. A stdcall callee pops its own
        # arguments, which is not visible here; the structures sit in ebp-based frames in compiler
        # output for drivers (built without frame-pointer omission), so the drift does not matter, and a
        # cdecl caller's `add esp, n` is applied as written.

    def walk(self, start: int, end: int, call_rva: int, thunks: set[int]) -> tuple[_State, Any] | None:
        """Walk [start, call]; return the state at the call and the call instruction, or None when
        linear disassembly from `start` does not land on the call."""
        section = _section_of(self.image.sections, start)
        if section is None:
            return None
        lo = start - section.rva
        hi = min(call_rva + 16, section.rva + len(section.data)) - section.rva
        state = _State(self.bits, self.image.image_base)
        for insn in self.md.disasm(section.data[lo:hi], start):
            if insn.address == call_rva:
                return state, insn
            if insn.address > call_rva:
                return None
            self._step(state, insn, thunks)
        return None

    def _step(self, state: _State, insn: Any, thunks: set[int]) -> None:
        m = insn.mnemonic
        ops = insn.operands
        if m == "push" and ops:
            value = _operand_value(state, insn, ops[0])
            sp = state.regs.get("rsp")
            width = self.bits // 8
            if isinstance(sp, _Addr):
                sp = _Addr(sp.root, sp.off - width)
                state.regs["rsp"] = sp
                state.write(sp, width, value)
            return
        if m == "pop" and ops:
            sp = state.regs.get("rsp")
            value = state.pointer_at(sp) if isinstance(sp, _Addr) else None
            if isinstance(sp, _Addr):
                state.regs["rsp"] = _Addr(sp.root, sp.off + self.bits // 8)
            if ops[0].type == cx.X86_OP_REG:
                state.set(insn.reg_name(ops[0].reg), value)
            return
        if m == "call":
            self._other_call(state, insn)
            return
        if m.startswith("rep") and "stos" in m:
            width = {"b": 1, "w": 2, "d": 4, "q": 8}.get(m[-1], 1)
            count = state.get("rcx")
            dest = state.get("rdi")
            fill = state.get("rax")
            if isinstance(count, int) and isinstance(fill, int):
                pattern = fill & ((1 << (8 * width)) - 1)
                if pattern in (0, (1 << (8 * width)) - 1) or width == 1:
                    _zero_fill(state, dest, count * width, pattern & 0xFF)
            state.set("rcx", 0)
            state.set("rdi", None)
            return
        if len(ops) == 3 and m in ("vxorps", "vpxor", "vxorpd") \
                and all(o.type == cx.X86_OP_REG for o in ops) and ops[1].reg == ops[2].reg:
            state.xmm_zero.add(insn.reg_name(ops[0].reg)[1:])  # AVX zeroing idiom
            return
        if len(ops) == 2:
            dst, src = ops
            if m in ("xorps", "pxor", "vxorps", "vpxor", "xorpd") and src.type == cx.X86_OP_REG \
                    and dst.type == cx.X86_OP_REG and insn.reg_name(dst.reg) == insn.reg_name(src.reg):
                state.xmm_zero.add(insn.reg_name(dst.reg)[1:])
                return
            if dst.type == cx.X86_OP_MEM and src.type == cx.X86_OP_REG \
                    and insn.reg_name(src.reg).startswith(("xmm", "ymm")):
                zero = insn.reg_name(src.reg)[1:] in state.xmm_zero
                state.write(state.address(insn, dst), dst.size, 0 if zero else None)
                return
            if m == "lea" and dst.type == cx.X86_OP_REG:
                # lea is arithmetic too: MSVC loads memset's size as `lea r8d, [rdx+0D0h]` with edx = 0
                addr = state.address(insn, src)
                base_is_const = src.mem.base != 0 and isinstance(state.get(insn.reg_name(src.mem.base)), int)
                loaded: Value = addr.off if addr is not None and base_is_const else addr
                state.set(insn.reg_name(dst.reg), loaded)
                return
            if m in ("mov", "movabs") and dst.type == cx.X86_OP_REG:
                value = _operand_value(state, insn, src)
                if src.type == cx.X86_OP_MEM:
                    addr = state.address(insn, src)
                    if addr is not None and addr.root == "mem" \
                            and addr.off - self.image.image_base in self.slots:
                        value = _Addr("iat", 0)  # the import itself, loaded for `call reg`
                state.set(insn.reg_name(dst.reg), value)
                return
            if m in ("mov", "movabs") and dst.type == cx.X86_OP_MEM:
                state.write(state.address(insn, dst), dst.size, _operand_value(state, insn, src))
                return
            if m in ("or", "and") and dst.type == cx.X86_OP_MEM:
                value = _operand_value(state, insn, src)
                addr = state.address(insn, dst)
                if isinstance(value, int):
                    state.combine(addr, dst.size, value, m)
                else:
                    state.write(addr, dst.size, None)
                return
            if m in ("xor", "sub") and dst.type == cx.X86_OP_REG and src.type == cx.X86_OP_REG \
                    and dst.reg == src.reg:
                state.set(insn.reg_name(dst.reg), 0)
                return
            if m in ("add", "sub", "or", "and", "xor", "shl", "shr") and dst.type == cx.X86_OP_REG:
                name = insn.reg_name(dst.reg)
                state.set(name, _arith(state.get(name), _operand_value(state, insn, src), m))
                return
        self._clobber(state, insn)

    def _clobber(self, state: _State, insn: Any) -> None:
        """Anything not understood: forget the registers and memory it writes."""
        try:
            _read, written = insn.regs_access()
        except capstone.CsError:
            written = []
        for reg in written:
            name = insn.reg_name(reg)
            if name not in ("rflags", "eflags", "rip", "eip"):
                state.set(name, None)
        for op in insn.operands:
            if op.type == cx.X86_OP_MEM and op.access & capstone.CS_AC_WRITE:
                state.write(state.address(insn, op), max(op.size, 1), None)


# ---- finding calls and functions ----------------------------------------------------------------

def _section_of(sections: list[CodeSection], rva: int) -> CodeSection | None:
    for s in sections:
        if s.rva <= rva < s.rva + len(s.data):
            return s
    return None


def _find_all(data: bytes, needle: bytes) -> list[int]:
    out = []
    i = data.find(needle)
    while i != -1:
        out.append(i)
        i = data.find(needle, i + 1)
    return out


def _slot_refs32(image: ImageCode, s: CodeSection) -> tuple[list[int], list[int], list[int]]:
    """x86: (call [IAT], jmp [IAT], mov reg, [IAT]) offsets; the absolute slot address makes exact needles."""
    calls: list[int] = []
    jumps: list[int] = []
    loads: list[int] = []
    for slot in image.slot_rvas:
        absolute = struct.pack("<I", (image.image_base + slot) & 0xFFFFFFFF)
        calls += _find_all(s.data, b"\xFF\x15" + absolute)
        jumps += _find_all(s.data, b"\xFF\x25" + absolute)
        loads += _find_all(s.data, b"\xA1" + absolute)
        for modrm in (0x05, 0x0D, 0x15, 0x1D, 0x2D, 0x35, 0x3D):
            loads += _find_all(s.data, bytes([0x8B, modrm]) + absolute)
    return calls, jumps, loads


def _slot_refs64(image: ImageCode, s: CodeSection,
                 want_loads: bool) -> tuple[list[int], list[int], list[int]]:
    """x64: the same, for rip-relative operands (the displacement depends on where the instruction is)."""
    slots = set(image.slot_rvas)
    data = s.data
    calls: list[int] = []
    jumps: list[int] = []
    loads: list[int] = []
    for match in _FF_CALL_JMP.finditer(data):
        i = match.start()
        if i + 6 <= len(data) and s.rva + i + 6 + struct.unpack_from("<i", data, i + 2)[0] in slots:
            start = i - 1 if i > 0 and data[i - 1] == 0x48 else i  # REX.W-prefixed forms
            (calls if data[i + 1] == 0x15 else jumps).append(start)
    if want_loads:
        for match in _MOV_RIP.finditer(data):
            i = match.start()
            if i == 0 or data[i - 1] not in (0x48, 0x4C) or i + 6 > len(data):
                continue
            if s.rva + i + 6 + struct.unpack_from("<i", data, i + 2)[0] in slots:
                loads.append(i - 1)
    return calls, jumps, loads


def _find_calls(image: ImageCode) -> tuple[list[_CallSite], set[int]]:
    """Call sites of StorPortInitialize (direct, through thunks, through a register) and thunk RVAs.
    The register form (`mov reg, [IAT]` ... `call reg`) is looked for only when neither of the common
    forms is there, which keeps the search to one pass over the code for almost every driver."""
    calls: list[_CallSite] = []
    thunks: set[int] = set()

    def refs(want_loads: bool) -> list[tuple[CodeSection, list[int], list[int], list[int]]]:
        out = []
        for s in image.sections:
            found = _slot_refs32(image, s) if image.bits == 32 else _slot_refs64(image, s, want_loads)
            out.append((s, *found))
        return out

    by_section = refs(image.bits == 32)
    for s, direct, jumps, _loads in by_section:
        calls += [_CallSite(s.rva + i, "direct") for i in direct]
        thunks.update(s.rva + i for i in jumps)
    if thunks:
        # Incrementally linked images reach the stub through one more `jmp rel32` (the ILT): those count
        # as thunks too.
        for s in image.sections:
            data = s.data
            for match in _E9.finditer(data):
                i = match.start()
                if i + 5 <= len(data) and s.rva + i + 5 + struct.unpack_from("<i", data, i + 1)[0] in thunks:
                    thunks.add(s.rva + i)
        for s in image.sections:
            data = s.data
            for match in _E8.finditer(data):
                i = match.start()
                if i + 5 <= len(data) and s.rva + i + 5 + struct.unpack_from("<i", data, i + 1)[0] in thunks:
                    calls.append(_CallSite(s.rva + i, "thunk"))
    if not calls:
        if image.bits == 64:
            by_section = refs(True)
        # The walker finds the `call reg` itself; the load's position stands in for it here.
        for s, _direct, _jumps, loads in by_section:
            calls += [_CallSite(s.rva + i, "register") for i in loads]
    calls.sort(key=lambda c: c.rva)
    return calls[:MAX_CALLS], thunks


def _function_start(image: ImageCode, rva: int) -> list[int]:
    """Candidate starts of the function holding `rva`, best first."""
    if image.functions:
        i = bisect.bisect_right(image.functions, (rva, 1 << 62)) - 1
        # A .pdata entry claiming a function longer than MAX_FUNCTION before the call (damaged or
        # hostile) is not trusted: the heuristic start below bounds the work instead.
        if i >= 0 and image.functions[i][0] <= rva < image.functions[i][1] \
                and rva - image.functions[i][0] <= MAX_FUNCTION:
            return [image.functions[i][0]]
    section = _section_of(image.sections, rva)
    if section is None:
        return []
    off = rva - section.rva
    lo = max(0, off - _BACK_WINDOW)
    window = section.data[lo:off]
    starts: list[int] = []
    # The nearest preceding prologue (`mov edi, edi; push ebp; mov ebp, esp` or `push ebp; mov ebp, esp`)
    for prologue in (b"\x8B\xFF\x55\x8B\xEC", b"\x55\x8B\xEC", b"\x55\x89\xE5"):
        at = window.rfind(prologue)
        if at != -1:
            starts.append(section.rva + lo + at)
    # ... or the end of the padding (int3 / nop runs) after the previous function
    for pad in (b"\xCC\xCC", b"\x90\x90", b"\xC3\xCC", b"\xC3\x90"):
        at = window.rfind(pad)
        if at != -1:
            end = at + 2
            while end < len(window) and window[end] in (0xCC, 0x90):
                end += 1
            starts.append(section.rva + lo + end)
    starts = sorted(set(starts), key=lambda s: rva - s)  # nearest first
    starts.append(section.rva + lo)  # last resort: the window start (x86 resynchronises quickly)
    return starts


def _end_of(image: ImageCode, start: int) -> int:
    if image.functions:
        i = bisect.bisect_right(image.functions, (start, 1 << 62)) - 1
        if i >= 0 and image.functions[i][0] == start:
            return image.functions[i][1]
    return start + MAX_FUNCTION


def _hint(state: _State, bits: int, site: tuple[int, str, int, int], pointer: Value) -> InitDataHint:
    """site: (call RVA, how it is called, file offset of the call, function start RVA)."""
    call_rva, how, file_offset, function_rva = site
    sizes = INIT_DATA_SIZES[bits]

    def unread(note: str) -> InitDataHint:
        return InitDataHint(size=0, structure=UNREAD_STRUCT, call_offset=file_offset, call_rva=call_rva,
                            call_kind=how, function_rva=function_rva, note=note)

    if isinstance(pointer, int):
        pointer = _Addr("mem", pointer)
    if not isinstance(pointer, _Addr):
        return unread("the structure pointer passed to StorPortInitialize could not be followed")
    mask, size = state.read(pointer, 4)
    if mask != 0xFFFFFFFF:
        return unread("HwInitializationDataSize is not set in the calling function")
    # Only the documented sizes are trusted: a size of the other architecture, or of a layout this table
    # does not know, says nothing about the interface.
    structure = sizes.get(size, f"a structure of unrecognised size 0x{size:X}")
    it_mask, interface = state.read(_Addr(pointer.root, pointer.off + 4), 4)
    feature: int | None = None
    feature_mask = 0
    if structure == WIN8_STRUCT:
        feature_mask, feature = state.read(_Addr(pointer.root, pointer.off + FEATURE_SUPPORT_OFFSET[bits]), 4)
        if feature_mask == 0:
            feature = None
    return InitDataHint(size=size, structure=structure,
                        interface_type=interface if it_mask == 0xFFFFFFFF else None,
                        feature_support=feature, feature_known_mask=feature_mask, call_offset=file_offset,
                        call_rva=call_rva, call_kind=how, function_rva=function_rva)


def scan_image(image: ImageCode) -> list[InitDataHint]:
    """The init-data structure of every StorPortInitialize call (see the module docstring)."""
    if image.bits not in INIT_DATA_SIZES or not image.slot_rvas:
        return []
    total = sum(len(s.data) for s in image.sections)
    if total > MAX_CODE_SCANNED:
        image = ImageCode(_cap(image.sections), image.bits, image.image_base, image.slot_rvas,
                          image.functions, image.other_imports)
    calls, thunks = _find_calls(image)
    walker = _Walker(image)
    hints: list[InitDataHint] = []
    seen: set[int] = set()
    for site in calls:
        for start in _function_start(image, site.rva):
            found = _walk_to_call(walker, image, start, site, thunks)
            if found is None:
                continue
            state, insn, how = found
            if insn.address in seen:
                break
            seen.add(insn.address)
            pointer = walker._call_args(state)[2]
            section = _section_of(image.sections, insn.address)
            file_offset = (section.file_offset + insn.address - section.rva) if section else 0
            hints.append(_hint(state, image.bits, (insn.address, how, file_offset, start), pointer))
            break
    return hints


def _walk_to_call(walker: _Walker, image: ImageCode, start: int, site: _CallSite,
                  thunks: set[int]) -> tuple[_State, Any, str] | None:
    if site.how != "register":
        walked = walker.walk(start, _end_of(image, start), site.rva, thunks)
        if walked is None:
            return None
        state, insn = walked
        how = walker._is_target(state, insn, thunks)
        return (state, insn, how) if how is not None else None
    # `mov reg, [IAT]` at site.rva: walk on to the first call through that register.
    section = _section_of(image.sections, start)
    if section is None:
        return None
    end = min(_end_of(image, start), section.rva + len(section.data))
    state = _State(image.bits, image.image_base)
    landed = False
    for insn in walker.md.disasm(section.data[start - section.rva:end - section.rva], start):
        if insn.address == site.rva:
            landed = True
        if landed and insn.mnemonic == "call":
            how = walker._is_target(state, insn, thunks)
            if how is not None:
                return state, insn, how
        if insn.address > site.rva and not landed:
            return None
        walker._step(state, insn, thunks)
    return None


def _cap(sections: list[CodeSection]) -> list[CodeSection]:
    out: list[CodeSection] = []
    budget = MAX_CODE_SCANNED
    for s in sections:
        if budget <= 0:
            break
        out.append(CodeSection(s.rva, s.file_offset, s.data[:budget]))
        budget -= len(s.data)
    return out


def scan_init_data(sections: list[CodeSection], bits: int, image_base: int,
                   slot_rvas: list[int]) -> list[InitDataHint]:
    """Compatibility entry point without .pdata or other imports."""
    return scan_image(ImageCode(sections, bits, image_base, slot_rvas))
