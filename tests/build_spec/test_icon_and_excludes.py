from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from build_spec.excludes import EXCLUDED_MODULES, keep_binary, keep_data
from build_spec.icon import ICON_SIZES, app_pngs, png_size, png_to_ico, pngs_to_ico


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00\xff" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def test_ico_holds_the_png_with_a_directory_entry_windows_reads(tmp_path: Path) -> None:
    png = tmp_path / "a.png"
    png.write_bytes(_png(256, 256))
    ico = png_to_ico(png, tmp_path / "a.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    width, height, _c, _r, planes, bpp, size, offset = struct.unpack("<BBBBHHII", ico[6:22])
    assert (reserved, kind, count) == (0, 1, 1)
    assert (width, height, planes, bpp) == (0, 0, 1, 32)  # 0 means 256 in an ICO entry
    assert ico[offset:offset + size] == png.read_bytes()


def test_not_a_png_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(b"GIF89a" + b"\0" * 30)


def test_only_widgets_stack_of_qt_is_kept() -> None:
    assert "PySide6.QtQml" in EXCLUDED_MODULES and "PySide6.QtWidgets" not in EXCLUDED_MODULES
    assert not keep_binary("PySide6/Qt/lib/libQt6Quick.so.6")
    assert keep_binary("PySide6/Qt/lib/libQt6Widgets.so.6")
    assert keep_binary("PySide6/Qt/plugins/platforms/libqoffscreen.so")
    assert not keep_data("PySide6/Qt/translations/qtbase_de.qm")
    assert keep_data("resources/bugchecks.json")


def test_python_registry_ships_it_reads_every_hive() -> None:
    assert "Registry" not in EXCLUDED_MODULES  # python-registry: without it no hive can be read


def test_windows_only_waste_is_left_out() -> None:
    assert not keep_binary("PySide6/opengl32sw.dll")
    assert not keep_binary("PySide6\\plugins\\platforms\\qdirect2d.dll")
    assert keep_binary("PySide6/plugins/platforms/qwindows.dll")
    assert not keep_binary("PySide6/plugins/imageformats/qtiff.dll")
    assert keep_binary("PySide6/plugins/imageformats/qsvg.dll")
    assert keep_binary("PySide6/plugins/iconengines/qsvgicon.dll")


def test_demo_drivers_stay_demo_data_not_exe_dependencies() -> None:
    assert not keep_binary("storport.sys")  # found by following cvstor.sys's imports
    assert keep_binary("resources/demo/drivers/storport.sys")
    assert keep_binary("selfcheck\\pe\\lsi_sas.sys")  # the --self-check sample (found missing under Wine)


def test_ico_holds_every_size_windows_uses(tmp_path: Path) -> None:
    pngs = []
    for size in (16, 32, 48, 256):
        p = tmp_path / f"app-{size}.png"
        p.write_bytes(_png(size, size))
        pngs.append(p)
    ico = pngs_to_ico(list(reversed(pngs)), tmp_path / "a.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 4)
    sizes = [struct.unpack_from("<BB", ico, 6 + 16 * i) for i in range(4)]
    assert sizes == [(16, 16), (32, 32), (48, 48), (0, 0)]  # smallest first; 0 means 256


def test_the_committed_app_icon_has_every_size() -> None:
    assert [png_size(p.read_bytes())[0] for p in app_pngs()] == list(ICON_SIZES)
