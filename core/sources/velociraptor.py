"""Velociraptor offline collections (the zip its offline collector writes) read as bundles.

A collection keeps each file it took from the machine under `uploads/<accessor>/<path>`, every path
component percent-encoded (`uploads/auto/C%3A/Windows/System32/config/SYSTEM`,
`uploads/ntfs/%5C%5C.%5CC%3A/...`), beside its own records (`client_info.json` with the host name,
`collection_context.json`, `uploads.json` with each file's size and how much was uploaded). The bundle
source already identifies every member by content, so hives, event logs, dumps and drivers in such a
zip are read as they are; this module only recognises the collection, names members by the Windows
path they came from, names the machine, and says what the collection lacks or cut short.
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote

from core.errors import DumpDoctorError
from core.evidence_ref import Problem, Severity
from core.sources.identify import FileKind

log = logging.getLogger(__name__)

_MARKERS = ("client_info.json", "collection_context.json")
_MAX_JSON = 4 << 20  # the collection's own records; anything larger is not read
_READS = frozenset({FileKind.HIVE, FileKind.EVTX, FileKind.KERNEL_DUMP, FileKind.PE, FileKind.REG_EXPORT,
                    FileKind.EVENT_XML})
WHAT_TO_COLLECT = ("C:\\Windows\\System32\\config\\SYSTEM and SOFTWARE (with their .LOG1/.LOG2), "
                   "C:\\Windows\\System32\\winevt\\Logs\\System.evtx, C:\\Windows\\Minidump\\*.dmp and "
                   "C:\\Windows\\System32\\drivers\\*.sys")


class _Item(Protocol):  # core.sources.bundle.BundleItem, without importing it (no cycle)
    name: str
    kind: FileKind


class _Archive(Protocol):
    def read_prefix(self, info: zipfile.ZipInfo, size: int) -> bytes: ...


@dataclass
class Collection:
    host: str | None
    description: str
    problems: list[Problem] = field(default_factory=list)


def is_collection(names: Sequence[str]) -> bool:
    """A Velociraptor collection: its records at the root, or files under uploads/<accessor>/."""
    root = {n.casefold() for n in names if "/" not in n}
    if any(m in root for m in _MARKERS):
        return True
    return any(n.casefold().startswith(("uploads/auto/", "uploads/ntfs/", "uploads/file/")) for n in names)


def is_encrypted_collection(names: Sequence[str]) -> bool:
    """A secured collection: the real container is an encrypted zip inside, with metadata beside it."""
    root = {n.casefold() for n in names if "/" not in n}
    return "metadata.json" in root and bool(root & {"data.zip", "data"})


def windows_path(name: str) -> str | None:
    """'C:/Windows/System32/config/SYSTEM' for an uploads/ member; None for the collection's records."""
    parts = name.split("/")
    if len(parts) < 4 or parts[0].casefold() != "uploads":
        return None
    decoded = [unquote(p) for p in parts[2:]]
    device = decoded[0]
    if device.startswith(("\\\\.\\", "\\\\?\\")):  # the ntfs accessor's raw device, \\.\C:
        device = device[4:]
    return "/".join([device, *decoded[1:]])


Read = Callable[[str], bytes | None]  # a record of the collection by name, None when absent or too big


def _json_record(read: Read, name: str) -> Any:
    data = read(name)
    try:
        return json.loads(data.decode("utf-8", "replace")) if data is not None else None
    except ValueError:
        return None


def _short_uploads(text: str, label: str) -> list[Problem]:
    """uploads.json (one JSON object a line): files the collector stored only in part."""
    out: list[Problem] = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("Type") == "idx":
            continue
        size, stored = entry.get("file_size"), entry.get("uploaded_size")
        path = entry.get("vfs_path") or "/".join(str(c) for c in entry.get("_Components") or [])
        if isinstance(size, int) and isinstance(stored, int) and 0 <= stored < size:
            out.append(Problem(f"{label}!{path}", f"the collection stored only {stored:,} of its {size:,} "
                               "bytes (an upload limit was reached); what lies beyond is not in the bundle",
                               Severity.WARNING, "bundle"))
    return out


def recognise_names(names: Sequence[str], read: Read, items: Sequence[_Item],
                    label: str) -> Collection | None:
    """Recognise a collection from its member names (zip members or a folder's relative paths), read
    its records through `read`, and name its files by their Windows paths (in place). None when it is
    not a Velociraptor collection."""
    if is_encrypted_collection(names):
        return Collection(None, f"Velociraptor collection {label} (encrypted)", [Problem(
            label, "an encrypted Velociraptor collection: the files are inside its password-protected "
            "data.zip. Open it with Velociraptor (or unzip data.zip with the collection's password) and "
            "give Dump Doctor the inner zip", Severity.ERROR, "bundle")])
    if not is_collection(names):
        return None
    host = None
    data = _json_record(read, "client_info.json")
    if isinstance(data, dict):
        found = data.get("Hostname") or data.get("hostname") or data.get("Fqdn") or data.get("fqdn")
        host = " ".join(str(found).split())[:100] if found else None
    for item in items:
        path = windows_path(item.name)
        if path is not None:
            item.name = path
    problems: list[Problem] = []
    uploads = read("uploads.json")
    if uploads is not None:
        problems.extend(_short_uploads(uploads.decode("utf-8", "replace"), label))
    if not any(i.kind in _READS for i in items):
        problems.append(Problem(label, "this Velociraptor collection holds none of the files Dump Doctor "
                                f"reads; collect {WHAT_TO_COLLECT}", Severity.ERROR, "bundle"))
    description = f"Velociraptor collection {label}" + (f" from {host}" if host else "")
    return Collection(host, description, problems)


def recognise(archive: _Archive, members: Sequence[zipfile.ZipInfo], items: Sequence[_Item],
              label: str) -> Collection | None:
    """A collection zip (core.sources.bundle.zip_bundle)."""
    names = ["/".join(p for p in m.filename.replace("\\", "/").split("/") if p) for m in members]
    by_name = dict(zip(names, members, strict=True))

    def read(name: str) -> bytes | None:
        info = by_name.get(name)
        if info is None or info.file_size > _MAX_JSON:
            return None
        try:
            return archive.read_prefix(info, _MAX_JSON)
        except DumpDoctorError:
            return None

    return recognise_names(names, read, items, label)


def recognise_folder(folder: Path, items: Sequence[_Item]) -> Collection | None:
    """An unpacked collection (core.sources.bundle.folder_bundle): its records at the folder's root."""
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return None
    names += [i.name for i in items]

    def read(name: str) -> bytes | None:
        path = folder / name
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_JSON:
                return None
            return path.read_bytes()
        except OSError:
            return None

    return recognise_names(names, read, items, folder.name)
