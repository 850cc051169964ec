"""The one error tree. Every problem with evidence is raised as a DumpDoctorError that names the
file, where in it (when that is known) and what was expected, in words a user can act on.

Readers raise these; the scan catches them per file, records a Problem and goes on.
"""

from __future__ import annotations

import errno
from pathlib import Path


class DumpDoctorError(Exception):
    """Base of every error Dump Doctor reports about its input."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        offset: int | None = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.offset = offset
        self.expected = expected
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        details = []
        if self.offset is not None:
            details.append(f"at offset 0x{self.offset:X}")
        if self.expected:
            details.append(f"expected {self.expected}")
        return f"{text} ({'; '.join(details)})" if details else text


class FormatError(DumpDoctorError):
    """The bytes do not have the format the reader expected."""


class TruncatedError(FormatError):
    """The file ends before a structure it declares."""


class NotRecognisedError(FormatError):
    """The content is not any format this reader knows (detected by content, not name)."""


class UnreadableError(DumpDoctorError):
    """The operating system would not give us the bytes: missing, locked, permission denied."""


class UnsafeInputError(DumpDoctorError):
    """Input that is hostile or too large to process safely (zip bombs, path traversal, ...)."""


class TempSpaceError(DumpDoctorError):
    """This computer ran short of temporary disk space while unpacking evidence: not a fault in the
    evidence, and the answer must not be taken as complete (the CLI does not exit 0)."""


class UsageError(DumpDoctorError):
    """The user asked for something that cannot work (bad arguments, wrong source)."""


class Cancelled(Exception):  # noqa: N818 - it is an outcome, not an error about the input
    """The user cancelled; not a problem with the evidence."""


def unreadable(path: str | Path, exc: OSError) -> UnreadableError:
    """Turn an OSError into a sentence that tells the user what to do about it."""
    code = exc.errno
    # Windows reports a file another program holds open (a live MEMORY.DMP, a hive in use) as
    # PermissionError with errno EACCES too; only winerror 32/33 (sharing / lock violation) tells
    # it apart, and "run as administrator" would not help there.
    if getattr(exc, "winerror", None) in {32, 33}:
        msg = "the file is in use by another program (locked); copy it first or close that program"
    elif isinstance(exc, PermissionError) or code in {errno.EACCES, errno.EPERM}:
        msg = "permission denied; run Dump Doctor as administrator, or copy the file somewhere readable"
    elif isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        msg = "file not found"
    elif isinstance(exc, IsADirectoryError):
        msg = "this is a folder, not a file"
    else:
        msg = f"could not be read: {exc.strerror or exc}"
    return UnreadableError(msg, path=path)
