"""A tiny x86/x64 encoder for the instruction forms compilers emit in a miniport's DriverEntry. Only what
tests/builders/pe.py needs; every encoding follows the Intel SDM (ModRM/SIB, REX, disp8/disp32)."""

from __future__ import annotations

import struct

REG = {"ax": 0, "cx": 1, "dx": 2, "bx": 3, "sp": 4, "bp": 5, "si": 6, "di": 7,
       "r8": 8, "r9": 9, "r10": 10, "r11": 11, "r12": 12, "r13": 13, "r14": 14, "r15": 15}


def _num(reg: str) -> int:
    """'rax'/'eax'/'r8'/'r8d' -> register number."""
    if reg.startswith("r") and reg[1:].rstrip("d").isdigit():
        return REG["r" + reg[1:].rstrip("d")]
    return REG[reg[-2:]]


def _modrm_mem(reg_field: int, base: str, disp: int) -> tuple[int, bytes]:
    """(REX.B bit, ModRM [+SIB] + displacement) for [base + disp]."""
    b = _num(base)
    rex_b = 1 if b >= 8 else 0
    low = b & 7
    if disp == 0 and low != 5:
        mod, tail = 0, b""
    elif -128 <= disp <= 127:
        mod, tail = 1, struct.pack("<b", disp)
    else:
        mod, tail = 2, struct.pack("<i", disp)
    modrm = bytes([(mod << 6) | ((reg_field & 7) << 3) | low])
    sib = b"\x24" if low == 4 else b""  # rsp/r12 as base need a SIB byte
    return rex_b, modrm + sib + tail


def _rex(w: int, r: int, b: int) -> bytes:
    value = 0x40 | (w << 3) | (r << 2) | b
    return bytes([value]) if value != 0x40 else b""


