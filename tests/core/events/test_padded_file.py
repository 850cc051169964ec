"""The zero-padded view the .evtx reader hands the library for a log that ends inside a chunk: the same
bytes as the file, then zeros, whatever way the library reads — and the evidence file left untouched."""

from __future__ import annotations

import io

from core.events.padded_file import ZeroPaddedFile


def test_reads_the_file_then_zeros_up_to_the_padded_size(tmp_path):
    data = bytes(range(256)) * 40  # 10,240 bytes
    path = tmp_path / "cut.evtx"
    path.write_bytes(data)
    with ZeroPaddedFile(path, 16384) as view:
        assert view.read() == data + bytes(16384 - len(data))
        assert view.read(10) == b""  # at the padded end
        view.seek(10_200)
        assert view.read(100) == data[10_200:] + bytes(60)  # a read across the real end
        assert view.seek(-4, io.SEEK_END) == 16380 and view.read() == bytes(4)
        view.seek(5)
        view.seek(3, io.SEEK_CUR)
        buf = bytearray(4)
        assert view.readinto(buf) == 4 and bytes(buf) == data[8:12]
    assert path.read_bytes() == data


def test_a_padded_size_below_the_file_size_never_hides_bytes(tmp_path):
    path = tmp_path / "whole.evtx"
    path.write_bytes(b"x" * 100)
    with ZeroPaddedFile(path, 10) as view:
        assert view.read() == b"x" * 100
