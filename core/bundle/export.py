"""Export one support bundle: the report, the registry keys and events the diagnosis used, the crash
dumps and dump-path drivers, and a manifest — as a zip another Dump Doctor opens as a source.

Memory stays flat whatever the evidence size: files are streamed into the zip in chunks. The zip is
written to a temporary file beside the destination (".NAME.<8 hex>.partial", locked while written) and
renamed only when complete, so a cancelled or failed export never leaves a partial bundle behind; one
killed outright (SIGKILL, power loss) leaves its partial file, which the next export to that folder
removes and reports.

Every step is guarded like the scan: evidence that cannot be read (a damaged hive key, an event log,
a dump) becomes a `left_out` entry naming it and saying why, and the bundle is written with the rest.
Only a destination that cannot be written stops the export.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from core.bundle import layout
from core.bundle.dumpfiles import plan_dump
from core.bundle.eventxml import events_xml
from core.bundle.manifest import FileEntry, LeftOut, Manifest
from core.bundle.redact import Redactor
from core.bundle.registry_export import RegFile, collect_reg_files, learn_registry, reg_file_bytes
from core.bundle.volume_files import volume_files
from core.diagnosis.model import Diagnosis
from core.errors import Cancelled, DumpDoctorError, UsageError, unreadable
from core.events.model import EventRecord
from core.events.reader import read_events
from core.evidence import Evidence
from core.evidence_ref import TEMP_SPACE_STEP
from core.formatting import format_size
from core.progress import NEVER_CANCELLED, CancelToken, ProgressSink, ProgressUpdate, no_progress
from core.report import render_html, render_json, render_text
from core.safefs import file_size, open_regular, stream_mtime
from core.scan import EventRead
from core.sources.base import EvidenceSource

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
T = TypeVar("T")

CHUNK = 1 << 20
MAX_DRIVER_BYTES = 64 * 1024 * 1024  # no real driver comes close; anything bigger is not one

_DUMPS_MAY_HOLD_NAMES = ("crash dumps hold memory contents, which can include user names, computer "
                         "names and other personal data; they are binary and were not redacted")


@dataclass
class BundleOptions:
    redact: bool = False  # the GUI turns it on by default, the CLI with --redact
    include_memory_dmp: bool = False  # the whole MEMORY.DMP instead of its header pages
    include_evtx: bool = True  # the whole System.evtx when small (never with redaction: it is binary)
    evtx_max_bytes: int = layout.EVTX_MAX_BYTES
    include_minidumps: bool = True  # small memory dumps may hold names in memory (see redact.py)


@dataclass
class BundleResult:
    path: Path
    manifest: Manifest
    size: int  # bytes of the finished zip
    removed_partials: list[Path] = field(default_factory=list)  # left by exports that were killed

    @property
    def left_out(self) -> list[LeftOut]:
        return self.manifest.left_out


@dataclass
class _Copy:
    member: str
    path: Path
    limit: int | None = None  # copy only the first `limit` bytes
    excerpt_of_size: int | None = None
    size: int = 0
    shown: str = ""  # how the source names the file (a zip member, never a temporary path)


@dataclass
class _Plan:
    texts: list[tuple[str, bytes]] = field(default_factory=list)
    copies: list[_Copy] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_redacted: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def name(self, folder: str, file_name: str) -> str:
        """A member name under `folder` that is not taken yet (two sources can hold the same name)."""
        stem, dot, ext = file_name.rpartition(".")
        if not dot:
            stem, ext = file_name, ""
        candidate, n = f"{folder}/{file_name}", 1
        while candidate.casefold() in self.used:
            n += 1
            candidate = f"{folder}/{stem}-{n}{dot}{ext}"
        self.used.add(candidate.casefold())
        return candidate


def memory_dmp_size(source: EvidenceSource, evidence: Evidence | None = None) -> int | None:
    """Size of the complete/kernel memory dump the source holds (None: there is none), so the
    GUI can show it before the user asks for the whole file."""
    for path in _dump_candidates(source, evidence):
        try:
            plan = plan_dump(path)
        except DumpDoctorError as exc:  # the scan reports unreadable dumps; this is only a size hint
            log.info("no size for %s: %s", path, exc)
            continue
        if plan.kind == "memory":
            return plan.size
    return None


def export_bundle(source: EvidenceSource, evidence: Evidence, diagnosis: Diagnosis | None, dest: Path,
                  options: BundleOptions | None = None, progress: ProgressSink = no_progress,
                  cancel: CancelToken = NEVER_CANCELLED, *,
                  event_reads: list[EventRead] | None = None) -> BundleResult:
    """Write the bundle to `dest` (a .zip). Evidence that cannot be read is listed under left_out in
    the manifest with the reason; only a destination that cannot be written raises (UsageError).
    Raises Cancelled when `cancel` is set; nothing is left at `dest` then. `event_reads` are the
    System-log reads of the examination (core.examine.Case): given, no log is read a second time."""
    options = options or BundleOptions()
    dest = Path(dest)
    if not dest.parent.is_dir():
        raise UsageError("the folder for the bundle does not exist", path=dest.parent)
    removed = remove_stale_partials(dest.parent)
    source.cancel = cancel  # members of a zip source may still be unpacked while collecting
    redactor = Redactor(enabled=options.redact)
    plan = _Plan()

    progress(ProgressUpdate("export", 0, None, "collecting evidence"))
    reg_files: list[RegFile] = _guarded(plan, "registry",
                                        lambda: collect_reg_files(source, plan.left_out), [])
    cancel.check()
    logs: list[list[EventRecord]] = _guarded(
        plan, "System event log", lambda: _events(source, plan, options, redactor, event_reads), [])
    records = [rec for log_records in logs for rec in log_records]
    cancel.check()
    _guarded(plan, "crash dumps", lambda: _dumps(source, evidence, plan, options), None)
    _guarded(plan, "driver files", lambda: _drivers(source, evidence, plan), None)
    reports = _reports(diagnosis, evidence, plan)
    cancel.check()

    if redactor.enabled:
        # Learning must not fail half-way silently: what it could not read is not written either.
        _guarded(plan, "redaction", lambda: _learn(redactor, source, evidence, reg_files, records, reports,
                                                   plan), None)
        plan.not_redacted.extend(f"{c.member}: {_binary_note(c.member)}" for c in plan.copies)

    for member, text in reports:
        plan.texts.append((member, redactor.text(text).encode("utf-8")))
    for reg in reg_files:
        member = f"{layout.REGISTRY_DIR}/{reg.spec.file}"
        data = _guarded(plan, reg.spec.reg_path(), lambda r=reg: reg_file_bytes(  # type: ignore[misc]
            r, redactor, plan.left_out), None)
        if data is not None:
            plan.texts.append((member, data))
    # One export per System log read: logs of different computers in one file would read back as one
    # computer under several names. The first is events/System.xml, as the bundle format names it.
    for log_records in (r for r in logs if r):
        member = plan.name(*layout.EVENTS_XML.split("/"))  # events/System.xml, then System-2.xml, ...
        xml = _guarded(plan, member, lambda r=log_records: events_xml(r), None)  # type: ignore[misc]
        if xml is not None:
            plan.texts.append((member, redactor.text(xml).encode("utf-8")))
    for member, data in volume_files(evidence.volume_facts):  # free space, page files, DumpStack.log
        plan.texts.append((member, redactor.text(data.decode("utf-8")).encode("utf-8")))
    cancel.check()

    manifest = Manifest(source=redactor.text(evidence.whole_source_description or source.description))
    manifest.scan_problems = [p for p in evidence.problems if p.step != TEMP_SPACE_STEP]
    manifest.unreadable_records = evidence.timeline.unreadable_records if evidence.timeline else 0
    result = _write_zip(dest, plan, manifest, redactor, progress, cancel)
    result.removed_partials = removed
    return result


def _guarded(plan: _Plan, what: str, fn: Callable[[], T], default: T) -> T:
    """One step of the export; any failure becomes a left_out entry naming `what` (as the scan's
    guarded() makes a Problem), and the export goes on with the rest."""
    try:
        return fn()
    except Cancelled:
        raise
    except DumpDoctorError as exc:
        plan.left_out.append(LeftOut(what, f"could not be read: {exc.message}"))
    except OSError as exc:
        plan.left_out.append(LeftOut(what, f"could not be read: {unreadable(what, exc).message}"))
    except Exception as exc:  # a reader bug must not cost the whole bundle
        log.exception("unexpected error while exporting %s", what)
        plan.left_out.append(LeftOut(what, f"internal error while reading ({type(exc).__name__}: {exc}); "
                                     "please report this"))
    return default


# -- partial files of killed exports ------------------------------------------------------------------

_PARTIAL = re.compile(r"^\..+\.[0-9a-f]{8}\.partial$")


def _partial_name(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.partial")


def _lock(fh: BinaryIO) -> bool:
    """Lock an open file for this process (POSIX flock); False when another process holds it. On
    Windows an open file cannot be deleted anyway, which protects a running export the same way."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete what killed exports left in `folder`: hidden ".NAME.<8 hex>.partial" files that hold a
    zip (or nothing yet) and that no running export holds locked. Returns what was removed."""
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(folder) if _PARTIAL.match(e.name)]
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            with path.open("rb") as fh:
                if fh.read(2) not in (b"PK", b""):  # not a zip we were writing: not ours to delete
                    continue
                if not _lock(fh):
                    continue  # another export is writing it right now
            path.unlink()
        except OSError:  # in use (Windows) or not ours to delete: leave it
            continue
        removed.append(path)
    return removed


# -- gathering ----------------------------------------------------------------------------------------


def _read_events(source: EvidenceSource, plan: _Plan) -> list[EventRead]:
    """The System-log reads when the caller did not examine the source first."""
    reads: list[EventRead] = []
    try:
        inputs = source.event_inputs()
    except DumpDoctorError as exc:
        plan.left_out.append(LeftOut("System event log", str(exc)))
        return reads
    if not inputs:
        plan.left_out.append(LeftOut("System event log", "this source holds no System event log"))
    for inp in inputs:
        result = _guarded(plan, inp.label, lambda i=inp: read_events(i), None)  # type: ignore[misc]
        if result is not None:
            reads.append(EventRead(inp, result))
    return reads


def _events(source: EvidenceSource, plan: _Plan, options: BundleOptions, redactor: Redactor,
            event_reads: list[EventRead] | None) -> list[list[EventRecord]]:
    """The relevant records of each System log read (one list per log), and the .evtx files to copy."""
    logs: list[list[EventRecord]] = []
    if event_reads is None:
        event_reads = _read_events(source, plan)
    elif not event_reads:
        plan.left_out.append(LeftOut("System event log", "this source holds no System event log"))
    for read in event_reads:
        inp, result = read.input, read.result
        if result is None:
            plan.left_out.append(LeftOut(inp.label, f"could not be read: {read.error}"))
            continue
        logs.append(list(result.records))
        if result.unreadable_records:
            plan.notes.append(f"{inp.label}: {result.unreadable_records} damaged record(s) could not be "
                              "read and are not in events/System.xml")
        if inp.kind != "evtx":
            continue
        size = _size(inp.path)
        if redactor.enabled:
            plan.left_out.append(LeftOut(inp.label, "redaction is on and the .evtx file is binary (every "
                                         "record names the computer); the relevant events are in "
                                         f"{layout.EVENTS_XML}"))
        elif not options.include_evtx:
            plan.left_out.append(LeftOut(inp.label, "not asked for; the relevant events are in "
                                         f"{layout.EVENTS_XML}"))
        elif size is None or size > options.evtx_max_bytes:
            shown = "unknown size" if size is None else format_size(size)
            plan.left_out.append(LeftOut(inp.label, f"too large to include ({shown}, limit "
                                         f"{format_size(options.evtx_max_bytes)}); the relevant "
                                         f"events are in {layout.EVENTS_XML}"))
        else:
            plan.copies.append(_Copy(plan.name("events", "System.evtx"), inp.path, shown=inp.label))
    return logs


def _dump_candidates(source: EvidenceSource, evidence: Evidence | None,
                     left_out: list[LeftOut] | None = None) -> list[Path]:
    crash_control = evidence.registry.crash_control if evidence and evidence.registry else None
    paths: list[Path] = []
    try:
        paths.extend(source.dump_files(crash_control))
    except DumpDoctorError as exc:
        if left_out is not None:
            left_out.append(LeftOut("crash dumps", f"could not be listed: {exc}"))
    for dump in evidence.dumps if evidence else []:
        path = Path(dump.path)
        if path not in paths and path.exists():
            paths.append(path)
    return paths


def _dumps(source: EvidenceSource, evidence: Evidence, plan: _Plan, options: BundleOptions) -> None:
    for path in _dump_candidates(source, evidence, plan.left_out):
        shown = source.display_path(path)
        try:
            dump = plan_dump(path)
        except DumpDoctorError as exc:
            plan.left_out.append(LeftOut(shown, f"not included: {exc.message}"))
            continue
        if dump.kind == "user":
            plan.left_out.append(LeftOut(shown, "an application (user-mode) crash dump, not a system "
                                         "crash; it can hold documents and passwords"))
            continue
        if dump.kind == "minidump" and not options.include_minidumps:
            plan.left_out.append(LeftOut(shown, "left out as asked: " + _DUMPS_MAY_HOLD_NAMES))
            continue
        if dump.kind == "minidump":
            plan.copies.append(_Copy(plan.name(layout.MINIDUMP_DIR, path.name), path, shown=shown))
        elif options.include_memory_dmp:
            plan.copies.append(_Copy(plan.name(layout.DUMPS_DIR, path.name), path, shown=shown))
        else:
            plan.copies.append(_Copy(plan.name(layout.DUMPS_DIR, path.name), path, limit=dump.excerpt_len,
                                     excerpt_of_size=dump.size, shown=shown))
            plan.left_out.append(LeftOut(f"{shown} beyond its first {dump.excerpt_len:#x} bytes",
                                         f"the whole file is {format_size(dump.size)}; only the "
                                         "header pages were included (ask for the whole file if needed)"))


def _drivers(source: EvidenceSource, evidence: Evidence, plan: _Plan) -> None:
    wanted: dict[str, tuple[str, Path | None]] = {}
    errors: dict[str, str] = {}

    def want(file_name: str, image_path: str | None = None, known: str | None = None) -> None:
        key = file_name.casefold()
        if key in wanted and wanted[key][1] is not None:
            return
        path = Path(known) if known and Path(known).is_file() else None
        if path is None:
            try:
                path = source.driver_file(file_name, image_path)
            except DumpDoctorError as exc:  # the reason goes to left_out, not "not found"
                path, errors[key] = None, f"could not be located: {exc.message}"
        wanted[key] = (file_name, path)

    for name in layout.DUMP_STACK_FILES:
        want(name)
    storage = evidence.storage
    services = evidence.registry.services if evidence.registry else {}
    for drv in storage.drivers if storage else []:
        svc = services.get(drv.service.casefold())
        want(drv.file_name, svc.image_path if svc else None, drv.file_path)
    for svc in services.values():  # boot-start miniports: the boot disk's one writes the dump
        if (svc.group or "").casefold() == "scsi miniport" and svc.start == 0:
            image = svc.image_path or f"{svc.name}.sys"
            want(image.replace("/", "\\").rsplit("\\", 1)[-1], svc.image_path)
    for dump in evidence.dumps:  # dump_<miniport>.sys: the miniport that wrote (or failed) the dump
        for module in dump.dump_stack:
            name = module[5:] if module.casefold().startswith("dump_") else module
            if name.casefold() not in ("diskdump.sys", "dumpata.sys", "dumpfve.sys", "dumpstorport.sys"):
                want(name)
    for key, (file_name, path) in wanted.items():
        if path is None:
            if key in errors:
                plan.left_out.append(LeftOut(file_name, errors[key]))
            elif key in layout.REQUIRED_DUMP_STACK_FILES or key not in layout.DUMP_STACK_FILES:
                plan.left_out.append(LeftOut(file_name, "not found in this source"))
            continue
        size = _size(path)
        if size is None:
            plan.left_out.append(LeftOut(source.display_path(path), "could not be read"))
        elif size > MAX_DRIVER_BYTES:
            plan.left_out.append(LeftOut(source.display_path(path), f"{format_size(size)} is too "
                                         "large to be a driver; not copied"))
        else:
            plan.copies.append(_Copy(plan.name(layout.DRIVERS_DIR, file_name), path,
                                     shown=source.display_path(path)))


def _reports(diagnosis: Diagnosis | None, evidence: Evidence, plan: _Plan) -> list[tuple[str, str]]:
    if diagnosis is None:
        plan.left_out.append(LeftOut("report", "no diagnosis was made"))
        return []
    out: list[tuple[str, str]] = []
    renders: tuple[tuple[str, Callable[[], str]], ...] = (
        (layout.REPORT_TEXT, lambda: render_text(diagnosis, evidence)),
        (layout.REPORT_HTML, lambda: render_html(diagnosis, evidence)),
        (layout.REPORT_JSON, lambda: _json_text(render_json(diagnosis, evidence))),
    )
    for member, render in renders:
        try:
            out.append((member, render()))
        except Exception as exc:
            plan.left_out.append(LeftOut(member, f"the report could not be rendered: {exc!r}"))
    return out


def _json_text(data: object) -> str:
    """json.dumps(data, indent=2) + newline, written piece by piece: json.dumps keeps millions of small
    pieces in one list, joins them and frees them in single C calls that hold the GIL (60 ms for the
    15 MB report of a 6,400-driver folder, a pause of the wizard's window while it exports)."""
    out = io.StringIO()
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return out.getvalue()


def _learn(redactor: Redactor, source: EvidenceSource, evidence: Evidence, reg_files: list[RegFile],
           records: list[EventRecord], reports: list[tuple[str, str]], plan: _Plan) -> None:
    """Find every identifier before anything is written, so all files use the same tokens."""
    system = evidence.registry.system if evidence.registry else None
    if system is not None:
        redactor.learn_computer(system.computer_name)
    learn_registry(redactor, reg_files)
    for rec in records:
        redactor.learn_computer(rec.computer)
        for value in rec.data.values():
            redactor.learn_text(value)
    for _member, text in reports:
        redactor.learn_text(text)
    redactor.learn_text(evidence.source_description)
    redactor.learn_text(source.description)
    for copy in plan.copies:
        redactor.learn_text(str(copy.path))
    for item in plan.left_out:
        redactor.learn_text(item.what)
        redactor.learn_text(item.why)


def _binary_note(member: str) -> str:
    if member.startswith(layout.DRIVERS_DIR + "/"):
        return "driver file from Windows or a vendor; holds no user data"
    if member.startswith(layout.DUMPS_DIR + "/"):
        return _DUMPS_MAY_HOLD_NAMES
    return "binary file, not redacted"


def _size(path: Path) -> int | None:
    try:
        return file_size(path) if path.is_file() or not path.exists() else None
    except OSError:
        return None


# -- writing ------------------------------------------------------------------------------------------


# Deflate at zlib's default level 6 runs at 70-110 MB/s here: a 64 GB MEMORY.DMP would take 15-30
# minutes. Level 1 runs several times faster and, on memory images, keeps most of the gain (the bulk
# of it is zero pages); a member whose first megabyte does not shrink is stored as it is.
# benchmarks/bench_export.py measures both.
FAST_FROM_BYTES = 32 * 1024 * 1024
_PROBE_BYTES = 1024 * 1024
_INCOMPRESSIBLE = 0.97  # compressed/original of the probe above which deflating only costs time


def _zip_info(member: str, mtime: float | None, level: int | None = None,
              stored: bool = False) -> zipfile.ZipInfo:
    stamp = time.localtime(mtime if mtime is not None else time.time())
    date_time = max(stamp[:6], (1980, 1, 1, 0, 0, 0))  # the zip format starts in 1980
    info = zipfile.ZipInfo(member, date_time=date_time)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    if level is not None:
        # ZipFile.open(info, "w") takes the level from the ZipInfo (Python 3.11+: _compresslevel,
        # also accepted by 3.13's compress_level property).
        info._compresslevel = level  # type: ignore[attr-defined]
    return info


def _member_compression(src: BinaryIO, size: int) -> tuple[int | None, bool]:
    """(deflate level, stored?) for a copied file: level 1 for large files, stored when the start of
    the file does not compress. Reads only the first megabyte, then rewinds."""
    if size < FAST_FROM_BYTES:
        return None, False
    try:
        probe = src.read(_PROBE_BYTES)
        src.seek(0)
    except OSError:
        return 1, False
    if probe and len(zlib.compress(probe, 1)) / len(probe) > _INCOMPRESSIBLE:
        return None, True
    return 1, False


def _write_zip(dest: Path, plan: _Plan, manifest: Manifest, redactor: Redactor, progress: ProgressSink,
               cancel: CancelToken) -> BundleResult:
    for copy in plan.copies:
        size = _size(copy.path) or 0
        copy.size = min(size, copy.limit) if copy.limit is not None else size
    total = sum(len(data) for _m, data in plan.texts) + sum(c.size for c in plan.copies)
    done = 0
    tmp = _partial_name(dest)
    try:
        with tmp.open("xb") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED,
                                                     allowZip64=True) as zf:
            _lock(raw)  # so that another export's cleanup leaves this file alone while it is written
            for member, data in plan.texts:
                cancel.check()
                with zf.open(_zip_info(member, None), "w", force_zip64=True) as out:
                    out.write(data)
                manifest.files.append(FileEntry(member, len(data), hashlib.sha256(data).hexdigest()))
                done += len(data)
                progress(ProgressUpdate("export", done, total, member))
            for copy in plan.copies:
                done = _copy_member(zf, copy, manifest, plan, done, total, progress, cancel)
            manifest.left_out.extend(plan.left_out)
            manifest.notes.extend(plan.notes)
            manifest.redacted = redactor.summary(plan.not_redacted)
            text = redactor.text(manifest.dumps())  # counts exclude the manifest's own replacements
            with zf.open(_zip_info(layout.MANIFEST, None), "w") as out:
                out.write(text.encode("utf-8"))
        tmp.replace(dest)
    except OSError as exc:
        _remove(tmp)
        raise UsageError(f"the bundle could not be written: {exc.strerror or exc}", path=dest) from exc
    except BaseException:
        _remove(tmp)
        raise
    progress(ProgressUpdate("export", total, total, "done"))
    return BundleResult(dest, manifest, dest.stat().st_size)


