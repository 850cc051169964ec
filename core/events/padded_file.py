"""A read-only view of a file with zeros appended, for the `evtx` library.

The library drops a whole chunk that ends before its 64 KiB, which loses the newest events of a log
copied from a live or crashed machine — often the crash itself. Given the same bytes padded with zeros
to the chunk's full size it returns every record that lies wholly before the cut. This view supplies
the zeros without copying the file into memory and without touching the evidence file.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from core.safefs import open_regular
from core.seekview import SeekableView


class ZeroPaddedFile(SeekableView):
    """`path` read as if it were `padded_size` bytes long, the extra bytes all zero."""

    def __init__(self, path: Path, padded_size: int) -> None:
        super().__init__()
        self._fh: io.BufferedReader = open_regular(path)
        self._real_size = os.fstat(self._fh.fileno()).st_size
        self._size = max(padded_size, self._real_size)

    @property
    def view_size(self) -> int:
        return self._size

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        wanted = max(0, min(len(view), self._size - self._pos))
        done = 0
        if self._pos < self._real_size:
            self._fh.seek(self._pos)
            done = self._fh.readinto(view[:min(wanted, self._real_size - self._pos)])
        if done < wanted:
            # Past the real end (or the file shrank under us): zeros, as the padding promises.
            view[done:wanted] = bytes(wanted - done)
        self._pos += wanted
        return wanted

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
        super().close()
