"""Result cache for triage: a queue that grows is re-examined only for its new bundles.

Each entry is keyed by the bundle's content (SHA-256 of the zip's bytes, or of a folder's relative
file names and contents) together with the tool version, the knowledge version and the row schema, so
a changed bundle or a new Dump Doctor examines again. Hashing a bundle is much cheaper than scanning
it, and a small index of (path, size, modification time) → hash lets a warm re-run skip even that for
files that did not change. The cache holds only what Dump Doctor derived (rows, the HTML report); it
lives where the user chose, by default in the user's cache folder.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from core.triage.row import ROW_SCHEMA, TriageRow
from core.version import __version__

log = logging.getLogger(__name__)

CHUNK = 1 << 20
MAX_FOLDER_FILES = 20_000  # as core.sources.bundle reads at most


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("DumpDoctor", appauthor=False)) / "triage"


def _hash_file(path: Path, digest: Any) -> None:
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)


def content_hash(path: Path) -> str:
    """SHA-256 over what the bundle holds. Folders: every regular file, by relative path and content,
    in sorted order, without following links."""
    digest = hashlib.sha256()
    if path.is_dir():
        files: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
            dirnames.sort()
            files.extend(Path(dirpath) / f for f in sorted(filenames))
            if len(files) > MAX_FOLDER_FILES:
                break
        for file in files[:MAX_FOLDER_FILES]:
            if file.is_symlink() or not file.is_file():
                continue
            digest.update(file.relative_to(path).as_posix().encode("utf-8", "surrogatepass") + b"\0")
            _hash_file(file, digest)
            digest.update(b"\0")
    else:
        _hash_file(path, digest)
    return digest.hexdigest()


def _stat_key(path: Path) -> list[int] | None:
    """(size, mtime_ns) of a zip; for a folder, the newest mtime and count of what it holds, so an
    added or replaced file changes the key."""
    try:
        st = path.stat()
        if not path.is_dir():
            return [st.st_size, st.st_mtime_ns]
        newest, count, size = st.st_mtime_ns, 0, 0
        for dirpath, _dirs, filenames in os.walk(path, followlinks=False):
            newest = max(newest, Path(dirpath).stat().st_mtime_ns)
            for name in filenames:
                fst = (Path(dirpath) / name).lstat()
                newest, count, size = max(newest, fst.st_mtime_ns), count + 1, size + fst.st_size
        return [size, newest, count]
    except OSError:
        return None


class ResultCache:
    def __init__(self, folder: Path, knowledge_version: str) -> None:
        self.folder = folder
        self.salt = f"{__version__}|{knowledge_version}|{ROW_SCHEMA}"
        self._index_path = folder / "index.json"
        self._index: dict[str, Any] = {}
        self._dirty = False
        try:
            data = json.loads(self._index_path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("salt") == self.salt:
                self._index = dict(data.get("paths") or {})
        except (OSError, ValueError):
            pass  # no index yet, or damaged: it is only a shortcut

    def key(self, path: Path) -> str:
        """The cache key of a bundle: from the index when its size and time did not change."""
        stat = _stat_key(path)
        ident = str(path.resolve())
        known = self._index.get(ident)
        if stat is not None and isinstance(known, list) and len(known) == 2 and known[0] == stat:
            return str(known[1])
        digest = hashlib.sha256((self.salt + "|" + content_hash(path)).encode()).hexdigest()
        if stat is not None:
            self._index[ident] = [stat, digest]
            self._dirty = True
        return digest

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, need_report: bool, path: Path) -> tuple[list[TriageRow], bytes | None] | None:
        """The cached row and report, told about `path` (the same content may sit at another path)."""
        try:
            text = _place(self._entry(key).read_text(encoding="utf-8"), path, json_text=True)
            rows = [TriageRow.from_json(r) for r in json.loads(text)["rows"]]
            if not rows:
                return None
            for row in rows:
                row.source = str(path)
            report = None
            if need_report:
                report_path = self._entry(key).with_suffix(".html.gz")
                if not report_path.is_file():
                    return None
                html = gzip.decompress(report_path.read_bytes()).decode("utf-8")
                report = _place(html, path).encode("utf-8")
            return rows, report
        except (OSError, ValueError, KeyError, TypeError, EOFError, UnicodeDecodeError):
            return None

    def put(self, key: str, rows: list[TriageRow], report: bytes | None, path: Path) -> None:
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            if report is not None:
                html = _unplace(report.decode("utf-8"), path).encode("utf-8")
                _atomic_write(entry.with_suffix(".html.gz"), gzip.compress(html, compresslevel=6))
            text = json.dumps({"rows": [row.to_json() for row in rows]}, ensure_ascii=False)
            _atomic_write(entry, _unplace(text, path, json_text=True).encode("utf-8"))
        except OSError as exc:  # a cache that cannot be written only costs time
            log.warning("cannot write the triage cache in %s: %s", self.folder, exc)

    def save_index(self) -> None:
        if not self._dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _atomic_write(self._index_path, json.dumps({"salt": self.salt, "paths": self._index}).encode())
            self._dirty = False
        except OSError as exc:
            log.warning("cannot write the triage cache index %s: %s", self._index_path, exc)


# Rows name the bundle they came from (its path in "could not be read" messages, its file name before
# "!member"). Identical bundles share one entry, so the names are stored as placeholders and filled in
# with the path being examined.
_PATH, _NAME = "\u0000DDPATH\u0000", "\u0000DDNAME\u0000"


def _forms(path: Path, json_text: bool) -> tuple[str, str]:
    full, name = str(path), path.name + "!"
    if json_text:  # as json.dumps writes them inside a string
        full, name = json.dumps(full, ensure_ascii=False)[1:-1], json.dumps(name, ensure_ascii=False)[1:-1]
    return full, name


def _unplace(text: str, path: Path, *, json_text: bool = False) -> str:
    full, name = _forms(path, json_text)
    marks = (json.dumps(_PATH)[1:-1], json.dumps(_NAME)[1:-1]) if json_text else (_PATH, _NAME)
    return text.replace(full, marks[0]).replace(name, marks[1])


def _place(text: str, path: Path, *, json_text: bool = False) -> str:
    full, name = _forms(path, json_text)
    marks = (json.dumps(_PATH)[1:-1], json.dumps(_NAME)[1:-1]) if json_text else (_PATH, _NAME)
    return text.replace(marks[0], full).replace(marks[1], name)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
