"""Evidence from a support bundle: a zip, a folder (what the collector writes), or loose files.

Every file is identified by its content (core.sources.identify), so a renamed dump or a hive without
its usual name is still read; the layout in docs/bundle-format.md only decides which copy wins when
there are two. Zip members are read through core.sources.zipsafe and extracted only when asked for.
"""

from __future__ import annotations

import logging
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from core.advice import add_or_collect
from core.bundle import layout
from core.bundle.volume_files import MAX_FACT_FILE_BYTES, read_volume_files
from core.drivers import inspect_pe
from core.errors import DumpDoctorError, TempSpaceError, unreadable
from core.evidence_ref import TEMP_SPACE_STEP, Missing, Problem, Severity
from core.progress import NEVER_CANCELLED, CancelToken
from core.readiness.facts_model import VolumeFacts
from core.registry.keys import RegKey
from core.registry.model import CrashControl, RegistryFacts
from core.safefs import is_inside, open_regular, real_root
from core.sources import velociraptor
from core.sources.base import EventInput, EvidenceSource, RegistryHives
from core.sources.identify import PREFIX_SIZE, FileKind, hive_name_from_header, identify_bytes, parse_manifest
from core.sources.locate import driver_file_name
from core.sources.registry_load import load_hive, merge_reg_exports, which_hive
from core.sources.zipsafe import SafeZip, ZipLimits

log = logging.getLogger(__name__)

MAX_FOLDER_FILES = 20_000
MAX_FOLDER_DEPTH = 16
MAX_MANIFEST_BYTES = 4 << 20
MAX_CARRIED_PROBLEMS = 200  # problems of the first scan repeated from the manifest


