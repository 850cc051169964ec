"""Bounded, seek-based reads from a dump file. A dump can be tens of gigabytes: the reader only ever
asks for the header pages and the small triage regions, and every read is capped."""

from __future__ import annotations

from typing import BinaryIO

from core.errors import UnreadableError, UnsafeInputError

# No structure we read is anywhere near this; a larger request means a hostile or corrupt count.
MAX_READ = 8 * 1024 * 1024


class DumpStream:
    """A file object plus its path and size, with reads that name the file and offset on failure."""

    def __init__(self, fh: BinaryIO, path: str, size: int) -> None:
        self._fh = fh
        self.path = path
        self.size = size

    def read_upto(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes at `offset`; fewer when the file ends first (never an error)."""
        if offset < 0 or length < 0:
            return b""
        if length > MAX_READ:
            raise UnsafeInputError(f"a structure claims {length} bytes, more than a dump holds there",
                                   path=self.path, offset=offset, expected=f"at most {MAX_READ} bytes")
        if offset >= self.size or length == 0:
            return b""
        try:
            self._fh.seek(offset)
            return self._fh.read(min(length, self.size - offset))
        except OSError as exc:
            raise UnreadableError(f"could not be read: {exc.strerror or exc}", path=self.path,
                                  offset=offset) from exc

