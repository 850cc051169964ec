"""Reading support bundles that arrive as zip files from strangers, safely.

Every member name is checked before anything is read (no `..`, absolute, drive-letter, deeply nested,
duplicate or non-UTF-8 names; no symlinks; no encrypted members; no zip bombs by declared size or
ratio). Members are read only when asked, streamed into a private temporary folder while counting
the bytes (the sizes in the zip header are not trusted), and nothing is ever executed or opened
recursively. Rejected members become Problems naming the member; the rest of the bundle is still read.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from core.errors import UnsafeInputError, unreadable
from core.evidence_ref import Problem, Severity
from core.tempfolder import remove_temp_folder

_CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 20_000
    max_member_size: int = 32 << 30  # a whole MEMORY.DMP may be asked for; more is not a dump
    max_total_size: int = 64 << 30
    max_ratio: float = 1000.0  # real dumps and hives compress far less than bombs do
    ratio_floor: int = 1 << 20  # tiny members may compress absurdly well (a run of zeros)
    max_depth: int = 16


def member_name_problem(name: str, *, utf8_flag: bool) -> str | None:
    """Why a member name must not be used, or None when it is safe."""
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
        try:
            self._zip = zipfile.ZipFile(path)
        except OSError as exc:
            raise unreadable(path, exc) from exc
        except UnicodeDecodeError as exc:
            raise UnsafeInputError("a member name claims to be UTF-8 but is not; the zip cannot be "
                                   "read safely", path=path, expected="valid UTF-8 member names") from exc
        except (zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise UnsafeInputError(f"not a readable zip file ({exc})", path=path,
                                   expected="a zip archive") from exc
        self._select_members()

    def _problem(self, member: str, message: str, severity: Severity = Severity.WARNING) -> None:
        self.problems.append(Problem(f"{self.path.name}!{member}", message, severity, "bundle"))

    def _select_members(self) -> None:
        seen: set[str] = set()
        total = 0
        infos = self._zip.infolist()
        if len(infos) > self.limits.max_members:
            self._problem("*", f"the zip has {len(infos)} members; only the first "
                               f"{self.limits.max_members} are considered")
            infos = infos[: self.limits.max_members]
        for info in infos:
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
                self._problem(name, f"member rejected: {reason}", sev)
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
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise UnsafeInputError(f"member could not be decompressed ({exc})",
                                   path=f"{self.path}!{info.filename}") from exc

    def _tmpdir(self) -> Path:
        if self._tmp is None:
            # mkdtemp creates the folder readable by this user only.
            self._tmp = Path(tempfile.mkdtemp(prefix="dumpdoctor-bundle-"))
        return self._tmp

    def extract(self, info: zipfile.ZipInfo) -> Path:
        """Stream one member into the private folder (once), counting bytes against the limits."""
        rel = self.member_path(info)
        cached = self._extracted.get(rel)
        if cached is not None:
            return cached
        root = self._tmpdir()
        target = root.joinpath(*rel.split("/"))
        # The name was validated already; this guards against anything we did not think of.
        if not os.path.realpath(target).startswith(os.path.realpath(root) + os.sep):
            raise UnsafeInputError("member would be written outside the private folder",
                                   path=f"{self.path}!{info.filename}")
        cap = min(info.file_size, self.limits.max_member_size)
        written = 0
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with self._zip.open(info) as src, target.open("xb") as dst:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > cap:
                        raise UnsafeInputError(
                            f"member expands beyond its declared {info.file_size:,} bytes; "
                            "extraction stopped", path=f"{self.path}!{info.filename}")
                    dst.write(chunk)
        except UnsafeInputError:
            target.unlink(missing_ok=True)
            raise
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
            target.unlink(missing_ok=True)
            raise UnsafeInputError(f"member could not be decompressed ({exc})",
                                   path=f"{self.path}!{info.filename}") from exc
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise unreadable(f"{self.path}!{info.filename}", exc) from exc
        self._extracted[rel] = target
        return target

    def close(self) -> None:
        self._zip.close()
        if self._tmp is not None:
            remove_temp_folder(self._tmp)
            self._tmp = None
            self._extracted.clear()
