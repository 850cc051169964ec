"""The bundle's readiness facts (docs/bundle-format.md): free space per volume, page files in use,
installed RAM and DumpStack.log, in the shape the collector's `wmic ... /format:csv` writes them.
Written by the exporter from a scan's VolumeFacts and read back by the bundle source, so a bundle
answers the readiness checks the same way the machine did.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from core.bundle import layout
from core.evidence_ref import EvidenceRef
from core.readiness.facts_model import DumpStackLog, VolumeFacts, VolumeSpace
from core.textenc import sniff_encoding

MAX_FACT_FILE_BYTES = 256 * 1024  # wmic output is a few hundred bytes; anything bigger is not it
Read = Callable[[str], bytes | None]  # member name → its bytes (None: not in the bundle)


def _decode(raw: bytes) -> str:
    encoding, skip = sniff_encoding(raw[:4])
    return raw[skip:].decode(encoding, errors="replace")


def _rows(raw: bytes | None) -> list[dict[str, str]]:
    """wmic CSV: a blank line, then a header; values trimmed; unparsable rows skipped."""
    if not raw:
        return []
    lines = [line for line in _decode(raw[:MAX_FACT_FILE_BYTES]).splitlines() if line.strip()]
    try:
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        # A row longer than the header puts the rest under the key None as a list: keep strings only.
        return [{(k or "").strip(): v.strip() for k, v in row.items() if isinstance(v, str)}
                for row in reader]
    except csv.Error:  # not the CSV wmic writes: the facts stay "not known"
        return []


def _number(text: str | None) -> int | None:
    value = (text or "").strip()
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 25 else None


def read_volume_files(read: Read, shown: Callable[[str], str]) -> VolumeFacts | None:
    """VolumeFacts from the bundle's system/ files; None when it holds none of them."""
    raw = {name: read(name) for name in layout.SYSTEM_FACT_FILES}
    if not any(raw.values()):
        return None
    vf = VolumeFacts()
    for row in _rows(raw[layout.VOLUMES_CSV]):
        free, drive = _number(row.get("FreeSpace")), row.get("DeviceID", "")
        if free is not None and len(drive) >= 2 and drive[1] == ":":
            vf.volumes.append(VolumeSpace(drive[:2].upper(), free, _number(row.get("Size")),
                                          EvidenceRef("file", shown(layout.VOLUMES_CSV),
                                                      f"{drive} FreeSpace")))
    for row in _rows(raw[layout.PAGEFILES_CSV]):
        size, name = _number(row.get("AllocatedBaseSize")), row.get("Name", "")
        if size is not None and name:
            vf.page_file_sizes_mb[name.lower()] = size
            vf.page_file_sizes_ref = EvidenceRef("file", shown(layout.PAGEFILES_CSV),
                                                 "AllocatedBaseSize (MB)")
    for row in _rows(raw[layout.MEMORY_CSV]):
        ram = _number(row.get("TotalPhysicalMemory"))
        if ram:
            vf.ram_bytes = ram
            vf.ram_ref = EvidenceRef("file", shown(layout.MEMORY_CSV), "TotalPhysicalMemory")
    for name in layout.DUMPSTACK_LOGS:
        data = raw[name]
        if data:
            text = _decode(data[:16 * 1024])
            text = "".join(c if c.isprintable() or c in "\r\n\t" else "?" for c in text).strip()
            vf.dump_stack_logs.append(DumpStackLog(name.rsplit("/", 1)[-1], text, None,
                                                   EvidenceRef("file", shown(name), "dump stack log")))
    return vf


def volume_files(vf: VolumeFacts | None) -> list[tuple[str, bytes]]:
    """The same files, written by the exporter (UTF-8 CSV with the collector's columns)."""
    if vf is None:
        return []
    out: list[tuple[str, bytes]] = []

    def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buf.getvalue().encode("utf-8")

    if vf.volumes:
        out.append((layout.VOLUMES_CSV, csv_bytes(
            ["Node", "DeviceID", "FreeSpace", "Size"],
            [["", v.drive, str(v.free_bytes), str(v.total_bytes or "")] for v in vf.volumes])))
    if vf.page_file_sizes_mb:
        out.append((layout.PAGEFILES_CSV, csv_bytes(
            ["Node", "AllocatedBaseSize", "CurrentUsage", "Name"],
            [["", str(mb), "", name] for name, mb in vf.page_file_sizes_mb.items()])))
    if vf.ram_bytes:
        out.append((layout.MEMORY_CSV, csv_bytes(["Node", "TotalPhysicalMemory"], [["", str(vf.ram_bytes)]])))
    for log in vf.dump_stack_logs:
        name = log.path.replace("/", "\\").rsplit("\\", 1)[-1]
        member = f"system/{name}"
        if member in layout.DUMPSTACK_LOGS:
            out.append((member, log.text.encode("utf-8")))
    return out
