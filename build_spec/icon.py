"""The app icon for Windows: PNGs of resources/icons/app.svg at every size Windows asks for (title
bar and taskbar at 100-250 % scaling, Explorer's views up to 256), and one .ico holding them all.

Since Vista an ICO entry may simply hold PNG bytes, so the .ico is written without Pillow. The PNGs
are rendered by `python -m build_spec.icon` (Qt's SVG renderer) and committed, so a build needs no
display and no Qt at build time for the icon.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ICON_SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128, 256)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def pngs_to_ico(pngs: list[Path], ico: Path) -> Path:
    """One ICO with an entry per PNG (smallest first, as Windows' own icons are ordered)."""
    images = sorted(((png_size(p.read_bytes()), p.read_bytes()) for p in pngs), key=lambda i: i[0])
    header = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 = icon, image count
    offset = 6 + 16 * len(images)
    entries, bodies = b"", b""
    for (width, height), data in images:
        # 0 in the one-byte width/height means 256
        entries += struct.pack("<BBBBHHII", width % 256, height % 256, 0, 0, 1, 32, len(data), offset)
        bodies += data
        offset += len(data)
    ico.write_bytes(header + entries + bodies)
    return ico


def png_to_ico(png: Path, ico: Path) -> Path:
    return pngs_to_ico([png], ico)


def app_pngs(folder: Path = ICONS) -> list[Path]:
    return [p for p in (folder / f"app-{s}.png" for s in ICON_SIZES) if p.exists()]


def render_pngs(svg: Path = ICONS / "app.svg", folder: Path = ICONS) -> list[Path]:
    """Render the SVG at every size (needs PySide6; run offscreen)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - Qt needs it alive
    renderer = QSvgRenderer(str(svg))
    written = []
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = folder / f"app-{size}.png"
        image.save(str(path), b"PNG")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in render_pngs():
        print(p)
    print(pngs_to_ico(app_pngs(), Path(sys.argv[1]) if len(sys.argv) > 1 else ICONS / "app.ico"))
