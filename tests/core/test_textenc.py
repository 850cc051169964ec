"""One encoding rule for .reg exports, event XML and content identification."""

from __future__ import annotations

import codecs

import pytest

from core.textenc import decode_start, sniff_encoding

TEXT = "Windows Registry Editor Version 5.00"


@pytest.mark.parametrize(("data", "expected"), [
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), ("utf-16-le", 2)),  # what `reg export` writes
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), ("utf-16-be", 2)),
    (codecs.BOM_UTF8 + TEXT.encode(), ("utf-8", 3)),
    (TEXT.encode("utf-16-le"), ("utf-16-le", 0)),  # UTF-16 without a BOM
    (TEXT.encode("utf-16-be"), ("utf-16-be", 0)),
    (TEXT.encode(), ("utf-8", 0)),
    (b"", ("utf-8", 0)),
])
def test_encodings_windows_tools_write_are_recognised(data: bytes, expected: tuple[str, int]) -> None:
    assert sniff_encoding(data) == expected
    if data:
        assert decode_start(data).lstrip("\ufeff") == TEXT


def test_a_utf16_prefix_cut_at_an_odd_length_still_decodes() -> None:
    data = (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))[:25]
    assert decode_start(data) == TEXT[:11]
