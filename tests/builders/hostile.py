"""Hostile and broken evidence, built by code (issue #19): damaged zips, central directories written
by hand, sparse bombs, links out of the evidence, FIFOs, deeply nested XML, damaged hives. Nothing
here is third-party data; every input that once broke a reader can be rebuilt from these functions
(tests/core/hostile/corpus.py names them)."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from tests.builders.dumps import build_kernel_dump
from tests.builders.offline_root import Machine, memory_roots, write_offline_root
from tests.builders.regf import HiveImage, build_hive

DUMP = build_kernel_dump(64, 0xD1)

# -- zips ------------------------------------------------------------------------------------------


def zip_bytes(members: Iterable[tuple[str | zipfile.ZipInfo, bytes]],
              compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def _central_entries(data: bytes) -> list[int]:
    """Offsets of the central directory headers (PK\\1\\2) in a zip built by zip_bytes."""
    out, start = [], 0
    while (pos := data.find(b"PK\x01\x02", start)) >= 0:
        out.append(pos)
        start = pos + 4
    return out


def damaged_deflate_zip() -> bytes:
    """A deflated member whose compressed stream is garbage past its first bytes (zlib.error), beside
    a good one."""
    data = bytearray(zip_bytes([("dumps/bad.dmp", DUMP + os.urandom(4096)), ("dumps/good.dmp", DUMP)]))
    name_len = struct.unpack_from("<H", data, 26)[0]
    body = 30 + name_len
    data[body + 2:body + 400] = b"\xff" * 398  # invalid deflate block types
    return bytes(data)


def empty_name_zip() -> bytes:
    data = bytearray(zip_bytes([("x", DUMP), ("dumps/good.dmp", DUMP)]))
    # Rename "x" to "" in the central directory: name length 0 and the byte dropped.
    cd = _central_entries(bytes(data))[0]
    struct.pack_into("<H", data, cd + 28, 0)
    del data[cd + 46]
    _fix_end(data, -1)
    return bytes(data)


def _fix_end(data: bytearray, delta: int) -> None:
    """After the central directory changed size by `delta`, correct the end record's size field."""
    eocd = data.rfind(b"PK\x05\x06")
    size = struct.unpack_from("<L", data, eocd + 12)[0]
    struct.pack_into("<L", data, eocd + 12, size + delta)


def future_version_zip() -> bytes:
    """One member needs zip version 9.9 (zipfile: NotImplementedError for the whole archive)."""
    data = bytearray(zip_bytes([("dumps/new.dmp", DUMP), ("dumps/good.dmp", DUMP)]))
    data[_central_entries(bytes(data))[0] + 6] = 99
    return bytes(data)


def bad_utf8_name_zip() -> bytes:
    """A name flagged UTF-8 (bit 11) holding bytes that are not UTF-8 (zipfile: UnicodeDecodeError)."""
    data = bytearray(zip_bytes([("dumps/\u00e4x.dmp", DUMP), ("dumps/good.dmp", DUMP)]))
    bad = "dumps/\u00e4x.dmp".encode()
    assert len(bad) == len(b"dumps/\xe4\xffx.dmp")
    return bytes(data.replace(bad, b"dumps/\xe4\xffx.dmp"))


def corrupt_extra_zip() -> bytes:
    """One member's extra field claims more bytes than it holds (zipfile: BadZipFile for all)."""
    info = zipfile.ZipInfo("dumps/extra.dmp")
    info.extra = struct.pack("<HH", 0x7075, 40) + b"abcd"
    data = bytearray(zip_bytes([(info, DUMP), ("dumps/good.dmp", DUMP)]))
    return bytes(data)


def huge_directory_zip(entries: int, *, declared: int | None = None) -> bytes:
    """`entries` empty stored members written by hand (central directory and end record too), the end
    record declaring `declared` (default: entries); zip64 records when counts exceed 65,535."""
    local = io.BytesIO()
    central = io.BytesIO()
    for i in range(entries):
        name = f"e/{i:07d}".encode()
        offset = local.tell()
        local.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, 0, 0, 0, len(name), 0)
                    + name)
        central.write(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 0, 0, 0x21, 0, 0, 0,
                                  len(name), 0, 0, 0, 0, 0, offset) + name)
    body = local.getvalue()
    cd = central.getvalue()
    count = entries if declared is None else declared
    out = body + cd
    if count > 0xFFFF:
        z64_at = len(out)
        out += struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(cd), len(body))
        out += struct.pack("<4sLQL", b"PK\x06\x07", 0, z64_at, 1)
        out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(cd), len(body), 0)
    return out