def _copy_member(zf: zipfile.ZipFile, copy: _Copy, manifest: Manifest, plan: _Plan, done: int, total: int,
                 progress: ProgressSink, cancel: CancelToken) -> int:
    try:
        src = open_regular(copy.path)  # never a pipe or device, even if one was swapped in
        mtime = stream_mtime(src)
    except DumpDoctorError as exc:
        manifest.left_out.append(LeftOut(copy.shown or str(copy.path), f"not included: {exc.message}"))
        return done
    digest = hashlib.sha256()
    written = 0
    remaining = copy.limit
    level, stored = _member_compression(src, copy.size)
    with src, zf.open(_zip_info(copy.member, mtime, level, stored), "w", force_zip64=True) as out:
        while remaining is None or remaining > 0:
            cancel.check()
            try:
                chunk = src.read(CHUNK if remaining is None else min(CHUNK, remaining))
            except OSError as exc:
                # The member is already in the zip; say plainly that it is incomplete.
                manifest.left_out.append(LeftOut(
                    f"{copy.member} after byte {written}",
                    f"reading stopped: {unreadable(copy.path, exc).message}; the copy is incomplete"))
                break
            if not chunk:
                break
            out.write(chunk)
            digest.update(chunk)
            written += len(chunk)
            if remaining is not None:
                remaining -= len(chunk)
            done += len(chunk)
            progress(ProgressUpdate("export", done, total, copy.member))
    manifest.files.append(FileEntry(copy.member, written, digest.hexdigest(), copy.excerpt_of_size))
    return done


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):  # nothing more can be done; the name says it is partial
        path.unlink()