class Asm:
    """Append instructions; `here` is the RVA of the next byte (for rip-relative and rel32 operands)."""

    def __init__(self, bits: int, rva: int, image_base: int) -> None:
        self.bits = bits
        self.rva = rva
        self.image_base = image_base
        self.code = bytearray()

    @property
    def here(self) -> int:
        return self.rva + len(self.code)

    def raw(self, data: bytes) -> Asm:
        self.code += data
        return self

    def _mem_op(self, opcode: bytes, reg_field: int, base: str, disp: int, *, w: int = 0,
                tail: bytes = b"", prefix: bytes = b"") -> Asm:
        rex_b, modrm = _modrm_mem(reg_field, base, disp)
        rex = _rex(w, (reg_field >> 3) & 1, rex_b) if self.bits == 64 else b""
        self.code += prefix + rex + opcode + modrm + tail
        return self

    # stores into memory
    def mov_mem_imm(self, base: str, disp: int, imm: int, size: int = 4) -> Asm:
        if size == 1:
            return self._mem_op(b"\xC6", 0, base, disp, tail=bytes([imm & 0xFF]))
        return self._mem_op(b"\xC7", 0, base, disp, w=1 if size == 8 else 0,
                            tail=struct.pack("<I", imm & 0xFFFFFFFF))

    def mov_mem_reg(self, base: str, disp: int, reg: str, size: int = 4) -> Asm:
        return self._mem_op(b"\x89", _num(reg), base, disp, w=1 if size == 8 else 0)

    def or_mem_imm(self, base: str, disp: int, imm: int) -> Asm:
        if imm < 0x80:
            return self._mem_op(b"\x83", 1, base, disp, tail=bytes([imm]))
        return self._mem_op(b"\x81", 1, base, disp, tail=struct.pack("<I", imm))

    def or_mem_reg(self, base: str, disp: int, reg: str) -> Asm:
        return self._mem_op(b"\x09", _num(reg), base, disp)

    def movups_mem_xmm0(self, base: str, disp: int) -> Asm:
        return self._mem_op(b"\x0F\x11", 0, base, disp)

    # registers
    def lea(self, reg: str, base: str, disp: int) -> Asm:
        return self._mem_op(b"\x8D", _num(reg), base, disp, w=1 if self.bits == 64 else 0)

    def lea32(self, reg: str, base: str, disp: int) -> Asm:
        """lea r32, [base+disp] (MSVC loads small constants this way: `lea r8d, [rdx+0D0h]`)."""
        return self._mem_op(b"\x8D", _num(reg), base, disp)

    def lea_rip(self, reg: str, target_rva: int) -> Asm:
        r = _num(reg)
        self.code += _rex(1, r >> 3, 0) + b"\x8D" + bytes([((r & 7) << 3) | 5])
        self.code += struct.pack("<i", target_rva - (self.here + 4))
        return self

    def mov_reg_imm(self, reg: str, imm: int) -> Asm:
        r = _num(reg)
        self.code += _rex(0, 0, r >> 3) + bytes([0xB8 + (r & 7)]) + struct.pack("<I", imm & 0xFFFFFFFF)
        return self

    def mov_reg_reg(self, dst: str, src: str) -> Asm:
        d, s = _num(dst), _num(src)
        w = 1 if self.bits == 64 and not dst.startswith("e") else 0
        rex = _rex(w, d >> 3, s >> 3) if self.bits == 64 else b""
        self.code += rex + b"\x8B" + bytes([0xC0 | ((d & 7) << 3) | (s & 7)])
        return self

    def xor_self(self, reg: str) -> Asm:
        r = _num(reg)
        rex = _rex(0, r >> 3, r >> 3) if self.bits == 64 else b""
        self.code += rex + b"\x33" + bytes([0xC0 | ((r & 7) << 3) | (r & 7)])
        return self

    def xorps_xmm0(self) -> Asm:
        return self.raw(b"\x0F\x57\xC0")

    def sub_sp(self, n: int) -> Asm:
        rex = b"\x48" if self.bits == 64 else b""
        return self.raw(rex + b"\x81\xEC" + struct.pack("<I", n))

    def add_sp(self, n: int) -> Asm:
        rex = b"\x48" if self.bits == 64 else b""
        if n < 0x80:
            return self.raw(rex + b"\x83\xC4" + bytes([n]))
        return self.raw(rex + b"\x81\xC4" + struct.pack("<I", n))

    def push(self, reg: str) -> Asm:
        r = _num(reg)
        return self.raw(_rex(0, 0, r >> 3) + bytes([0x50 + (r & 7)]))

    def pop(self, reg: str) -> Asm:
        r = _num(reg)
        return self.raw(_rex(0, 0, r >> 3) + bytes([0x58 + (r & 7)]))

    def push_imm(self, imm: int) -> Asm:
        if -128 <= imm <= 127:
            return self.raw(b"\x6A" + struct.pack("<b", imm))
        return self.raw(b"\x68" + struct.pack("<I", imm & 0xFFFFFFFF))

    def push_mem(self, base: str, disp: int) -> Asm:
        return self._mem_op(b"\xFF", 6, base, disp)

    def rep_stos(self, width: int) -> Asm:
        return self.raw({1: b"\xF3\xAA", 4: b"\xF3\xAB", 8: b"\xF3\x48\xAB"}[width])

    # control flow
    def call_rel(self, target_rva: int) -> Asm:
        return self.raw(b"\xE8" + struct.pack("<i", target_rva - (self.here + 5)))

    def _indirect(self, reg_field: int, slot_rva: int, rex_w: bool) -> Asm:
        if self.bits == 64:
            prefix = b"\x48" if rex_w else b""
            end = self.here + len(prefix) + 6
            return self.raw(prefix + b"\xFF" + bytes([(reg_field << 3) | 5])
                            + struct.pack("<i", slot_rva - end))
        absolute = struct.pack("<I", self.image_base + slot_rva)
        return self.raw(b"\xFF" + bytes([(reg_field << 3) | 5]) + absolute)

    def call_iat(self, slot_rva: int, *, rex_w: bool = False) -> Asm:
        return self._indirect(2, slot_rva, rex_w)

    def jmp_iat(self, slot_rva: int) -> Asm:
        return self._indirect(4, slot_rva, False)

    def mov_reg_iat(self, reg: str, slot_rva: int) -> Asm:
        r = _num(reg)
        if self.bits == 64:
            self.code += _rex(1, r >> 3, 0) + b"\x8B" + bytes([((r & 7) << 3) | 5])
            self.code += struct.pack("<i", slot_rva - (self.here + 4))
            return self
        return self.raw(b"\x8B" + bytes([((r & 7) << 3) | 5]) + struct.pack("<I", self.image_base + slot_rva))

    def call_reg(self, reg: str) -> Asm:
        r = _num(reg)
        return self.raw(_rex(0, 0, r >> 3) + bytes([0xFF, 0xD0 | (r & 7)]))

    def ret(self, pop: int = 0) -> Asm:
        return self.raw(b"\xC2" + struct.pack("<H", pop) if pop else b"\xC3")

    def leave(self) -> Asm:
        return self.raw(b"\xC9")

    def test_eax(self) -> Asm:
        return self.raw(b"\x85\xC0")

    def pad(self, align: int = 16, byte: int = 0xCC) -> Asm:
        while len(self.code) % align:
            self.code.append(byte)
        return self
