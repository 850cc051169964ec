"""The one read-only, seekable file view that readers are handed where no plain file will do: a file
padded with zeros (a cut .evtx), a file with a spliced tail (a zip whose index we rebuilt), a zip
member read lazily. Subclasses say how long the view is and how to fill a read; the position and
seeking rules live here once."""

from __future__ import annotations

import io
from typing import BinaryIO


class SeekableView(io.RawIOBase):
    def __init__(self) -> None:
        super().__init__()
        self._pos = 0

    @property
    def view_size(self) -> int:
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.view_size}[whence]
        if base + offset < 0:
            raise OSError(22, f"negative seek position {base + offset}")
        self._pos = base + offset
        return self._pos


class SplicedFile(SeekableView):
    """The first `keep` bytes of `fh`, followed by `tail` (read-only, seekable); the view owns `fh`.
    A zip with a rebuilt central directory (core.sources.zipdir) and a cut .evtx padded with zeros
    (core.events.padded_file) are both this."""

    def __init__(self, fh: BinaryIO, keep: int, tail: bytes) -> None:
        super().__init__()
        self._fh = fh
        self._keep = keep
        self._tail = tail
        self._size = keep + len(tail)

    @property
    def view_size(self) -> int:
        return self._size

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        wanted = max(0, min(len(view), self._size - self._pos))
        done = 0
        if self._pos < self._keep:
            self._fh.seek(self._pos)
            part = self._fh.read(min(wanted, self._keep - self._pos))
            view[:len(part)] = part
            done = len(part)
            if done < min(wanted, self._keep - self._pos):  # the file shrank under us
                self._pos += done
                return done
        if done < wanted:
            start = self._pos + done - self._keep
            piece = self._tail[start:start + wanted - done]
            view[done:done + len(piece)] = piece
            done += len(piece)
        self._pos += done
        return done

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
        super().close()
