"""What the first page says about the evidence the user points at, before any scan: what each added
file was identified as (by its content, never its name), and whether a typed Windows folder is one.
Reads at most the first 4 KiB of a file; changes nothing."""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from core.errors import DumpDoctorError
from core.paths import find_child
from core.safefs import open_regular
from core.sources.identify import PREFIX_SIZE, FileKind, hive_name_from_header, identify_bytes
from core.sources.offline import find_windows_dir

KIND_LABELS: dict[FileKind, str] = {
    FileKind.KERNEL_DUMP: "crash dump (Windows stopped with an error)",
    FileKind.USER_DUMP: "application crash dump (set aside: not a Windows crash)",
    FileKind.HIVE_LOG: "registry transaction log (read together with its hive)",
    FileKind.EVTX: "Windows event log (.evtx)",
    FileKind.PE: "driver or program file",
    FileKind.REG_EXPORT: "registry export (.reg)",
    FileKind.EVENT_XML: "event log saved as XML",
    FileKind.MANIFEST: "support bundle manifest",
    FileKind.ZIP: "zip file (opened as a support bundle)",
}


@dataclass(frozen=True)
class FileLabel:
    text: str  # "registry hive SYSTEM", "not evidence Dump Doctor reads: text"
    is_evidence: bool


def _not_evidence(prefix: bytes) -> str:
    if not prefix:
        return "empty file"
    if b"\0" not in prefix:
        try:
            prefix.decode("utf-8")
            return "text"
        except UnicodeDecodeError:
            pass
    return "unknown content"


def label_bytes(prefix: bytes) -> FileLabel:
    kind = identify_bytes(prefix)
    if kind is FileKind.HIVE:
        name = hive_name_from_header(prefix)
        return FileLabel(f"registry hive {name}" if name else "registry hive (which one is not recorded)",
                         True)
    if kind is FileKind.UNKNOWN:
        return FileLabel(f"not evidence Dump Doctor reads: {_not_evidence(prefix)}", False)
    return FileLabel(KIND_LABELS[kind], True)


_CHANNEL = re.compile(r"<Channel>([^<]{1,100})</Channel>")


def _evtx_channel(path: Path) -> str | None:
    """Which log an .evtx file is ("System"), from its first record: a few milliseconds even for a
    large log. None when the first record cannot be read (the scan says why, later)."""
    try:
        from evtx import PyEvtxParser  # the scan's own EVTX library

        for record in PyEvtxParser(str(path)).records():
            found = _CHANNEL.search(str(record["data"]) if isinstance(record, dict) else "")
            return found.group(1) if found else None
    except Exception:  # a damaged log is the scan's to report, not the label's
        return None
    return None


EVTX_CHUNK = 0x10000
EVTX_FIRST_CHUNK = 0x1000
MAX_CHUNKS = 1 << 16  # 4 GiB of log; beyond that the count is left out


def evtx_record_count(path: Path) -> int | None:
    """How many records an .evtx holds, from its chunk headers (first and last record id of each
    chunk): exact where the file header is stale ("dirty" logs under-count their chunks), and it
    reads 40 bytes per 64 KiB. None when no chunk could be read."""
    total, seen = 0, 0
    with open_regular(path) as fh:  # a dropped pipe must not hang the window
        size = fh.seek(0, 2)
        for offset in range(EVTX_FIRST_CHUNK, min(size, EVTX_FIRST_CHUNK + MAX_CHUNKS * EVTX_CHUNK),
                            EVTX_CHUNK):
            fh.seek(offset)
            head = fh.read(0x28)
            if len(head) < 0x28 or not head.startswith(b"ElfChnk\0"):
                continue
            first, last = struct.unpack_from("<QQ", head, 0x18)  # first/last event record identifier
            if first <= last < first + EVTX_CHUNK:  # a record takes more than one byte
                total += last - first + 1
                seen += 1
    return total if seen else None


