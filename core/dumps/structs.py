"""Layouts of the Windows kernel crash dump structures, declared with `construct` and named after the
Windows types (mindumpdef.h). Definitions only: the reader logic lives in header.py and triage.py,
the same split as dissect.regf's c_regf.py / regf.py.

Every reserved or undecoded area is declared as raw bytes rather than padding so that building a
structure from a parsed one reproduces the original bytes (the test builders rely on that).
Offsets are pinned by tests/core/dumps/test_structs.py.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from construct import Array, Bytes, Int8ul, Int16ul, Int32ul, Int64ul, Struct

PAGE_FILLER = b"PAGE"  # what Windows leaves in header fields it did not fill

SIGNATURE = b"PAGE"
VALID_DUMP_32 = b"DUMP"
VALID_DUMP_64 = b"DU64"
MINIDUMP_SIGNATURE = b"MDMP"
TRIAGE_VALID = b"TRGD"  # the ULONG 'DGRT' as it sits in the file

HEADER_SIZE_32 = 0x1000
HEADER_SIZE_64 = 0x2000

# ---------------------------------------------------------------------------------------------
# DUMP_HEADER32: 0x1000 bytes
DUMP_HEADER32 = Struct(
    "Signature" / Bytes(4),  # 0x000 "PAGE"
    "ValidDump" / Bytes(4),  # 0x004 "DUMP"
    "MajorVersion" / Int32ul,  # 0x008 0xF free, 0xC checked
    "MinorVersion" / Int32ul,  # 0x00C build number
    "DirectoryTableBase" / Int32ul,  # 0x010
    "PfnDataBase" / Int32ul,  # 0x014
    "PsLoadedModuleList" / Int32ul,  # 0x018
    "PsActiveProcessHead" / Int32ul,  # 0x01C
    "MachineImageType" / Int32ul,  # 0x020
    "NumberProcessors" / Int32ul,  # 0x024
    "BugCheckCode" / Int32ul,  # 0x028
    "BugCheckParameter" / Array(4, Int32ul),  # 0x02C .. 0x03C
    "VersionUser" / Bytes(32),  # 0x03C
    "PaeEnabled" / Int8ul,  # 0x05C
    "KdSecondaryVersion" / Int8ul,  # 0x05D
    "Spare3" / Bytes(2),  # 0x05E
    "KdDebuggerDataBlock" / Int32ul,  # 0x060
    "PhysicalMemoryBlockBuffer" / Bytes(0x2BC),  # 0x064 PHYSICAL_MEMORY_DESCRIPTOR32
    "ContextRecord" / Bytes(0x4B0),  # 0x320
    "Exception" / Bytes(0x50),  # 0x7D0 EXCEPTION_RECORD32
    "Comment" / Bytes(128),  # 0x820
    "Attributes" / Int32ul,  # 0x8A0
    "BootId" / Int32ul,  # 0x8A4
    "Reserved0" / Bytes(0x6E0),  # 0x8A8
    "DumpType" / Int32ul,  # 0xF88
    "MiniDumpFields" / Int32ul,  # 0xF8C
    "SecondaryDataState" / Int32ul,  # 0xF90
    "ProductType" / Int32ul,  # 0xF94
    "SuiteMask" / Int32ul,  # 0xF98
    "WriterStatus" / Int32ul,  # 0xF9C
    "RequiredDumpSpace" / Int64ul,  # 0xFA0
    "Reserved2" / Bytes(16),  # 0xFA8
    "SystemUpTime" / Int64ul,  # 0xFB8 100 ns units
    "SystemTime" / Int64ul,  # 0xFC0 FILETIME
    "Reserved3" / Bytes(56),  # 0xFC8
)

# DUMP_HEADER64: 0x2000 bytes
DUMP_HEADER64 = Struct(
    "Signature" / Bytes(4),  # 0x000 "PAGE"
    "ValidDump" / Bytes(4),  # 0x004 "DU64"
    "MajorVersion" / Int32ul,  # 0x008
    "MinorVersion" / Int32ul,  # 0x00C
    "DirectoryTableBase" / Int64ul,  # 0x010
    "PfnDataBase" / Int64ul,  # 0x018
    "PsLoadedModuleList" / Int64ul,  # 0x020
    "PsActiveProcessHead" / Int64ul,  # 0x028
    "MachineImageType" / Int32ul,  # 0x030
    "NumberProcessors" / Int32ul,  # 0x034
    "BugCheckCode" / Int32ul,  # 0x038
    "Padding0" / Bytes(4),  # 0x03C
    "BugCheckParameter" / Array(4, Int64ul),  # 0x040 .. 0x060
    "VersionUser" / Bytes(32),  # 0x060
    "KdDebuggerDataBlock" / Int64ul,  # 0x080
    "PhysicalMemoryBlockBuffer" / Bytes(0x2C0),  # 0x088 PHYSICAL_MEMORY_DESCRIPTOR64
    "ContextRecord" / Bytes(0xBB8),  # 0x348
    "Exception" / Bytes(0x98),  # 0xF00 EXCEPTION_RECORD64
    "DumpType" / Int32ul,  # 0xF98
    "Padding1" / Bytes(4),  # 0xF9C
    "RequiredDumpSpace" / Int64ul,  # 0xFA0
    "SystemTime" / Int64ul,  # 0xFA8 FILETIME
    "Comment" / Bytes(128),  # 0xFB0
    "SystemUpTime" / Int64ul,  # 0x1030 100 ns units
    "MiniDumpFields" / Int32ul,  # 0x1038
    "SecondaryDataState" / Int32ul,  # 0x103C
    "ProductType" / Int32ul,  # 0x1040
    "SuiteMask" / Int32ul,  # 0x1044
    "WriterStatus" / Int32ul,  # 0x1048
    "Unused1" / Int8ul,  # 0x104C
    "KdSecondaryVersion" / Int8ul,  # 0x104D
    "Unused" / Bytes(2),  # 0x104E
    "Attributes" / Int32ul,  # 0x1050
    "BootId" / Int32ul,  # 0x1054
    "Reserved1" / Bytes(0xFA8),  # 0x1058
)

# PHYSICAL_MEMORY_DESCRIPTOR32/64 (only the fixed part: the runs follow)
PHYSICAL_MEMORY_DESCRIPTOR32 = Struct(
    "NumberOfRuns" / Int32ul,
    "NumberOfPages" / Int32ul,
)
PHYSICAL_MEMORY_DESCRIPTOR64 = Struct(
    "NumberOfRuns" / Int32ul,
    "Padding" / Bytes(4),
    "NumberOfPages" / Int64ul,
)

# ---------------------------------------------------------------------------------------------
# TRIAGE_DUMP (the fixed prefix shared by 32- and 64-bit): at 0x1000 / 0x2000. The *Offset fields are
# absolute file offsets.
TRIAGE_DUMP = Struct(
    "ServicePackBuild" / Int32ul,  # +0x00
    "SizeOfDump" / Int32ul,  # +0x04
    "ValidOffset" / Int32ul,  # +0x08
    "ContextOffset" / Int32ul,  # +0x0C
    "ExceptionOffset" / Int32ul,  # +0x10
    "MmOffset" / Int32ul,  # +0x14
    "UnloadedDriversOffset" / Int32ul,  # +0x18
    "PrcbOffset" / Int32ul,  # +0x1C
    "ProcessOffset" / Int32ul,  # +0x20
    "ThreadOffset" / Int32ul,  # +0x24
    "CallStackOffset" / Int32ul,  # +0x28
    "SizeOfCallStack" / Int32ul,  # +0x2C
    "DriverListOffset" / Int32ul,  # +0x30
    "DriverCount" / Int32ul,  # +0x34
    "StringPoolOffset" / Int32ul,  # +0x38
    "StringPoolSize" / Int32ul,  # +0x3C
    "BrokenDriverOffset" / Int32ul,  # +0x40
    "TriageOptions" / Int32ul,  # +0x44
)

# DUMP_DRIVER_ENTRY32: DriverNameOffset + KLDR_DATA_TABLE_ENTRY32, stride 0x4C
DUMP_DRIVER_ENTRY32 = Struct(
    "DriverNameOffset" / Int32ul,  # +0x00
    "InLoadOrderLinks" / Bytes(8),  # +0x04
    "ExceptionTable" / Int32ul,  # +0x0C
    "ExceptionTableSize" / Int32ul,  # +0x10
    "GpValue" / Int32ul,  # +0x14
    "NonPagedDebugInfo" / Int32ul,  # +0x18
    "DllBase" / Int32ul,  # +0x1C
    "EntryPoint" / Int32ul,  # +0x20
    "SizeOfImage" / Int32ul,  # +0x24
    "FullDllName" / Bytes(8),  # +0x28 UNICODE_STRING32
    "BaseDllName" / Bytes(8),  # +0x30 UNICODE_STRING32
    "Flags" / Int32ul,  # +0x38
    "LoadCount" / Int16ul,  # +0x3C
    "Spare" / Int16ul,  # +0x3E
    "SectionPointer" / Int32ul,  # +0x40
    "CheckSum" / Int32ul,  # +0x44
    "TimeDateStamp" / Int32ul,  # +0x48
)

# DUMP_DRIVER_ENTRY64: DriverNameOffset + KLDR_DATA_TABLE_ENTRY64, stride 0x90
DUMP_DRIVER_ENTRY64 = Struct(
    "DriverNameOffset" / Int32ul,  # +0x00
    "Padding0" / Bytes(4),  # +0x04
    "InLoadOrderLinks" / Bytes(16),  # +0x08
    "ExceptionTable" / Int64ul,  # +0x18
    "ExceptionTableSize" / Int32ul,  # +0x20
    "Padding1" / Bytes(4),  # +0x24
    "GpValue" / Int64ul,  # +0x28
    "NonPagedDebugInfo" / Int64ul,  # +0x30
    "DllBase" / Int64ul,  # +0x38
    "EntryPoint" / Int64ul,  # +0x40
    "SizeOfImage" / Int32ul,  # +0x48
    "Padding2" / Bytes(4),  # +0x4C
    "FullDllName" / Bytes(16),  # +0x50 UNICODE_STRING64
    "BaseDllName" / Bytes(16),  # +0x60 UNICODE_STRING64
    "Flags" / Int32ul,  # +0x70
    "LoadCount" / Int16ul,  # +0x74
    "Spare" / Int16ul,  # +0x76
    "SectionPointer" / Int64ul,  # +0x78
    "CheckSum" / Int32ul,  # +0x80
    "CoverageSectionSize" / Int32ul,  # +0x84
    "TimeDateStamp" / Int32ul,  # +0x88
    "Padding3" / Bytes(4),  # +0x8C
)

# DUMP_UNLOADED_DRIVERS32/64: a count (ULONG / ULONG64) then these entries, newest first
DUMP_UNLOADED_DRIVERS32 = Struct(
    "NameLength" / Int16ul,  # UNICODE_STRING32.Length, in bytes
    "NameMaximumLength" / Int16ul,
    "NameBuffer" / Int32ul,  # a kernel address: useless in the file
    "DriverName" / Bytes(24),  # WCHAR[12], the first 12 characters of the name
    "StartAddress" / Int32ul,
    "EndAddress" / Int32ul,
)
DUMP_UNLOADED_DRIVERS64 = Struct(
    "NameLength" / Int16ul,
    "NameMaximumLength" / Int16ul,
    "Padding" / Bytes(4),
    "NameBuffer" / Int64ul,
    "DriverName" / Bytes(24),
    "StartAddress" / Int64ul,
    "EndAddress" / Int64ul,
)
UNLOADED_COUNT32 = Int32ul
UNLOADED_COUNT64 = Int64ul

# The string pool: DUMP_STRING { ULONG Length (characters); WCHAR Buffer[Length + 1] }, 8-byte aligned
DUMP_STRING_LENGTH = Int32ul

# Sub-header right after the header of summary / bitmap dumps (DumpType 2, 5, 6)
SUMMARY_SIGNATURES = (b"SDMP", b"FDMP")

# Secondary data that drivers add to a small dump after TRIAGE_DUMP.SizeOfDump
SECONDARY_DATA_SIGNATURE = b"DumpBlob"
DUMP_BLOB_FILE_HEADER = Struct(
    "Signature" / Bytes(8),  # "DumpBlob"
    "HeaderSize" / Int32ul,
    "BuildNumber" / Int32ul,
)
DUMP_BLOB_HEADER = Struct(
    "HeaderSize" / Int32ul,
    "Tag" / Bytes(16),  # GUID
    "DataSize" / Int32ul,
    "PrePad" / Int32ul,
    "PostPad" / Int32ul,
)

# ---------------------------------------------------------------------------------------------
# Complete and kernel dumps: where each physical page sits in the file, and the kernel structures
# walked through the page tables to list the loaded drivers (core/dumps/physmem.py, modules.py).

# PHYSICAL_MEMORY_RUN32/64: the runs follow the descriptor's fixed part in PhysicalMemoryBlockBuffer;
# a DumpType 1 file stores the pages of every run, in run order, right after the header.
PHYSICAL_MEMORY_RUN32 = Struct(
    "BasePage" / Int32ul,
    "PageCount" / Int32ul,
)
PHYSICAL_MEMORY_RUN64 = Struct(
    "BasePage" / Int64ul,
    "PageCount" / Int64ul,
)
# How many runs fit in the header's buffer (0x2BC / 0x2C0 bytes after the fixed part).
MAX_PHYSICAL_RUNS32 = (0x2BC - 8) // 8
MAX_PHYSICAL_RUNS64 = (0x2C0 - 0x10) // 16

# The sub-header of summary / bitmap dumps (DumpType 2, 5, 6) at 0x1000 / 0x2000, the same layout in
# both widths (kdmp-parser BMP_HEADER64, volatility _SUMMARY_DUMP). The bitmap (one bit per physical
# page, least significant bit first) follows; the pages whose bit is set are stored in PFN order
# from FirstPage on.
BITMAP_DUMP_HEADER = Struct(
    "Signature" / Bytes(4),  # +0x00 "SDMP" kernel summary, "FDMP" full bitmap
    "ValidDump" / Bytes(4),  # +0x04 "DUMP"
    "Reserved" / Bytes(0x18),  # +0x08 DumpOptions and undecoded fields
    "FirstPage" / Int64ul,  # +0x20 absolute file offset of the first stored page
    "TotalPresentPages" / Int64ul,  # +0x28 how many bits are set
    "Pages" / Int64ul,  # +0x30 how many bits the bitmap holds
)
BITMAP_VALID_DUMP = b"DUMP"

LIST_ENTRY32 = Struct("Flink" / Int32ul, "Blink" / Int32ul)
LIST_ENTRY64 = Struct("Flink" / Int64ul, "Blink" / Int64ul)

UNICODE_STRING32 = Struct(
    "Length" / Int16ul,  # in bytes, without a terminating NUL
    "MaximumLength" / Int16ul,
    "Buffer" / Int32ul,  # a virtual address
)
UNICODE_STRING64 = Struct(
    "Length" / Int16ul,
    "MaximumLength" / Int16ul,
    "Padding" / Bytes(4),
    "Buffer" / Int64ul,
)

# The stable prefix of KLDR_DATA_TABLE_ENTRY (the entries of PsLoadedModuleList), unchanged from
# Windows XP to 11; later fields (TimeDateStamp among them) moved between versions and are not read.
KLDR_DATA_TABLE_ENTRY32 = Struct(
    "InLoadOrderLinks" / LIST_ENTRY32,  # +0x00
    "Reserved" / Bytes(0x10),  # +0x08 ExceptionTable, ExceptionTableSize, GpValue, NonPagedDebugInfo
    "DllBase" / Int32ul,  # +0x18
    "EntryPoint" / Int32ul,  # +0x1C
    "SizeOfImage" / Int32ul,  # +0x20
    "FullDllName" / UNICODE_STRING32,  # +0x24
    "BaseDllName" / UNICODE_STRING32,  # +0x2C
)
KLDR_DATA_TABLE_ENTRY64 = Struct(
    "InLoadOrderLinks" / LIST_ENTRY64,  # +0x00
    "Reserved" / Bytes(0x20),  # +0x10 ExceptionTable, ExceptionTableSize, GpValue, NonPagedDebugInfo
    "DllBase" / Int64ul,  # +0x30
    "EntryPoint" / Int64ul,  # +0x38
    "SizeOfImage" / Int32ul,  # +0x40
    "Padding" / Bytes(4),  # +0x44
    "FullDllName" / UNICODE_STRING64,  # +0x48
    "BaseDllName" / UNICODE_STRING64,  # +0x58
)


@cache
def compiled(struct: Any) -> Any:
    """`struct` compiled by construct: the same fields, parsed several times faster (the dumps step
    parses a header, a triage block and a driver list per small dump; issue 18)."""
    return struct.compile()


@cache
def size_of(struct: Any) -> int:
    """struct.sizeof(), which construct works out afresh on every call by walking the fields."""
    return int(struct.sizeof())
