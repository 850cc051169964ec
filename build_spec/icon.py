"""Make the Windows .ico from the app's PNG icon without Pillow: since Vista an ICO entry may simply
hold PNG bytes, which is all we need for a 256x256 icon."""

from __future__ import annotations

import struct
from pathlib import Path


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def png_to_ico(png: Path, ico: Path) -> Path:
    data = png.read_bytes()
    width, height = png_size(data)
    header = struct.pack("<HHH", 0, 1, 1)  # reserved, type 1 = icon, one image
    entry = struct.pack("<BBBBHHII", width % 256, height % 256, 0, 0, 1, 32, len(data), 6 + 16)
    ico.write_bytes(header + entry + data)
    return ico
