"""A read-only view of a file with zeros appended, for the `evtx` library.

The library drops a whole chunk that ends before its 64 KiB, which loses the newest events of a log
copied from a live or crashed machine — often the crash itself. Given the same bytes padded with zeros
to the chunk's full size it returns every record that lies wholly before the cut. This view supplies
the zeros without copying the file into memory and without touching the evidence file.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.safefs import open_regular
from core.seekview import SplicedFile


class ZeroPaddedFile(SplicedFile):
    """`path` read as if it were `padded_size` bytes long, the extra bytes all zero (at most one
    chunk's worth: the census pads to the end of the chunk the file stops in)."""

    def __init__(self, path: Path, padded_size: int) -> None:
        fh = open_regular(path)
        real_size = os.fstat(fh.fileno()).st_size
        super().__init__(fh, real_size, bytes(max(0, padded_size - real_size)))
