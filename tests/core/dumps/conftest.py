from __future__ import annotations

import io

from core.dumps import read_dump_stream
from core.dumps.model import DumpInfo


def read_bytes(data: bytes, name: str = "MEMORY.DMP") -> DumpInfo:
    return read_dump_stream(io.BytesIO(data), name, len(data))
