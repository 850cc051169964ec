"""Evidence files are recognised by what they contain, whatever they are called."""

from __future__ import annotations

import json
import struct

import pytest

from core.errors import UnreadableError
from core.sources.identify import FileKind, hive_name_from_header, identify_bytes, identify_file
from tests.builders.dumps import build_kernel_dump, build_user_minidump
from tests.builders.offline_root import reg_export_text
from tests.builders.pe import build_driver_bytes


def _regf(file_type: int = 0, name: str = "\\SystemRoot\\System32\\Config\\SYSTEM") -> bytes:
    head = bytearray(4096)
    head[0:4] = b"regf"
    struct.pack_into("<I", head, 0x1C, file_type)
    raw = name[-31:].encode("utf-16-le")  # Windows keeps the tail of the path (31 chars + NUL)
    head[0x30:0x30 + len(raw)] = raw
    return bytes(head)


EVENT_XML = ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
             "<Provider Name='EventLog'/><EventID>6008</EventID></System></Event>")


@pytest.mark.parametrize(("data", "kind"), [
    (build_kernel_dump(64, 0xD1), FileKind.KERNEL_DUMP),
    (build_kernel_dump(32, 0xD1), FileKind.KERNEL_DUMP),
    (build_user_minidump(), FileKind.USER_DUMP),
    (_regf(), FileKind.HIVE),
    (_regf(file_type=6), FileKind.HIVE_LOG),
    (b"ElfFile\0" + bytes(120), FileKind.EVTX),
    (build_driver_bytes(bits=64), FileKind.PE),
    (b"\xff\xfe" + reg_export_text("SYSTEM", {"Select": {}}).encode("utf-16-le"), FileKind.REG_EXPORT),
    (reg_export_text("SYSTEM", {"Select": {}}).encode("utf-8"), FileKind.REG_EXPORT),
    (b"\xef\xbb\xbfREGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM]\r\n", FileKind.REG_EXPORT),
    (EVENT_XML.encode(), FileKind.EVENT_XML),
    (("<?xml version='1.0' encoding='utf-16'?>\n<Events>" + EVENT_XML).encode("utf-16"), FileKind.EVENT_XML),
    (json.dumps({"format_version": 1, "files": []}).encode(), FileKind.MANIFEST),
    (b"PK\x03\x04" + bytes(30), FileKind.ZIP),
    (b"just some notes\r\n", FileKind.UNKNOWN),
    (json.dumps({"something": "else"}).encode(), FileKind.UNKNOWN),
    (b"", FileKind.UNKNOWN),
])
def test_identified_by_content_under_a_meaningless_name(tmp_path, data, kind):
    path = tmp_path / "renamed.bin"
    path.write_bytes(data)
    assert identify_file(path) is kind


def test_misleading_extension_does_not_matter(tmp_path):
    path = tmp_path / "MEMORY.DMP"
    path.write_bytes(build_driver_bytes(bits=32))
    assert identify_file(path) is FileKind.PE


def test_hive_name_comes_from_the_base_block():
    assert hive_name_from_header(_regf(name="\\SystemRoot\\System32\\Config\\SOFTWARE")) == "SOFTWARE"
    assert hive_name_from_header(_regf(name="emRoot\\System32\\Config\\SYSTEM")) == "SYSTEM"
    assert hive_name_from_header(_regf(name="")) is None


def test_unreadable_file_names_the_file(tmp_path):
    with pytest.raises(UnreadableError) as err:
        identify_file(tmp_path / "absent.dmp")
    assert "absent.dmp" in str(err.value)


def test_truncated_prefixes_never_raise():
    for data in (b"M", b"MZ", b"MZ" + bytes(10), b"\xff\xfe", b"\xff\xfeW\x00"):
        assert identify_bytes(data) is FileKind.UNKNOWN, data
    # A cut-short hive is still taken for a hive, so opening it reports the truncation by name.
    assert identify_bytes(b"regf") is FileKind.HIVE


def test_identification_and_the_event_reader_agree_on_what_an_export_is(tmp_path):
    # One detect() per reader: the bundle's identification and `read_events` cannot disagree about a
    # commented export (identification used to miss it and call the file unknown).
    from core.events import detect_event_format

    commented = ("<?xml version='1.0'?>\n<!-- saved by Event Viewer -->\n" + EVENT_XML).encode()
    path = tmp_path / "exported.txt"
    path.write_bytes(commented)
    assert identify_bytes(commented) is FileKind.EVENT_XML
    assert detect_event_format(path) == "xml"


def test_every_kind_has_exactly_one_detector():
    from core.sources.identify import DETECTORS

    kinds = [kind for kind, _detect in DETECTORS]
    assert sorted(kinds) == sorted(set(FileKind) - {FileKind.UNKNOWN})
