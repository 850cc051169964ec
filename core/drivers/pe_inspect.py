"""Read what the diagnosis needs from a driver file: version resource, machine and bitness (from the PE
header, never from the folder name), link time, imports, and whether an Authenticode block is present.

pefile runs with fast_load and then parses only the import directory; the version resource is read
directly (core.drivers.version_resource), with pefile's resource parser as the fallback. The security
directory is only checked for presence: the signature is NOT verified. Images importing
storport.sys!StorPortInitialize also get the structure each call passes read from their code
(core.drivers.init_data_scan; x64 function bounds from the exception directory, read directly).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pefile

from core.drivers.model import PeInfo
from core.drivers.version_resource import read_version_resource
from core.errors import (
    DumpDoctorError,
    FormatError,
    NotRecognisedError,
    TruncatedError,
    UnsafeInputError,
    unreadable,
)
from core.safefs import open_regular

if TYPE_CHECKING:
    from core.drivers.init_data_scan import CodeSection

# Storage drivers are well under 10 MB; anything past this is not a driver we should load into memory.
MAX_PE_SIZE = 64 * 1024 * 1024
MACHINES = {0x14C: "x86", 0x8664: "x64", 0xAA64: "ARM64", 0x200: "IA64", 0x1C4: "ARM"}
_IMPORT = pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"]
_RESOURCE = pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]
_SECURITY = pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_SECURITY"]
_EXECUTE = 0x20000000
_CODE = 0x20


def detect(prefix: bytes) -> bool:
    """A PE image (a driver), from its first bytes (source identification walks these checks)."""
    if len(prefix) < 0x40 or not prefix.startswith(b"MZ"):
        return False
    (e_lfanew,) = struct.unpack_from("<I", prefix, 0x3C)
    # Headers beyond the prefix are legal but unheard of for drivers; MZ alone then decides.
    return e_lfanew + 4 > len(prefix) or prefix[e_lfanew:e_lfanew + 4] == b"PE\0\0"


def _read_capped(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PE_SIZE:
            raise UnsafeInputError(
                f"file is {size:,} bytes; driver files larger than {MAX_PE_SIZE // (1024 * 1024)} MB are "
                "not inspected", path=path, expected="a kernel driver image")
        with open_regular(path) as fh:
            # read(n) allocates n bytes up front: ask for the size the file has (plus one byte, to
            # notice a file that grew), not the 64 MB cap, which cost 64 MB per driver at peak.
            return fh.read(min(size, MAX_PE_SIZE) + 1)
    except OSError as exc:
        raise unreadable(path, exc) from exc


def _check_headers(path: Path, data: bytes) -> None:
    """Cheap checks before pefile, so common bad input gets a precise message."""
    if len(data) < 0x40:
        raise TruncatedError(f"file is only {len(data)} bytes", path=path, offset=0,
                             expected="an MZ header of 64 bytes")
    if data[:2] != b"MZ":
        raise NotRecognisedError("not a Windows executable (no MZ signature)", path=path, offset=0,
                                 expected="'MZ'")
    e_lfanew = struct.unpack_from("<I", data, 0x3C)[0]
    if e_lfanew + 24 > len(data):
        raise TruncatedError("file ends before the PE header", path=path, offset=e_lfanew,
                             expected="'PE\\0\\0' and a COFF header")
    if data[e_lfanew:e_lfanew + 4] != b"PE\0\0":
        raise NotRecognisedError("MZ file without a PE signature (DOS or NE/LE image)", path=path,
                                 offset=e_lfanew, expected="'PE\\0\\0'")


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        text = value.decode("utf-8", "replace")
    elif isinstance(value, str):
        text = value
    else:
        return None
    text = text.strip().rstrip("\0").strip()
    return text or None


def _version(ms: int, ls: int) -> str:
    return f"{ms >> 16}.{ms & 0xFFFF}.{ls >> 16}.{ls & 0xFFFF}"


def _parse_directories(pe: pefile.PE, info: PeInfo, directories: list[int]) -> None:
    try:
        pe.parse_data_directories(directories=directories)
    except (pefile.PEFormatError, struct.error, ValueError, IndexError, KeyError, AttributeError,
            TypeError, OverflowError) as exc:
        # Headers were fine; a damaged directory only costs us imports/version: say so, keep going.
        info.notes.append(f"import/resource directories could not be fully parsed: {exc}")


def _read_version(pe: pefile.PE, data: bytes, info: PeInfo) -> None:
    """The version resource, read directly (core.drivers.version_resource) or, when it is laid out
    in a way that reader does not handle, through pefile's resource parser."""
    dirs = pe.OPTIONAL_HEADER.DATA_DIRECTORY
    entry = dirs[_RESOURCE] if len(dirs) > _RESOURCE else None
    blocks = (read_version_resource(pe, data, entry.VirtualAddress, entry.Size) if entry is not None
              else [])
    strings: dict[str, str] = {}
    if blocks is None:
        _parse_directories(pe, info, [_RESOURCE])
        fixed = getattr(pe, "VS_FIXEDFILEINFO", None)
        if fixed:
            f = fixed[0]
            info.file_version = _version(f.FileVersionMS, f.FileVersionLS)
            info.product_version = _version(f.ProductVersionMS, f.ProductVersionLS)
        for group in getattr(pe, "FileInfo", None) or []:
            for file_info in group:
                for table in getattr(file_info, "StringTable", None) or []:
                    _add_strings(strings, table.entries)
    else:
        if blocks and blocks[0].file_version is not None and blocks[0].product_version is not None:
            info.file_version = _version(*blocks[0].file_version)
            info.product_version = _version(*blocks[0].product_version)
        for block in blocks:
            for found in block.tables:
                _add_strings(strings, found)
    info.company = strings.get("CompanyName")
    info.description = strings.get("FileDescription")
    info.original_filename = strings.get("OriginalFilename")
    if info.file_version is None and strings.get("FileVersion"):
        # Only the string form is present: keep its leading dotted number ("6.1.7600.16385 (win7...)").
        info.file_version = strings["FileVersion"].split()[0]
        info.notes.append("no VS_FIXEDFILEINFO; file version taken from the FileVersion string")
    if info.file_version is None:
        info.notes.append("no version resource")


