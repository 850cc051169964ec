"""`.reg` text must look like `reg export` output: readers of real exports then read ours."""

from __future__ import annotations

from core.bundle.regwriter import encode_reg, format_value, reg_text
from core.registry.keys import (
    REG_BINARY,
    REG_DWORD,
    REG_EXPAND_SZ,
    REG_MULTI_SZ,
    REG_QWORD,
    REG_SZ,
    MemoryKey,
    RegValue,
)


def test_value_formats_match_regedit() -> None:
    assert format_value(RegValue("", REG_SZ, "x")) == '@="x"'
    assert format_value(RegValue('a"b', REG_SZ, "C:\\x")) == '"a\\"b"="C:\\\\x"'
    assert format_value(RegValue("Start", REG_DWORD, 3)) == '"Start"=dword:00000003'
    assert format_value(RegValue("B", REG_BINARY, b"\x01\xff")) == '"B"=hex:01,ff'
    assert format_value(RegValue("Q", REG_QWORD, 1)) == '"Q"=hex(b):01,00,00,00,00,00,00,00'
    assert format_value(RegValue("E", REG_EXPAND_SZ, "%a")) == '"E"=hex(2):25,00,61,00,00,00'
    assert format_value(RegValue("M", REG_MULTI_SZ, ["a", "b"])) == '"M"=hex(7):61,00,00,00,62,00,00,00,00,00'
    assert format_value(RegValue("Bad", REG_DWORD, b"\x01\x02")) == '"Bad"=hex(4):01,02'


def test_long_hex_values_wrap_like_regedit() -> None:
    text = format_value(RegValue("PagingFiles", REG_MULTI_SZ, ["?:\\pagefile.sys " * 4]))
    lines = text.split("\r\n")
    assert len(lines) > 2
    assert all(len(line) <= 80 for line in lines)
    assert all(line.endswith("\\") for line in lines[:-1])
    assert all(line.startswith("  ") for line in lines[1:])


def test_document_is_utf16_with_header_and_subkeys_in_order() -> None:
    root = MemoryKey("Services")
    root.ensure("A").set("Start", REG_DWORD, 0)
    root.ensure("A\\Parameters").set("X", REG_SZ, "y")
    text = reg_text([(root, "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services", True)])
    assert text.startswith("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE")
    a = text.index("Services\\A]")
    assert a < text.index('"Start"=dword:00000000') < text.index("Services\\A\\Parameters]")
    assert "\n" not in text.replace("\r\n", "")
    assert encode_reg(text)[:2] == b"\xff\xfe"
    flat = reg_text([(root, "HKEY_X", False)])
    assert "Services\\A" not in flat and "HKEY_X" in flat