@dataclass
class BundleItem:
    """One identified file of the bundle."""

    name: str  # path inside the bundle with forward slashes ("dumps/Minidump/a.dmp")
    kind: FileKind
    mtime: float = 0.0
    hive: str | None = None  # "SYSTEM" / "SOFTWARE" for hives (from the header; refined later)
    local: Path | None = None  # the file on disk (folders, loose files) or once extracted
    member: zipfile.ZipInfo | None = field(default=None, repr=False)

    @property
    def base_name(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    @property
    def folder(self) -> str:
        return self.name.rsplit("/", 1)[0].casefold() if "/" in self.name else ""


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _layout_rank(item: BundleItem, preferred: str) -> tuple[int, str]:
    """Which of two copies wins: the documented place first, then the shortest path."""
    return (0 if item.name.casefold().startswith(preferred) else 1, item.name)


class BundleSource(EvidenceSource):
    kind = "bundle"
    renames_files = True

    def __init__(self, description: str, items: list[BundleItem],
                 materialize: Callable[[BundleItem], Path] | None = None,
                 problems: list[Problem] | None = None, cleanup: Callable[[], None] | None = None,
                 label: str = "", where: str = "in this bundle") -> None:
        super().__init__()
        self.label = label  # zip file name shown before "!member"
        self.shown_root = ""  # set for the demo: items are shown as "<shown_root>/<name>"
        self.where = where  # how missing evidence is placed: loose files are "among the files chosen"
        self.description = description
        self.items = items
        self._materialize_fn = materialize
        self._cleanup = cleanup
        self._by_local: dict[str, BundleItem] = {}
        self._private_prefix: str | None = None  # the temporary folder zip members are unpacked into
        self._excerpts: dict[str, int] = {}
        self._registry: RegistryHives | None = None
        self._original_names: dict[str, str | None] = {}
        self.manifest_host: str | None = None
        self.problems.extend(problems or [])
        self._read_manifest()
        self._note_absent()

    # -- files -------------------------------------------------------------------------------------

    def _materialize(self, item: BundleItem) -> Path:
        if item.local is None:
            assert self._materialize_fn is not None
            item.local = self._materialize_fn(item)
        self._by_local[str(item.local)] = item
        return item.local

    def _fetch(self, item: BundleItem) -> Path | None:
        """The item's file on disk; a failure becomes a Problem naming the member."""
        try:
            return self._materialize(item)
        except TempSpaceError as exc:  # this computer's limit, not the evidence's fault
            self.problems.append(Problem(self._name(item), exc.message, Severity.ERROR, TEMP_SPACE_STEP))
        except DumpDoctorError as exc:
            self.problems.append(Problem(self._name(item), exc.message, step="bundle"))
        except OSError as exc:
            self.problems.append(Problem(self._name(item), unreadable(item.name, exc).message,
                                         step="bundle"))
        return None

    def _name(self, item: BundleItem) -> str:
        if self.shown_root:  # the built-in demo: never the folder it was unpacked to
            return f"{self.shown_root}/{item.name}"
        return f"{self.label}!{item.name}" if self._materialize_fn is not None else (
            str(item.local) if item.local is not None else item.name)

    def display_path(self, path: Path) -> str:
        item = self._by_local.get(str(path))
        return self._name(item) if item is not None else str(path)

    def public_text(self, text: str) -> str:
        if self._materialize_fn is None or not self._by_local:
            return text  # folders and loose files: the real path is the name the user knows
        if self._private_prefix is None:
            item = next(iter(self._by_local.values()))
            local = str(item.local)
            self._private_prefix = local[: len(local) - len(str(PurePosixPath(*item.name.split("/"))))]
        if self._private_prefix not in text:
            return text
        for local, item in sorted(self._by_local.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(local, self._name(item))
        return text

    def of_kind(self, kind: FileKind) -> list[BundleItem]:
        return [i for i in self.items if i.kind is kind]

    # -- manifest ----------------------------------------------------------------------------------

    def _read_manifest(self) -> None:
        for item in self.of_kind(FileKind.MANIFEST):
            path = self._fetch(item)
            if path is None:
                continue
            try:
                if path.stat().st_size > MAX_MANIFEST_BYTES:
                    raise DumpDoctorError("manifest larger than 4 MB; ignored", path=self._name(item))
                data = path.read_bytes()
            except DumpDoctorError as exc:
                self.problems.append(Problem(self._name(item), exc.message, Severity.WARNING, "bundle"))
                continue
            except OSError as exc:
                self.problems.append(Problem(self._name(item), unreadable(path, exc).message,
                                             Severity.WARNING, "bundle"))
                continue
            manifest = parse_manifest(data)
            if manifest is not None and not _is_utf8(data):
                self.problems.append(Problem(self._name(item), "manifest.json is not valid UTF-8 (an older "
                                             "collector wrote it in the console code page); characters "
                                             "that could not be decoded were replaced", Severity.INFO,
                                             "bundle"))
            if manifest is None:
                self.problems.append(Problem(self._name(item), "manifest.json is not valid JSON; "
                                             "file sizes and excerpts are not known", Severity.WARNING,
                                             "bundle"))
                continue
            origin = manifest.get("source")
            host = re.search(r"collected on (\S+)", origin) if isinstance(origin, str) else None
            if host and item.name.count("/") == 0:
                self.manifest_host = host.group(1)  # the collector's %COMPUTERNAME%: one identity claim
            if isinstance(origin, str) and origin.strip() and item.name.count("/") == 0:
                # Where the evidence was collected is what the helpdesk reads first; it is the
                # bundle's own words (possibly redacted), shown beside where we opened it.
                self.description = f"{self.description} — {' '.join(origin.split())[:200]}"
            if item.name.count("/") == 0:
                self._carry_scan_problems(manifest)
            prefix = item.name[: len(item.name) - len(item.base_name)].casefold()
            files = manifest.get("files")
            for entry in files if isinstance(files, list) else []:
                if not isinstance(entry, dict):
                    continue
                rel, size = entry.get("path"), entry.get("excerpt_of_size")
                if isinstance(rel, str) and isinstance(size, int) and size > 0:
                    key = (prefix + rel.replace("\\", "/").lstrip("/")).casefold()
                    self._excerpts[key] = size
                    self._excerpts.setdefault("*/" + key.rsplit("/", 1)[-1], size)

    def _carry_scan_problems(self, manifest: dict[str, object]) -> None:
        """What the scan that made the bundle could not read: the bundle holds only what was
        readable, so without this a reopened bundle would look complete."""
        entries = manifest.get("scan_problems")
        for entry in entries[:MAX_CARRIED_PROBLEMS] if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            path, message = entry.get("path"), entry.get("message")
            if not isinstance(path, str) or not isinstance(message, str):
                continue
            severity = entry.get("severity")
            step = entry.get("step")
            self.problems.append(Problem(
                path[:500], f"{message[:1000]} (reported by the scan that made this bundle)",
                Severity(severity) if severity in {s.value for s in Severity} else Severity.WARNING,
                step if isinstance(step, str) else "bundle"))
        records = manifest.get("unreadable_records")
        if isinstance(records, int) and not isinstance(records, bool) and records > 0:
            self.problems.append(Problem(
                "System event log", f"{records:,} damaged event record(s) could not be read by the scan "
                "that made this bundle; they are not in it", Severity.WARNING, "events"))

    def excerpt_of_size(self, path: Path) -> int | None:
        item = self._by_local.get(str(path))
        if item is None:
            return None
        found = self._excerpts.get(item.name.casefold())
        if found is None and "/" not in item.name:  # loose files: matched by file name alone
            found = self._excerpts.get("*/" + item.name.casefold())
        return found

    # -- missing evidence known from identification alone ------------------------------------------

    def _note_absent(self) -> None:
        if not self.of_kind(FileKind.EVTX) and not self.of_kind(FileKind.EVENT_XML):
            self.missing.append(Missing("event-log", f"No System event log (.evtx or XML export) "
                                        f"{self.where}.", add_or_collect("event-log")))
        if not self.of_kind(FileKind.PE):
            self.missing.append(Missing("drivers", f"No driver files (.sys) {self.where}, so driver "
                                        "versions and kinds cannot be checked.",
                                        add_or_collect("drivers")))
        if not self.of_kind(FileKind.KERNEL_DUMP) and not self.of_kind(FileKind.USER_DUMP):
            self.missing.append(Missing("dumps", f"No crash dump files {self.where}.",
                                        add_or_collect("dumps")))

    # -- EvidenceSource ----------------------------------------------------------------------------

    def _hive_item(self, name: str) -> BundleItem | None:
        hives = [i for i in self.of_kind(FileKind.HIVE) if i.hive == name]
        return min(hives, key=lambda i: _layout_rank(i, "registry/")) if hives else None

    def _fetch_hive(self, item: BundleItem) -> Path | None:
        # Transaction logs must sit beside the hive (same folder, "<hive>.LOG1") for replay.
        for log_item in self.of_kind(FileKind.HIVE_LOG):
            if (log_item.folder == item.folder
                    and log_item.base_name.casefold().startswith(item.base_name.casefold() + ".")):
                self._fetch(log_item)
        return self._fetch(item)

    def collector_version(self) -> tuple[str, str] | None:
        """(version text, member name) from the collector's system/ver.txt, when the bundle has one."""
        item = next((i for i in self.items if i.kind is FileKind.UNKNOWN
                     and i.name.casefold().endswith(layout.VER_TXT)), None)
        path = self._fetch(item) if item is not None else None
        if item is None or path is None:
            return None
        try:
            with path.open("rb") as fh:
                raw = fh.read(4096)
        except OSError:
            return None
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        text = raw.decode("utf-16", errors="replace") if utf16 else raw.decode("latin-1")
        match = re.search(r"Version\s+(\d+\.\d+\.\d+)", text)
        return (match.group(1), self._name(item)) if match else None

    def volume_facts(self, facts: RegistryFacts | None) -> VolumeFacts | None:
        by_name = {i.name.casefold(): i for i in self.items if i.kind is FileKind.UNKNOWN}

        def read(member: str) -> bytes | None:
            item = by_name.get(member.casefold())
            path = self._fetch(item) if item is not None else None
            if path is None:
                return None
            try:
                with open_regular(path) as fh:
                    return fh.read(MAX_FACT_FILE_BYTES)
            except DumpDoctorError as exc:
                self.problems.append(Problem(self._name(item) if item else member, exc.message,
                                             step="bundle"))
                return None
            except OSError as exc:
                self.problems.append(Problem(self._name(item) if item else member,
                                             unreadable(member, exc).message, step="bundle"))
                return None

        def shown(member: str) -> str:
            item = by_name.get(member.casefold())
            return self._name(item) if item is not None else member

        return read_volume_files(read, shown)

    def registry(self) -> RegistryHives:
        if self._registry is not None:
            return self._registry
        hives = RegistryHives()
        exports: list[Path] = []
        for export in self.of_kind(FileKind.REG_EXPORT):
            export_path = self._fetch(export)
            if export_path is not None:
                exports.append(export_path)
        merged = merge_reg_exports(exports, self.problems, self.display_path) if exports else {}
        for name in ("SYSTEM", "SOFTWARE"):
            item = self._hive_item(name)
            key = None
            if item is not None:
                path = self._fetch_hive(item)
                if path is not None:
                    key = load_hive(path, self.problems, self.display_path)
            if key is None and name in merged:
                key = merged[name]
                hives.notes.append(f"{name}: read from {len(exports)} registry export(s), not a hive file")
            elif key is not None and name in merged:
                hives.notes.append(f"{name}: the hive file was used; registry exports of it were ignored")
            if key is None:
                what = f"{name.lower()}-hive"
                # A hive that was given but could not be opened is not "no hive": say which one.
                words = (f"The {name} hive {self._name(item)} could not be read (see the files that could "
                         "not be read)." if item is not None else f"No {name} hive {self.where}.")
                self.missing.append(Missing(what, words, add_or_collect(what)))
            else:
                hives.put(name, key)
        self._registry = hives
        return hives

    def extra_system_hives(self) -> list[tuple[str, RegKey]]:
        """SYSTEM hives beyond the one registry() uses: loose files or a folder can hold hives from
        several computers, and each is scanned as its own machine rather than silently dropped."""
        chosen = self._hive_item("SYSTEM")
        out: list[tuple[str, RegKey]] = []
        for item in self.of_kind(FileKind.HIVE):
            if item.hive != "SYSTEM" or item is chosen:
                continue
            path = self._fetch_hive(item)
            key = load_hive(path, self.problems, self.display_path) if path is not None else None
            if key is not None:
                out.append((self._name(item), key))
        return out

    def dump_files(self, crash_control: CrashControl | None) -> list[Path]:
        # The crash control paths name places on the original machine; in a bundle every dump counts.
        dumps = [i for i in self.items if i.kind in (FileKind.KERNEL_DUMP, FileKind.USER_DUMP)]
        dumps.sort(key=lambda i: i.mtime, reverse=True)
        return [p for p in (self._fetch(i) for i in dumps) if p is not None]

    def driver_file(self, file_name: str, image_path: str | None = None) -> Path | None:
        wanted = driver_file_name(file_name, image_path).casefold()
        matches = [i for i in self.of_kind(FileKind.PE) if i.base_name.casefold() == wanted]
        if not matches:
            matches = [i for i in self.of_kind(FileKind.PE) if self._original_name(i) == wanted]
        if not matches:
            return None
        return self._fetch(min(matches, key=lambda i: _layout_rank(i, "drivers/")))

    def given_driver_files(self) -> list[Path]:
        return [p for p in (self._fetch(i) for i in self.of_kind(FileKind.PE)) if p is not None]

    def _original_name(self, item: BundleItem) -> str | None:
        """A renamed driver is still found by the OriginalFilename in its version resource."""
        if item.name not in self._original_names:
            self._original_names[item.name] = None
            path = self._fetch(item)
            if path is not None:
                try:
                    original = inspect_pe(path).original_filename
                except DumpDoctorError as exc:
                    log.info("%s: %s", self._name(item), exc)
                    original = None
                self._original_names[item.name] = original.casefold() if original else None
        return self._original_names[item.name]

    def event_inputs(self) -> list[EventInput]:
        out: list[EventInput] = []
        for item in self.items:
            if item.kind in (FileKind.EVTX, FileKind.EVENT_XML):
                path = self._fetch(item)
                if path is not None:
                    kind = "evtx" if item.kind is FileKind.EVTX else "xml"
                    out.append(EventInput(kind, path, self._name(item)))
        return out

    def close(self) -> None:
        if self._registry is not None:  # mapped hives first: Windows cannot delete a mapped file
            self._registry.close()
        if self._cleanup is not None:
            self._cleanup()
            self._cleanup = None


# -- constructors ------------------------------------------------------------------------------------


def _identify_local(path: Path, name: str, problems: list[Problem], *,
                    explicit: bool = False, root: Path | None = None) -> BundleItem | None:
    """Identify one file on disk by its first bytes. Only regular files inside `root` are opened
    (core.safefs): a pipe or device is named and skipped, a link that leaves the evidence reported."""
    try:
        with open_regular(path, root) as fh:
            prefix = fh.read(PREFIX_SIZE)
            mtime = os.fstat(fh.fileno()).st_mtime
    except DumpDoctorError as exc:
        problems.append(Problem(str(path), exc.message, Severity.WARNING, "bundle"))
        return None
    except OSError as exc:
        problems.append(Problem(str(path), unreadable(path, exc).message, step="bundle"))
        return None
    return _item(name, prefix, mtime, problems, str(path), local=path, explicit=explicit)


# What a file's name promises; when the content is something else the user must hear about it.
_NAMED_LIKE = {".dmp": "a crash dump", ".mdmp": "a crash dump", ".evtx": "an event log",
               ".reg": "a registry export", ".sys": "a driver", ".xml": "an event log export",
               ".hiv": "a registry hive"}
_HIVE_NAMES = {"system", "software", "sam", "security", "default", "ntuser.dat"}


def _unrecognised(name: str, shown: str, explicit: bool, problems: list[Problem]) -> None:
    base = PurePosixPath(name).name.lower()
    promised = _NAMED_LIKE.get(PurePosixPath(base).suffix) or (
        "a registry hive" if base in _HIVE_NAMES else None)
    if promised:
        problems.append(Problem(shown, f"named like {promised}, but its content is not one (damaged, "
                                "incomplete or a different file); it was not used", Severity.WARNING,
                                "bundle"))
    elif explicit:
        problems.append(Problem(shown, "not a file Dump Doctor reads (a crash dump, registry hive or "
                                ".reg export, event log or driver); it was not used", Severity.WARNING,
                                "bundle"))
    else:  # companions in a bundle folder: systeminfo.txt, README.txt, report.html ...
        log.info("%s: not evidence Dump Doctor reads; ignored", shown)


_SYSTEM_FACT_FILES = frozenset(n.casefold() for n in layout.SYSTEM_FACT_FILES)


def _item(name: str, prefix: bytes, mtime: float, problems: list[Problem], shown: str,
          local: Path | None = None, *, explicit: bool = False) -> BundleItem | None:
    kind = identify_bytes(prefix)
    if kind is FileKind.UNKNOWN and name.casefold() in _SYSTEM_FACT_FILES:
        return BundleItem(name, kind, mtime, local=local)  # read by name: core.bundle.volume_files
    if kind is FileKind.UNKNOWN:
        _unrecognised(name, shown, explicit, problems)
        return None
    if kind is FileKind.ZIP:
        problems.append(Problem(shown, "a zip inside the bundle is not opened; unpack it and add its "
                                "files instead", Severity.INFO, "bundle"))
        return None
    item = BundleItem(name, kind, mtime, local=local)
    if kind is FileKind.HIVE:
        item.hive = hive_name_from_header(prefix)
    return item


def _refine_hives(source_items: list[BundleItem], fetch: Callable[[BundleItem], Path | None],
                  problems: list[Problem], display: Callable[[Path], str]) -> None:
    """Ask the registry package which hive each regf file is (the header name can be missing)."""
    for item in source_items:
        if item.kind is FileKind.HIVE and item.hive is None:
            path = fetch(item)
            if path is not None:
                item.hive = which_hive(path, problems, display)


def folder_bundle(folder: Path) -> BundleSource:
    problems: list[Problem] = []
    items: list[BundleItem] = []
    root = real_root(folder)  # links are followed only while they stay inside the bundle folder
    base_depth = len(folder.parts)
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False,
                                                onerror=lambda e: problems.append(
                                                    Problem(str(e.filename), unreadable(
                                                        e.filename or folder, e).message,
                                                        Severity.WARNING, "bundle"))):
        here = Path(dirpath)
        if len(here.parts) - base_depth >= MAX_FOLDER_DEPTH:
            dirnames.clear()
            problems.append(Problem(str(here), f"folders nested deeper than {MAX_FOLDER_DEPTH} levels "
                                    "are not read", Severity.WARNING, "bundle"))
        dirnames.sort()
        for dname in dirnames:  # os.walk does not enter linked folders; say so when one leads out
            linked = here / dname
            if linked.is_symlink() and not is_inside(linked, root):
                problems.append(Problem(str(linked), f"a link to the folder {os.path.realpath(linked)}, "
                                        "outside the bundle; links that leave the evidence are never "
                                        "followed", Severity.WARNING, "bundle"))
        for fname in sorted(filenames):
            if len(items) >= MAX_FOLDER_FILES:
                problems.append(Problem(str(folder), f"more than {MAX_FOLDER_FILES} files; the rest "
                                        "are not read", Severity.WARNING, "bundle"))
                return _finish(BundleSource(f"Bundle folder {folder}", items, None, problems))
            path = here / fname
            item = _identify_local(path, path.relative_to(folder).as_posix(), problems, root=root)
            if item is not None:
                items.append(item)
    description = f"Bundle folder {folder}"
    collection = velociraptor.recognise_folder(folder, items)  # an unpacked Velociraptor collection
    if collection is not None:
        description = f"{collection.description} ({folder})"
        problems.extend(collection.problems)
    return _finish(BundleSource(description, items, None, problems))


def loose_bundle(paths: list[Path]) -> BundleSource:
    problems: list[Problem] = []
    items: list[BundleItem] = []
    for path in paths:
        item = _identify_local(path, path.name, problems, explicit=True)
        if item is not None:
            items.append(item)
    names = ", ".join(p.name for p in paths[:3]) + (" ..." if len(paths) > 3 else "")
    source = _finish(BundleSource(f"Evidence files {names}", items, None, problems,
                                  where="among the files chosen"))
    source.kind = "files"  # read like a bundle, but the user chose the files: reports say so
    return source


def zip_bundle(path: Path, limits: ZipLimits | None = None) -> BundleSource:
    archive = SafeZip(path, limits)
    problems = list(archive.problems)
    items: list[BundleItem] = []
    for info in archive.members:
        name = SafeZip.member_path(info)
        try:
            prefix = archive.read_prefix(info, PREFIX_SIZE)
        except DumpDoctorError as exc:
            problems.append(Problem(f"{path.name}!{name}", exc.message, step="bundle"))
            continue
        try:
            mtime = datetime(*info.date_time).timestamp()
        except (ValueError, OverflowError):
            mtime = 0.0
        item = _item(name, prefix, mtime, problems, f"{path.name}!{name}")
        if item is not None:
            item.member = info
            items.append(item)

    opened: list[BundleSource] = []  # the source, once made: its cancel token stops a long unpack

    def cancel() -> CancelToken:
        return opened[0].cancel if opened else NEVER_CANCELLED

    archive.current_cancel = cancel

    def materialize(item: BundleItem) -> Path:
        assert item.member is not None
        if item.kind is FileKind.KERNEL_DUMP:
            # Dump readers take the header and the pages they walk, through core.safefs: read
            # straight from the archive, a 32 GB member costs what is read, not 32 GB.
            return archive.open_lazily(item.member)
        return archive.extract(item.member, cancel())

    description = f"Bundle {path.name}"
    collection = velociraptor.recognise(archive, archive.members, items, path.name)
    if collection is not None:  # a Velociraptor offline collection (core/sources/velociraptor.py)
        description = collection.description
        problems.extend(collection.problems)
    try:
        source = BundleSource(description, items, materialize, problems, archive.close, path.name)
        opened.append(source)
        return _finish(source)
    except BaseException:
        archive.close()
        raise


def _finish(source: BundleSource) -> BundleSource:
    _refine_hives(source.items, source._fetch, source.problems, source.display_path)
    return source
