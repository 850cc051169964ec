"""The one read-only, seekable file view that readers are handed where no plain file will do: a file
padded with zeros (a cut .evtx), a file with a spliced tail (a zip whose index we rebuilt), a zip
member read lazily. Subclasses say how long the view is and how to fill a read; the position and
seeking rules live here once."""

from __future__ import annotations

import io


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