def label_path(path: Path) -> FileLabel:
    """What the first page shows beside an added file or folder."""
    if not path.exists():
        return FileLabel("cannot be read: no such file", False)
    try:
        if not path.exists():
            return FileLabel("cannot be read: no such file", False)
        if path.is_dir():
            if find_windows_dir(path) is not None:
                return FileLabel("Windows folder (choose “A Windows folder” to examine it)", True)
            return FileLabel("folder (read as a support bundle)", True)
        with open_regular(path) as fh:  # a dropped pipe must not hang the window
            label = label_bytes(fh.read(PREFIX_SIZE))
        if label.text == KIND_LABELS[FileKind.EVTX]:
            channel = _evtx_channel(path)
            records = evtx_record_count(path)
            words = f"{channel} log" if channel else "Windows event log (.evtx)"
            if records is not None:
                words += f", {records:,} record" + ("" if records == 1 else "s")
            return FileLabel(words, True)
        return label
    except FileNotFoundError:
        return FileLabel("cannot be read: no such file", False)
    except OSError as exc:
        return FileLabel(f"cannot be read: {exc.strerror or exc}", False)
    except DumpDoctorError as exc:
        return FileLabel(f"cannot be read: {exc.message}", False)


@dataclass(frozen=True)
class FolderCheck:
    ok: bool  # the scan may start
    message: str  # what is wrong, or a warning when ok


def check_windows_folder(text: str) -> FolderCheck:
    """Whether a typed or chosen folder is a Windows installation Dump Doctor can examine."""
    text = text.strip()
    if not text:
        return FolderCheck(False, "Type or choose the folder that holds the Windows folder.")
    folder = Path(text)
    try:
        if not folder.exists():
            return FolderCheck(False, f"There is no folder {folder}.")
        if not folder.is_dir():
            return FolderCheck(False, f"{folder} is a file, not a folder. To read a file, choose "
                                      "“Evidence from another computer”.")
        found = find_windows_dir(folder)
        if found is None:
            return FolderCheck(False, f"No Windows\\System32 under {folder}: this is not a Windows "
                                      "folder. Choose the folder that holds Windows (for example a "
                                      "mounted C: drive); a support bundle folder is opened with "
                                      "“Evidence from another computer”.")
        _root, windows = found
        config = find_child(windows, "System32")
        config = find_child(config, "config") if config is not None else None
        if config is None or find_child(config, "SYSTEM") is None:
            return FolderCheck(True, f"No Windows\\System32\\config\\SYSTEM under {folder}: without "
                                     "that registry hive the diagnosis will be incomplete.")
    except OSError as exc:
        return FolderCheck(False, f"{folder} cannot be read: {exc.strerror or exc}.")
    return FolderCheck(True, "")


NAMES_SHOWN = 8  # files named in the sentence; the rest are counted
FILES_LOOKED_AT = 500  # a folder is looked at this far, never walked whole


def _listing(labels: list[tuple[str, FileLabel]], total: int, where: str) -> str:
    if total == 0:
        return f"{where} is empty"
    shown = ", ".join(f"{name} ({label.text.removeprefix('not evidence Dump Doctor reads: ')})"
                      for name, label in labels[:NAMES_SHOWN])
    more = f" and {total - NAMES_SHOWN} more" if total > NAMES_SHOWN else ""
    files = "1 file" if total == 1 else f"{total:,} files"
    if any(label.is_evidence for _name, label in labels):
        return f"{where} held {files}, and none of them could be used: {shown}{more}"
    none = "it is not" if total == 1 else ("neither is" if total == 2 else "none is")
    return f"{where} held {files}, {none} evidence Dump Doctor reads: {shown}{more}"


def what_was_found(spec: str | list[Path] | None) -> str:
    """One sentence on what the chosen evidence held, for when none of it could be used: said once,
    instead of "could not be read" beside "every file could be read"."""
    if spec is None:
        return ""
    if isinstance(spec, list):
        labels = [(p.name, label_path(p)) for p in spec[:NAMES_SHOWN]]
        return _listing(labels, len(spec), "the files chosen" if len(spec) != 1 else "the file chosen")
    path = Path(spec)
    try:
        if path.is_dir():
            names: list[Path] = []
            for p in path.rglob("*"):
                if p.is_file():
                    names.append(p)
                if len(names) >= FILES_LOOKED_AT:
                    break
            labels = [(str(p.relative_to(path)), label_path(p)) for p in names[:NAMES_SHOWN]]
            return _listing(labels, len(names), "the folder")
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                members = [i for i in zf.infolist() if not i.is_dir()]
                labels = []
                for info in members[:NAMES_SHOWN]:
                    with zf.open(info) as fh:  # at most the first 4 KiB are decompressed
                        labels.append((info.filename, label_bytes(fh.read(PREFIX_SIZE))))
            return _listing(labels, len(members), "the zip")
        return _listing([(path.name, label_path(path))], 1, "the file chosen")
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
        return f"{path} could not be looked into ({exc})"
