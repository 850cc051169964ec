"""Kernel virtual addresses to physical ones, through the page tables stored in the dump, starting
at the header's DirectoryTableBase (CR3). Three layouts (Intel SDM vol. 3, ch. 4):

- x64: 4 levels (PML4, PDPT, PD, PT) of 512 8-byte entries; 1 GiB pages at the PDPT, 2 MiB at the PD;
- x86 PAE: a 4-entry PDPT, then PD and PT of 512 8-byte entries; 2 MiB pages at the PD;
- x86 without PAE: PD and PT of 1024 4-byte entries; 4 MiB pages at the PD.

Only present entries are followed: an address whose page is paged out or missing from the dump
translates to None. Kernel code and the loaded-module list are non-paged, so they are there.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

PAGE_SIZE = 0x1000
PRESENT = 1
LARGE = 1 << 7
PA_MASK_64 = 0x000F_FFFF_FFFF_F000  # bits 51..12 (52-bit physical addresses)
MAX_VIRTUAL_READ = 0x10000  # the kernel structures read here are a few hundred bytes


class PhysicalReader(Protocol):
    def read(self, address: int, length: int) -> bytes | None: ...


class PagingMode(StrEnum):
    X64 = "x64"
    PAE = "x86-pae"
    X86 = "x86"


class AddressSpace:
    """Reads kernel virtual memory of a dump."""

    def __init__(self, physical: PhysicalReader, directory_table_base: int, mode: PagingMode) -> None:
        self._physical = physical
        self._dtb = directory_table_base
        self.mode = mode

    def _entry(self, table: int, index: int, size: int) -> int | None:
        data = self._physical.read(table + index * size, size)
        if data is None:
            return None
        value = int.from_bytes(data, "little")
        return value if value & PRESENT else None

    def translate(self, address: int) -> int | None:
        """The physical address of virtual `address`, or None when it is not mapped in the dump."""
        if self.mode is PagingMode.X64:
            return self._translate_x64(address)
        if self.mode is PagingMode.PAE:
            return self._translate_pae(address & 0xFFFF_FFFF)
        return self._translate_x86(address & 0xFFFF_FFFF)

    def _translate_x64(self, va: int) -> int | None:
        pml4e = self._entry(self._dtb & PA_MASK_64, (va >> 39) & 0x1FF, 8)
        if pml4e is None:
            return None
        pdpte = self._entry(pml4e & PA_MASK_64, (va >> 30) & 0x1FF, 8)
        if pdpte is None:
            return None
        if pdpte & LARGE:
            return (pdpte & PA_MASK_64 & ~0x3FFF_FFFF) | (va & 0x3FFF_FFFF)
        return self._pd_and_pt_64(pdpte, va)

    def _translate_pae(self, va: int) -> int | None:
        # CR3 points at a 32-byte aligned PDPT, not necessarily at a page boundary.
        pdpte = self._entry(self._dtb & 0xFFFF_FFE0, (va >> 30) & 0x3, 8)
        if pdpte is None:
            return None
        return self._pd_and_pt_64(pdpte, va)

    def _pd_and_pt_64(self, pdpte: int, va: int) -> int | None:
        pde = self._entry(pdpte & PA_MASK_64, (va >> 21) & 0x1FF, 8)
        if pde is None:
            return None
        if pde & LARGE:
            return (pde & PA_MASK_64 & ~0x1F_FFFF) | (va & 0x1F_FFFF)
        pte = self._entry(pde & PA_MASK_64, (va >> 12) & 0x1FF, 8)
        if pte is None:
            return None
        return (pte & PA_MASK_64) | (va & 0xFFF)

    def _translate_x86(self, va: int) -> int | None:
        pde = self._entry(self._dtb & 0xFFFF_F000, va >> 22, 4)
        if pde is None:
            return None
        if pde & LARGE:
            return (pde & 0xFFC0_0000) | (va & 0x3F_FFFF)
        pte = self._entry(pde & 0xFFFF_F000, (va >> 12) & 0x3FF, 4)
        if pte is None:
            return None
        return (pte & 0xFFFF_F000) | (va & 0xFFF)

    def read(self, address: int, length: int) -> bytes | None:
        """`length` bytes of virtual memory, or None when any page of them is missing."""
        if length < 0 or length > MAX_VIRTUAL_READ:
            return None
        parts = []
        while length > 0:
            physical = self.translate(address)
            if physical is None:
                return None
            chunk_length = min(length, PAGE_SIZE - (address & (PAGE_SIZE - 1)))
            chunk = self._physical.read(physical, chunk_length)
            if chunk is None:
                return None
            parts.append(chunk)
            address += chunk_length
            length -= chunk_length
        return b"".join(parts)