def _add_strings(strings: dict[str, str], entries: dict[Any, Any]) -> None:
    for key, value in entries.items():
        k, v = _text(key), _text(value)
        if k and v:
            strings.setdefault(k, v)


def _read_imports(pe: pefile.PE, info: PeInfo) -> dict[tuple[str, str], int]:
    """Fill info.imports; return IAT slot RVAs by (dll, function) for the code heuristic."""
    slots: dict[tuple[str, str], int] = {}
    base = pe.OPTIONAL_HEADER.ImageBase
    for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", None) or []:
        dll = (_text(entry.dll) or "?").lower()
        names = info.imports.setdefault(dll, [])
        for imp in entry.imports:
            name = _text(imp.name) if imp.name else f"#{imp.ordinal}"
            if name is None:
                continue
            names.append(name)
            if imp.address is not None:
                slots[(dll, name)] = imp.address - base
    return slots


_EXCEPTION = pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_EXCEPTION"]
_MAX_FUNCTIONS = 200_000


def _runtime_functions(pe: pefile.PE, data: bytes) -> list[tuple[int, int]]:
    """(begin, end) RVAs from the x64 exception directory (.pdata RUNTIME_FUNCTION, 12 bytes each),
    read directly: pefile's own parser also decodes every unwind record, which costs far more."""
    dirs = pe.OPTIONAL_HEADER.DATA_DIRECTORY
    if len(dirs) <= _EXCEPTION or not dirs[_EXCEPTION].VirtualAddress or not dirs[_EXCEPTION].Size:
        return []
    offset = pe.get_offset_from_rva(dirs[_EXCEPTION].VirtualAddress)
    if offset is None:
        return []
    count = min(dirs[_EXCEPTION].Size // 12, _MAX_FUNCTIONS, max(0, (len(data) - offset) // 12))
    out = [(b, e) for b, e, _u in struct.iter_unpack("<III", data[offset:offset + 12 * count]) if b < e]
    out.sort()
    return out


def _code_sections(pe: pefile.PE) -> list[CodeSection]:
    from core.drivers.init_data_scan import CodeSection

    out = []
    for s in pe.sections:
        if s.Characteristics & (_EXECUTE | _CODE):
            out.append(CodeSection(s.VirtualAddress, s.PointerToRawData, bytes(s.get_data())))
    return out


def _scan_code(pe: pefile.PE, data: bytes, info: PeInfo, init_slots: list[int],
               slots: dict[tuple[str, str], int]) -> None:
    """Read the init-data structure each StorPortInitialize call passes; a failure is noted, not raised.
    The disassembler is loaded here, on the first driver that needs it (about 30 ms), not at start-up."""
    import capstone

    from core.drivers.init_data_scan import ImageCode, scan_image

    try:
        functions = _runtime_functions(pe, data) if info.bits == 64 else []
        image = ImageCode(_code_sections(pe), info.bits, pe.OPTIONAL_HEADER.ImageBase, init_slots,
                          functions, {rva: fn for (_dll, fn), rva in slots.items()})
        info.init_data_hints = scan_image(image)
    except (capstone.CsError, pefile.PEFormatError, struct.error, ValueError, IndexError,
            OverflowError) as exc:
        info.code_scan_error = f"the code could not be disassembled ({type(exc).__name__}: {exc})"
        info.notes.append(info.code_scan_error)


def inspect_pe(path: str | Path) -> PeInfo:
    """Inspect a driver image. Raises a DumpDoctorError subclass naming the file for any bad input."""
    p = Path(path)
    data = _read_capped(p)
    _check_headers(p, data)
    try:
        pe = pefile.PE(data=data, fast_load=True)
    except pefile.PEFormatError as exc:
        raise FormatError(f"not a valid PE image: {exc}", path=p, expected="a Windows driver image") from exc
    except (struct.error, ValueError, IndexError, OverflowError, MemoryError) as exc:
        raise FormatError(f"malformed PE headers ({type(exc).__name__})", path=p,
                          expected="a Windows driver image") from exc
    try:
        info = PeInfo(
            path=str(p),
            machine=MACHINES.get(pe.FILE_HEADER.Machine, f"0x{pe.FILE_HEADER.Machine:04X}"),
            bits=64 if pe.OPTIONAL_HEADER.Magic == pefile.OPTIONAL_HEADER_MAGIC_PE_PLUS else 32,
            timestamp=pe.FILE_HEADER.TimeDateStamp,
            size=len(data),
        )
        if pe.OPTIONAL_HEADER.Magic not in (pefile.OPTIONAL_HEADER_MAGIC_PE,
                                            pefile.OPTIONAL_HEADER_MAGIC_PE_PLUS):
            info.notes.append(f"unknown optional header magic 0x{pe.OPTIONAL_HEADER.Magic:X}")
        _parse_directories(pe, info, [_IMPORT])
        _read_version(pe, data, info)
        slots = _read_imports(pe, info)
        dirs = pe.OPTIONAL_HEADER.DATA_DIRECTORY
        if len(dirs) > _SECURITY and dirs[_SECURITY].Size and dirs[_SECURITY].VirtualAddress:
            sec = dirs[_SECURITY]
            if sec.VirtualAddress + sec.Size <= len(data):
                info.signed = True
            else:
                info.notes.append("the security directory points past the end of the file (truncated?)")
        for warning in pe.get_warnings():
            if "truncat" in warning.lower() and "Byte 0x00" not in warning:
                info.notes.append(warning)
        info.subsystem = pe.OPTIONAL_HEADER.Subsystem
        info.is_dll = bool(pe.FILE_HEADER.Characteristics & 0x2000)
        init_slots = [rva for (dll, fn), rva in slots.items()
                      if dll == "storport.sys" and fn == "StorPortInitialize"]
        if init_slots and info.machine in ("x86", "x64"):
            _scan_code(pe, data, info, init_slots, slots)
        return info
    except DumpDoctorError:
        raise
    except (pefile.PEFormatError, struct.error, ValueError, IndexError, KeyError, AttributeError,
            TypeError, OverflowError, UnicodeError) as exc:
        raise FormatError(f"malformed PE image ({type(exc).__name__}: {exc})", path=p,
                          expected="a Windows driver image") from exc
    # No pe.close(): pefile was given bytes, not a file, so there is no mapping to release, and its
    # close() runs a full gc.collect() that would dominate the time per driver.
