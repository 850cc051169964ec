"""Opening evidence files without being fooled by the file system.

Evidence comes from strangers and from damaged disks: a named pipe (FIFO) or a device where a dump
should be would block `open()` or `read()` forever, and a symbolic link inside a bundle folder or an
offline Windows copy can point anywhere on this computer (/etc/shadow, or `/` as LiveKernelReports).
So every evidence file is opened here and nowhere else:

- only regular files are opened; anything else is named ("a named pipe (FIFO)") and not touched. The
  type is checked before opening and again on the open descriptor, and the open itself does not block
  (O_NONBLOCK), so even a file swapped for a pipe in between cannot hang the scan;
- a path given with an evidence root must stay inside it once every link is resolved; a link that
  leaves is reported with where it points and never followed. A bundle folder and an offline Windows
  copy are roots; a file the user named on the command line is its own root.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO

from core.errors import UnreadableError, UnsafeInputError, unreadable

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_NOCTTY = getattr(os, "O_NOCTTY", 0)  # a terminal device must never become our controlling tty


class NotAFileError(UnreadableError):
    """The path names something that is not a regular file (a pipe, a socket, a device, a folder)."""


class LinkOutsideError(UnsafeInputError):
    """A symbolic link (or junction) that leads out of the evidence root."""


def describe_mode(mode: int) -> str:
    """What a file-system object is, in words ("a named pipe (FIFO)")."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def real_root(root: Path) -> Path:
    """The root with every link resolved: containment is decided on real paths."""
    return Path(os.path.realpath(root))


def is_inside(path: Path | str, root: Path, real: str | None = None) -> bool:
    """True when `path`, with every link resolved, is `root` or lies below it (root given real).
    `real`: os.path.realpath(path) when the caller has it already (each costs a stat per folder)."""
    real = os.path.realpath(path) if real is None else real
    base = str(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def check_inside(path: Path, root: Path | None, real: str | None = None) -> None:
    """Raise LinkOutsideError when `path` leaves `root` through a link (no root: nothing to check)."""
    if root is None or is_inside(path, root, real):
        return
    target = real or os.path.realpath(path)
    raise LinkOutsideError(f"a link to {target}, outside the evidence ({root}); links that leave the "
                           "evidence are never followed", path=path)


def check_regular(path: Path, root: Path | None = None, real: str | None = None) -> os.stat_result:
    """stat() of a regular file inside `root`; NotAFileError / LinkOutsideError / UnreadableError
    otherwise. Never opens the file. `real`: as for is_inside."""
    check_inside(path, root, real)
    try:
        st = path.stat()
    except OSError as exc:
        raise unreadable(path, exc) from exc
    if not stat.S_ISREG(st.st_mode):
        raise NotAFileError(f"this is {describe_mode(st.st_mode)}, not a regular file; it was not "
                            "opened", path=path)
    return st


# Evidence read straight from where it is kept, not from a file of its own: a zip member decompressed
# only as far as a reader asks (core.sources.zipsafe). Its path exists nowhere on disk, so a reader
# that bypassed this module would fail loudly ("file not found") instead of reading wrong bytes.
# Keyed by str(path); only this process's own private temporary paths are ever registered.
Opener = Callable[[], io.BufferedReader]
_OPENERS: dict[str, tuple[Opener, int]] = {}


def register_opener(path: Path, opener: Opener, size: int) -> None:
    _OPENERS[str(path)] = (opener, size)


def unregister_opener(path: Path) -> None:
    _OPENERS.pop(str(path), None)


def file_size(path: Path) -> int:
    """The size of an evidence file, read straight from its archive or on disk (OSError if neither)."""
    found = _OPENERS.get(str(path))
    return found[1] if found is not None else path.stat().st_size


def stream_size(fh: IO[bytes]) -> int:
    """The size of an open evidence file, also for one read straight from an archive (which has no
    file descriptor to fstat)."""
    here = fh.tell()
    end = fh.seek(0, io.SEEK_END)
    fh.seek(here)
    return end


def stream_mtime(fh: IO[bytes]) -> float | None:
    """The modification time of an open evidence file; None for one read straight from an archive."""
    try:
        return os.fstat(fh.fileno()).st_mtime
    except (OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return None


def open_regular(path: Path | str, root: Path | None = None) -> io.BufferedReader:
    """Open a regular evidence file for binary reading, or raise a DumpDoctorError naming it."""
    path = Path(path)
    found = _OPENERS.get(str(path))
    if found is not None:
        return found[0]()
    check_regular(path, root)
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY | _NOCTTY)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped between the check and the open
            raise NotAFileError(f"this is {describe_mode(st.st_mode)}, not a regular file; it was not "
                                "read", path=path)
        if _NONBLOCK and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # regular files ignore it; restore plain semantics anyway
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    # (os.fdopen owns the descriptor from here on)


def regular_file_or_none(path: Path | None, root: Path | None = None) -> Path | None:
    """`path` when it is a regular file inside `root`, else None (no message: for lookups)."""
    if path is None:
        return None
    try:
        check_regular(path, root)
    except (UnreadableError, UnsafeInputError):
        return None
    return path