def deflated_member(name: str, chunks: Iterable[bytes]) -> tuple[zipfile.ZipInfo, bytes, int, int]:
    """Compress a member from chunks without holding it whole: (info, compressed, crc, size)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = bytearray()
    crc = 0
    size = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        out += comp.compress(chunk)
    out += comp.flush()
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, bytes(out), crc, size


def raw_zip(members: list[tuple[zipfile.ZipInfo, bytes, int, int]]) -> bytes:
    """A zip of already-compressed members (from deflated_member)."""
    local = io.BytesIO()
    central = io.BytesIO()
    for info, comp, crc, size in members:
        name = info.filename.encode()
        offset = local.tell()
        local.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(comp), size,
                                len(name), 0) + name + comp)
        central.write(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 8, 0, 0x21, crc,
                                  len(comp), size, len(name), 0, 0, 0, 0, 0, offset) + name)
    body, cd = local.getvalue(), central.getvalue()
    return body + cd + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(cd),
                                   len(body), 0)


def sparse_bomb_zip(members: int, zero_bytes: int, noise: int = 0) -> bytes:
    """Kernel-dump members that are a real header, then `zero_bytes` of zeros, then `noise` random
    bytes (which keeps the ratio under the bomb limit): tiny to ship, huge to extract naively."""

    def chunks() -> Iterable[bytes]:
        yield DUMP
        left = zero_bytes
        block = bytes(1 << 20)
        while left > 0:
            yield block[:min(left, len(block))]
            left -= len(block)
        if noise:
            yield os.urandom(noise)

    return raw_zip([deflated_member(f"dumps/MEMORY{i}.DMP", chunks()) for i in range(members)])


# -- folders ---------------------------------------------------------------------------------------


def offline_root_with_links_out(root: Path, outside: Path) -> Path:
    """A Windows volume copy whose LiveKernelReports is a link to `outside` (e.g. "/"), whose Minidump
    holds a link to a dump outside, and whose drivers folder links a driver from outside."""
    layout = write_offline_root(root)
    (layout.windows / "LiveKernelReports").symlink_to(outside, target_is_directory=True)
    stray = outside / "stray.dmp"
    if outside.is_dir() and os.access(outside, os.W_OK):
        stray.write_bytes(DUMP)
    (layout.windows / "Minidump" / "outside.dmp").symlink_to(stray)
    return root


def fifo(path: Path) -> Path:
    """A named pipe where a file is expected: opening it for reading blocks until a writer comes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


# -- event XML -------------------------------------------------------------------------------------


def deep_xml(depth: int, events: bytes = b"") -> bytes:
    """<Events> then `depth` unclosed elements, then (optionally) real events."""
    return b"<Events>" + b"<a>" * depth + events


# -- hives -----------------------------------------------------------------------------------------


def damaged_system_hive(how: str, machine: Machine | None = None) -> bytes:
    """The SYSTEM hive of a generated machine with one defect the readers must survive:
    "subkey-list" (the Services subkey list is not a list), "name-length" (a key's name length runs
    past its cell), "name-bytes" (a key name that does not decode)."""
    roots = memory_roots(machine or Machine())
    image: HiveImage = build_hive(roots["SYSTEM"])
    data = image.data
    services = "ControlSet001\\Services"
    if how == "subkey-list":
        at = image.file_offset(image.list_offsets[services])
        data[at + 4:at + 6] = b"zz"  # the cell's signature: neither lf/lh/li/ri
    elif how == "name-length":
        victim = next(k for k in image.key_offsets if k.startswith(services + "\\"))
        at = image.file_offset(image.key_offsets[victim])
        struct.pack_into("<H", data, at + 4 + 0x48, 0xFFFF)
    elif how == "name-bytes":
        victim = next(k for k in image.key_offsets if k.startswith(services + "\\"))
        at = image.file_offset(image.key_offsets[victim])
        flags = struct.unpack_from("<H", data, at + 4 + 2)[0]
        struct.pack_into("<H", data, at + 4 + 2, flags & ~0x20)  # name claims UTF-16
        data[at + 4 + 0x4C:at + 4 + 0x4D] = b"\xd8"  # a lone surrogate half
    else:  # pragma: no cover - a typo in a test
        raise ValueError(how)
    return bytes(data)
