"""Reading support bundles that arrive as zip files from strangers, safely.

Every member name is checked before anything is read (no `..`, absolute, drive-letter, deeply nested,
duplicate, empty or non-UTF-8 names; no symlinks; no encrypted members; no zip bombs by declared size
or ratio). Members are read only when asked, streamed into a private temporary folder while counting
the bytes (the sizes in the zip header are not trusted), and nothing is ever executed or opened
recursively. Rejected members become Problems naming the member; the rest of the bundle is still read.

The central directory is read by our own code first (core.sources.zipdir), a bounded number of entries
and bytes, and entries the standard library would refuse the whole archive for (a name flagged UTF-8
that is not, a zip version it does not know, a corrupt extra field) are left out with a Problem each;
`zipfile` then sees only what was kept. So a hostile central directory can neither exhaust memory
(two million entries) nor make one bad member cost the whole bundle.

Crash dumps are read straight from the archive (open_lazily): a reader's request decompresses the
member only as far as it reaches, and only non-zero chunks are kept. Other members are unpacked whole
(extract), sparse where the file system keeps holes. Temporary disk is bounded: the bytes kept are
capped by ZipLimits.max_temp_bytes and by the free space of the temporary folder; running short is
reported as a problem of this computer (TempSpaceError), never of the evidence. Unpacking and reading
stop when the reader's cancel token is set.
"""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from core.errors import Cancelled, DumpDoctorError, TempSpaceError, UnsafeInputError, unreadable
from core.evidence_ref import Problem, Severity
from core.progress import NEVER_CANCELLED, CancelToken
from core.safefs import open_regular, register_opener, unregister_opener
from core.seekview import SeekableView
from core.sources.zipdir import CentralDirectory, read_central_directory
from core.tempfolder import remove_temp_folder

_CHUNK = 1 << 20
_ZEROS = bytes(_CHUNK)
_DRIVE = re.compile(r"^[A-Za-z]:")
TEMP_PREFIX = "dumpdoctor-bundle-"
_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
# Where stat reports allocated blocks, runs of zeros are skipped and the blocks counted afterwards;
# elsewhere (Windows: NTFS files are not sparse unless asked) every byte is written and counted.
_SPARSE_KNOWN = hasattr(os.stat_result, "st_blocks")
# The zipfile module and the decompressors under it raise all of these for damaged members (zlib.error
# and friends are Exception subclasses with no common base); a member read is one unit of work.
_DAMAGED = Exception


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 20_000
    max_member_size: int = 32 << 30  # a whole MEMORY.DMP may be asked for; more is not a dump
    max_total_size: int = 64 << 30
    max_ratio: float = 1000.0  # real dumps and hives compress far less than bombs do
    ratio_floor: int = 1 << 20  # tiny members may compress absurdly well (a run of zeros)
    max_depth: int = 16
    max_directory_bytes: int = 32 << 20  # central directory read into memory (20,000 entries ~ 2 MB)
    max_temp_bytes: int = 40 << 30  # bytes written to the temporary folder for one bundle
    temp_reserve: int = 256 << 20  # free space left to the rest of the system


def member_name_problem(name: str, *, utf8_flag: bool) -> str | None:
    """Why a member name must not be used, or None when it is safe."""
    if not name:
        return "its name is empty"
    if not utf8_flag and not name.isascii():
        return "its name is not UTF-8 (the zip tool used a legacy code page); skipped"
    if "\0" in name:
        return "its name contains a NUL character"
    norm = name.replace("\\", "/")
    if norm.startswith("/") or _DRIVE.match(norm):
        return "it has an absolute path; members must be relative to the bundle"
    parts = [p for p in norm.split("/") if p]
    if any(p == ".." for p in parts):
        return "its path climbs out of the bundle with '..'"
    if len(parts) > ZipLimits.max_depth:
        return f"it is nested more than {ZipLimits.max_depth} folders deep"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


