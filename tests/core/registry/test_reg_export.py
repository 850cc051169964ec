"""`.reg` exports: round trip through the writer, the syntax regedit produces, and hostile text."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import FormatError, NotRecognisedError
from core.registry import read_reg_export, read_reg_exports
from core.registry.keys import (
    REG_BINARY,
    REG_DWORD,
    REG_DWORD_BIG_ENDIAN,
    REG_EXPAND_SZ,
    REG_MULTI_SZ,
    REG_NONE,
    REG_QWORD,
    REG_RESOURCE_LIST,
    REG_SZ,
    MemoryKey,
)
from tests.builders.regfile import trees_equal, write_reg
from tests.fuzzing import only_project_errors


def sample_roots() -> dict[str, MemoryKey]:
    system = MemoryKey("SYSTEM", r"HKLM\SYSTEM")
    cc = system.ensure(r"CurrentControlSet\Control\CrashControl")
    cc.set("CrashDumpEnabled", REG_DWORD, 7)
    cc.set("DumpFile", REG_EXPAND_SZ, r"%SystemRoot%\MEMORY.DMP")
    cc.set("DumpFilters", REG_MULTI_SZ, ["dumpfve.sys", "other.sys"])
    cc.set("Quote", REG_SZ, 'say "hi" \\ back\\')
    cc.set("", REG_SZ, "default value")
    cc.set("Blob", REG_BINARY, bytes(range(200)))
    cc.set("Empty", REG_BINARY, b"")
    cc.set("Q", REG_QWORD, 0x1122334455667788)
    cc.set("BE", REG_DWORD_BIG_ENDIAN, 0x01020304)
    cc.set("None", REG_NONE, b"\x01\x02")
    cc.set("Res", REG_RESOURCE_LIST, b"\xaa" * 7)
    system.ensure(r"CurrentControlSet\Services\Ünïcode naïve")
    software = MemoryKey("SOFTWARE", r"HKLM\SOFTWARE")
    software.ensure(r"Microsoft\Windows NT\CurrentVersion").set("CurrentBuild", REG_SZ, "7601")
    return {"SYSTEM": system, "SOFTWARE": software}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-8-sig"])
def test_round_trip(tmp_path: Path, encoding: str) -> None:
    roots = sample_roots()
    back = read_reg_export(write_reg(tmp_path / "x.reg", roots, encoding=encoding))
    assert set(back) == {"SYSTEM", "SOFTWARE"}
    for name, root in roots.items():
        assert trees_equal(back[name], root), name
    assert back["SYSTEM"].path == r"HKLM\SYSTEM"
    ccs = back["SYSTEM"].subkey("CurrentControlSet")
    assert ccs is not None and ccs.path == r"HKLM\SYSTEM\CurrentControlSet"


def write_text(tmp_path: Path, text: str, name: str = "t.reg") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    return path


HEAD = "Windows Registry Editor Version 5.00\n\n"


def test_handwritten_syntax(tmp_path: Path) -> None:
    path = write_text(tmp_path, HEAD + "; a comment\n\n"
                      "[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\n"
                      '"Current"=dword:00000002\n'
                      '"Path"=hex(2):25,00,53,00,\\\n  00,00\n'
                      '"Multi"=hex(7):61,00,00,00,62,00,00,00,00,00\n'
                      '"Gone"="x"\n"Gone"=-\n'
                      "[HKEY_LOCAL_MACHINE\\SYSTEM\\Doomed]\n"
                      "[-HKEY_LOCAL_MACHINE\\SYSTEM\\Doomed]\n")
    root = read_reg_export(path)["SYSTEM"]
    select = root.subkey("select")
    assert select is not None
    assert select.get("Current") == 2
    assert select.get("Path") == "%S"
    assert select.get("Multi") == ["a", "b"]
    assert select.value("Gone") is None
    assert root.subkey("Doomed") is None


def test_regedit4_ansi_export(tmp_path: Path) -> None:
    path = tmp_path / "old.reg"
    path.write_bytes(b"REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n"
                     b'"E"=hex(2):25,41,25,00\r\n"S"="caf\xe9"\r\n')
    key = read_reg_export(path)["SOFTWARE"].subkey("X")
    assert key is not None and key.get("E") == "%A%"


def test_malformed_lines_skipped_with_file_and_line(tmp_path: Path) -> None:
    path = write_text(tmp_path, HEAD + "[HKEY_LOCAL_MACHINE\\SYSTEM\\A]\n"
                      '"ok"=dword:1\n'
                      '"bad"=dword:xyz\n'
                      'garbage\n'
                      '"unterminated=1\n'
                      "[HKEY_NOWHERE\\X]\n")
    result = read_reg_exports([path])
    assert result.roots["SYSTEM"].subkey("A").get("ok") == 1
    assert [s.line for s in result.skipped] == [5, 6, 7, 8]
    assert all(s.path == str(path) for s in result.skipped)
    assert "dword" in result.skipped[0].reason


def test_nothing_usable_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as err:
        read_reg_export(write_text(tmp_path, HEAD + "garbage\n\"x\"=1\n"))
    assert "t.reg" in str(err.value)
    with pytest.raises(NotRecognisedError):
        read_reg_export(write_text(tmp_path, "hello\n", "n.reg"))
    with pytest.raises(NotRecognisedError):
        read_reg_export(write_text(tmp_path, "", "e.reg"))


def test_several_files_merge_in_order(tmp_path: Path) -> None:
    first = write_text(tmp_path, HEAD + "[HKEY_LOCAL_MACHINE\\SYSTEM\\A]\n\"v\"=dword:1\n"
                       "[HKEY_LOCAL_MACHINE\\SYSTEM\\B]\n", "1.reg")
    second = write_text(tmp_path, HEAD + "[HKEY_LOCAL_MACHINE\\SYSTEM\\A]\n\"v\"=dword:2\n"
                        "[-HKEY_LOCAL_MACHINE\\SYSTEM\\B]\n", "2.reg")
    root = read_reg_exports([first, second]).roots["SYSTEM"]
    assert root.subkey("A").get("v") == 2
    assert root.subkey("B") is None


_LINE = st.one_of(
    st.sampled_from(["[HKEY_LOCAL_MACHINE\\SYSTEM\\K]", "[-HKEY_LOCAL_MACHINE\\SYSTEM]", '"a"=-', "@=\"x\"",
                     '"d"=dword:', '"h"=hex(7):00,\\', "[HKEY_LOCAL_MACHINE]", "\\", '"q"="\\"', ";",
                     "[", "]", '"x"=hex(2):zz', '"x"=hex(ffffffff):00', '"y"=hex:' + "0," * 50]),
    st.text(alphabet=string.printable + "\x00é\u2028", max_size=40),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINE, max_size=12), header=st.sampled_from([HEAD, "REGEDIT4\n", ""]))
@pytest.mark.fuzz
def test_fuzz_only_project_errors(tmp_path: Path, lines: list[str], header: str) -> None:
    path = tmp_path / "f.reg"
    path.write_bytes((header + "\n".join(lines)).encode("utf-16-le", errors="surrogatepass"))
    roots = only_project_errors(lambda: read_reg_export(path), names=str(path))
    if roots is None:
        return
    assert all(isinstance(k, MemoryKey) for k in roots.values())