class SafeZip:
    """A zip bundle opened for safe, on-demand reading."""

    def __init__(self, path: Path, limits: ZipLimits | None = None) -> None:
        self.path = path
        self.limits = limits or ZipLimits()
        self.problems: list[Problem] = []
        self.members: list[zipfile.ZipInfo] = []
        self._tmp: Path | None = None
        self._extracted: dict[str, Path] = {}
        self._temp_used = 0
        self._temp_budget: int | None = None
        self._lazy: list[tuple[Path, _LazyFill]] = []
        # The token of whoever reads right now (the scan, later the export); lazy reads check it.
        self.current_cancel: Callable[[], CancelToken] = lambda: NEVER_CANCELLED
        fh = open_regular(path)  # a FIFO or device named .zip must not hang us
        try:
            directory = read_central_directory(fh, path, self.limits.max_members,
                                               self.limits.max_directory_bytes)
            for name, message in directory.skipped:
                self._problem(name, f"member skipped: {message}")
            for message in directory.notes:
                self._problem("*", message)
            self._view = directory.view(fh)  # zipfile does not close a file object it was given
            self._zip = zipfile.ZipFile(self._view)
        except DumpDoctorError:
            fh.close()
            raise
        except _DAMAGED as exc:  # what our own directory check did not foresee
            fh.close()
            raise UnsafeInputError(f"not a readable zip file ({type(exc).__name__}: {exc})", path=path,
                                   expected="a zip archive") from exc
        self._directory: CentralDirectory = directory
        self._select_members()

    def _problem(self, member: str, message: str, severity: Severity = Severity.WARNING) -> None:
        self.problems.append(Problem(f"{self.path.name}!{member}", message, severity, "bundle"))

    def _select_members(self) -> None:
        seen: set[str] = set()
        total = 0
        for info in self._zip.infolist():
            name = info.filename
            reason = member_name_problem(name, utf8_flag=bool(info.flag_bits & 0x800))
            key = name.replace("\\", "/").strip("/").casefold()
            if reason is None and info.is_dir():
                continue
            if reason is None and _is_symlink(info):
                reason = "it is a symbolic link; links are never followed"
            if reason is None and info.flag_bits & 0x1:
                reason = "it is encrypted"
            if reason is None and key in seen:
                reason = "another member has the same name; only the first one is read"
            if reason is None and info.file_size > self.limits.max_member_size:
                reason = (f"it declares {info.file_size:,} bytes, more than the "
                          f"{self.limits.max_member_size:,}-byte limit")
            if reason is None and info.file_size > self.limits.ratio_floor:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > self.limits.max_ratio:
                    reason = (f"it would expand {ratio:,.0f} times ({info.file_size:,} bytes from "
                              f"{info.compress_size:,}); looks like a zip bomb")
            if reason is None and total + info.file_size > self.limits.max_total_size:
                reason = (f"the bundle would expand beyond {self.limits.max_total_size:,} bytes; "
                          "the rest is not read")
            if reason is not None:
                sev = Severity.ERROR if "bomb" in reason or "climbs" in reason else Severity.WARNING
                self._problem(name or "(no name)", f"member rejected: {reason}", sev)
                continue
            seen.add(key)
            total += info.file_size
            self.members.append(info)

    @staticmethod
    def member_path(info: zipfile.ZipInfo) -> str:
        return "/".join(p for p in info.filename.replace("\\", "/").split("/") if p)

    def read_prefix(self, info: zipfile.ZipInfo, size: int) -> bytes:
        """The first `size` bytes of a member (decompressing only that much)."""
        try:
            with self._zip.open(info) as fh:
                return fh.read(size)
        except _DAMAGED as exc:
            raise self._damaged(info, exc) from exc

    def _damaged(self, info: zipfile.ZipInfo, exc: BaseException) -> DumpDoctorError:
        where = f"{self.path.name}!{info.filename}"
        if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
            return unreadable(where, exc)
        return UnsafeInputError(f"member could not be decompressed ({type(exc).__name__}: {exc}); the "
                                "zip is damaged there", path=where)

    def _tmpdir(self) -> Path:
        if self._tmp is None:
            _remove_stale_extractions()
            # mkdtemp creates the folder readable by this user only; the pid in the name lets the next
            # run remove it if this process is killed before it can clean up.
            self._tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
            free = shutil.disk_usage(self._tmp).free
            self._temp_budget = max(0, min(self.limits.max_temp_bytes, free - self.limits.temp_reserve))
        return self._tmp

    def _short_of_space(self, info: zipfile.ZipInfo, detail: str) -> TempSpaceError:
        return TempSpaceError(
            f"could not be unpacked: {detail} in the temporary folder {self._tmp}. This is a limit of "
            "this computer, not a fault in the evidence: free disk space there, or point TMPDIR (TMP "
            "on Windows) at a larger disk, and run again", path=f"{self.path.name}!{info.filename}")

    def _private_target(self, info: zipfile.ZipInfo, rel: str) -> tuple[str, Path, Path]:
        """(the member as users name it, the private folder, where the member goes inside it)."""
        where = f"{self.path.name}!{info.filename}"
        root = self._tmpdir()
        target = root.joinpath(*rel.split("/"))
        # The name was validated already; this guards against anything we did not think of.
        if not os.path.realpath(target).startswith(os.path.realpath(root) + os.sep):
            raise UnsafeInputError("member would be written outside the private folder", path=where)
        return where, root, target

    def extract(self, info: zipfile.ZipInfo, cancel: CancelToken = NEVER_CANCELLED) -> Path:
        """Stream one member into the private folder (once), counting bytes against the limits.
        Runs of zeros are skipped, not written, so the file is sparse where the member is empty.
        Raises Cancelled (and leaves nothing) when `cancel` is set while it runs."""
        rel = self.member_path(info)
        cached = self._extracted.get(rel)
        if cached is not None:
            return cached
        where, _root, target = self._private_target(info, rel)
        cap = min(info.file_size, self.limits.max_member_size)
        budget = self._temp_budget or 0
        size = 0
        used = 0
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with self._zip.open(info) as src, target.open("xb") as dst:
                while True:
                    cancel.check()
                    try:
                        chunk = src.read(_CHUNK)
                    except _DAMAGED as exc:
                        raise self._damaged(info, exc) from exc
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > cap:
                        raise UnsafeInputError(f"member expands beyond its declared {info.file_size:,} "
                                               "bytes; extraction stopped", path=where)
                    if chunk == _ZEROS[:len(chunk)] and _SPARSE_KNOWN:
                        dst.seek(len(chunk), os.SEEK_CUR)
                        continue
                    if self._temp_used + used + len(chunk) > budget:
                        raise self._short_of_space(info, f"it needs more than the {budget:,} bytes "
                                                         "Dump Doctor may use")
                    dst.write(chunk)
                    used += len(chunk)
                dst.truncate(size)
                # Not every file system keeps holes (FAT, some network shares): count what it took.
                used = max(used, getattr(os.fstat(dst.fileno()), "st_blocks", 0) * 512)
        except (DumpDoctorError, Cancelled):
            target.unlink(missing_ok=True)
            raise
        except OSError as exc:
            target.unlink(missing_ok=True)
            if exc.errno in _NO_SPACE:
                raise self._short_of_space(info, exc.strerror or "no space left") from exc
            raise unreadable(where, exc) from exc
        self._temp_used += used
        self._extracted[rel] = target
        return target

    def open_lazily(self, info: zipfile.ZipInfo) -> Path:
        """A path for one member that is read straight from the archive, decompressed only as far as
        a reader asks (through core.safefs.open_regular): a header read of a 32 GB MEMORY.DMP costs
        its first pages, not 32 GB of decompression. What is read is kept in a private backing file
        (zero chunks not at all); the path itself exists nowhere, so a reader bypassing safefs fails
        loudly instead of reading wrong bytes."""
        rel = self.member_path(info)
        cached = self._extracted.get(rel)
        if cached is not None:
            return cached
        where, root, target = self._private_target(info, rel)
        backing = root / ".lazy" / f"{len(self._lazy):05d}"
        size = min(info.file_size, self.limits.max_member_size)
        try:
            backing.parent.mkdir(exist_ok=True)
            backing.open("xb").close()  # grows only by the member's non-zero chunks
        except OSError as exc:
            backing.unlink(missing_ok=True)
            if exc.errno in _NO_SPACE:
                raise self._short_of_space(info, exc.strerror or "no space left") from exc
            raise unreadable(where, exc) from exc
        fill = _LazyFill(self, info, backing, size)
        self._lazy.append((target, fill))
        register_opener(target, fill.open, size)
        self._extracted[rel] = target
        return target

    def close(self) -> None:
        for target, fill in self._lazy:
            unregister_opener(target)
            fill.close()
        self._lazy.clear()
        self._zip.close()
        self._view.close()
        if self._tmp is not None:
            remove_temp_folder(self._tmp)
            self._tmp = None
            self._extracted.clear()


class _LazyFill:
    """One member decompressed on demand, front to back (deflate cannot seek), shared by every open
    of that member. Only chunks holding something other than zeros are kept, appended to a private
    backing file with an index; zero chunks cost nothing on any file system (sparse files are not
    sparse on NTFS without extra calls, nor on FAT)."""

    def __init__(self, archive: SafeZip, info: zipfile.ZipInfo, backing: Path, size: int) -> None:
        self.archive = archive
        self.info = info
        self.backing = backing
        self.size = size
        self.filled = 0  # member bytes decompressed so far (a multiple of _CHUNK until the end)
        self._stored: dict[int, int] = {}  # chunk number -> offset in the backing file
        self._src: IO[bytes] | None = None
        self._fh: IO[bytes] | None = None
        self._tail = 0  # end of the backing file

    def open(self) -> io.BufferedReader:
        return io.BufferedReader(_LazyView(self), buffer_size=1 << 16)

    def ensure(self, end: int) -> None:
        """Decompress until every byte before `end` is known."""
        end = min(end, self.size)
        archive, info = self.archive, self.info
        where = f"{archive.path.name}!{info.filename}"
        while self.filled < end:
            archive.current_cancel().check()
            try:
                if self._src is None:
                    self._src = archive._zip.open(info)
                chunk = self._src.read(_CHUNK)
            except _DAMAGED as exc:
                raise archive._damaged(info, exc) from exc
            if not chunk:
                raise UnsafeInputError(f"member ends after {self.filled:,} of the {self.size:,} bytes it "
                                       "declares", path=where)
            if self.filled + len(chunk) > self.size:
                raise UnsafeInputError(f"member expands beyond its declared {info.file_size:,} bytes",
                                       path=where)
            if len(chunk) < _CHUNK and self.filled + len(chunk) < self.size:
                raise UnsafeInputError("member could not be decompressed in whole chunks", path=where)
            if chunk != _ZEROS[:len(chunk)]:
                budget = archive._temp_budget or 0
                if archive._temp_used + len(chunk) > budget:
                    raise archive._short_of_space(info, f"it needs more than the {budget:,} bytes Dump "
                                                        "Doctor may use")
                try:
                    if self._fh is None:
                        self._fh = self.backing.open("r+b")
                    self._fh.seek(self._tail)
                    self._fh.write(chunk)
                except OSError as exc:
                    if exc.errno in _NO_SPACE:
                        raise archive._short_of_space(info, exc.strerror or "no space left") from exc
                    raise unreadable(where, exc) from exc
                self._stored[self.filled // _CHUNK] = self._tail
                self._tail += len(chunk)
                archive._temp_used += len(chunk)
            self.filled += len(chunk)

    def read_at(self, offset: int, length: int) -> bytes:
        length = max(0, min(length, self.size - offset))
        self.ensure(offset + length)
        out = bytearray()
        while len(out) < length:
            at = offset + len(out)
            number, within = divmod(at, _CHUNK)
            take = min(length - len(out), _CHUNK - within)
            stored = self._stored.get(number)
            if stored is None:
                out += bytes(take)
            else:
                assert self._fh is not None
                self._fh.seek(stored + within)
                out += self._fh.read(take)
        return bytes(out)

    def close(self) -> None:
        if self._src is not None:
            self._src.close()
            self._src = None
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class _LazyView(SeekableView):
    """A read-only, seekable view of a _LazyFill: what open_regular hands a reader. It has no file
    descriptor (fileno() raises), so nobody can take a wrong size or mtime from one."""

    def __init__(self, fill: _LazyFill) -> None:
        super().__init__()
        self._fill = fill

    @property
    def view_size(self) -> int:
        return self._fill.size

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self._fill.read_at(self._pos, len(view))
        view[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:  # the fill lives until the archive closes
        super().close()


def _remove_stale_extractions() -> None:
    """Folders a killed Dump Doctor left in the temporary folder (SIGKILL, power loss): ours by name,
    owned by this user, and their process is gone. Anything else is left alone."""
    if os.name != "posix":  # os.kill(pid, 0) is not a liveness test on Windows
        return
    pattern = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-[A-Za-z0-9_]+$")
    base = Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(base))
    except OSError:
        return
    for entry in entries:
        m = pattern.match(entry.name)
        if m is None or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(entry.path, ignore_errors=True)
        except (OSError, OverflowError, ValueError):
            continue
