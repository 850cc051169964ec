"""Hostile zip bundles: every trick is refused with a Problem naming the member, the rest still read,
and nothing is written outside the private temporary folder."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from core.errors import UnsafeInputError
from core.safefs import open_regular
from core.sources.bundle import zip_bundle
from core.sources.identify import FileKind
from core.sources.zipsafe import SafeZip, ZipLimits, member_name_problem
from tests.builders.dumps import build_kernel_dump
from tests.builders.pe import build_driver_bytes

DUMP = build_kernel_dump(64, 0xD1)


def _zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]],
         compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def _problem_for(source_or_zip, member: str) -> str:
    hits = [p.message for p in source_or_zip.problems if p.path.endswith("!" + member)]
    assert hits, f"no problem names {member}: {source_or_zip.problems}"
    return hits[0]


@pytest.mark.parametrize(("name", "words"), [
    ("../../evil.dmp", "climbs"),
    ("dumps/../../evil.dmp", "climbs"),
    ("..\\evil.dmp", "climbs"),
    ("/etc/evil.dmp", "absolute"),
    ("C:/Windows/evil.dmp", "absolute"),
    ("c:\\evil.dmp", "absolute"),
    ("/".join(["d"] * 40) + "/deep.dmp", "nested"),
])
def test_dangerous_member_names_are_rejected_and_named(tmp_path, name, words):
    bundle = _zip(tmp_path / "b.zip", [(name, DUMP), ("dumps/ok.dmp", DUMP)])
    with zip_bundle(bundle) as source:
        assert words in _problem_for(source, name)
        assert [i.name for i in source.items] == ["dumps/ok.dmp"]
        paths = source.dump_files(None)
        assert len(paths) == 1
    # nothing appeared next to the zip or above it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip"]


def test_symlink_member_is_never_followed(tmp_path):
    link = zipfile.ZipInfo("dumps/link.dmp")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    bundle = _zip(tmp_path / "b.zip", [(link, b"/etc/passwd"), ("dumps/real.dmp", DUMP)])
    with zip_bundle(bundle) as source:
        assert "symbolic link" in _problem_for(source, "dumps/link.dmp")
        assert [i.name for i in source.items] == ["dumps/real.dmp"]


def test_high_ratio_bomb_is_refused_before_decompressing(tmp_path):
    bundle = _zip(tmp_path / "bomb.zip", [("dumps/bomb.dmp", DUMP + bytes(30 << 20)),
                                          ("dumps/ok.dmp", DUMP)])
    with zip_bundle(bundle) as source:
        assert "zip bomb" in _problem_for(source, "dumps/bomb.dmp")
        assert [i.name for i in source.items] == ["dumps/ok.dmp"]


def test_total_size_cap_stops_reading_further_members(tmp_path):
    bundle = _zip(tmp_path / "b.zip", [("a.dmp", DUMP), ("b.dmp", DUMP), ("c.dmp", DUMP)],
                  zipfile.ZIP_STORED)
    archive = SafeZip(bundle, ZipLimits(max_total_size=2 * len(DUMP) + 10))
    try:
        assert [SafeZip.member_path(i) for i in archive.members] == ["a.dmp", "b.dmp"]
        assert "expand beyond" in _problem_for(archive, "c.dmp")
    finally:
        archive.close()


def test_member_larger_than_it_declares_is_cut_off(tmp_path):
    bundle = _zip(tmp_path / "b.zip", [("dumps/x.dmp", DUMP)], zipfile.ZIP_STORED)
    archive = SafeZip(bundle)
    try:
        info = archive.members[0]
        info.file_size = 100  # a lying header: the stream holds far more
        with pytest.raises(UnsafeInputError) as err:
            archive.extract(info)
        assert "x.dmp" in str(err.value)
        assert archive._tmp is not None and not any(archive._tmp.rglob("x.dmp"))
    finally:
        archive.close()


def test_duplicate_names_keep_the_first(tmp_path):
    first = build_kernel_dump(64, 0xD1)
    second = build_kernel_dump(64, 0x7E)
    with pytest.warns(UserWarning, match="Duplicate name"):
        bundle = _zip(tmp_path / "b.zip", [("dumps/x.dmp", first), ("dumps/x.dmp", second)])
    with zip_bundle(bundle) as source:
        assert "same name" in _problem_for(source, "dumps/x.dmp")
        (path,) = source.dump_files(None)
        with open_regular(path) as fh:
            assert fh.read() == first


def test_non_utf8_name_is_skipped(tmp_path):
    bundle = tmp_path / "b.zip"
    _zip(bundle, [("dumps/Absturz_\u00e4.dmp", DUMP), ("dumps/ok.dmp", DUMP)])
    # Rewrite the name as a legacy code page would, clearing the UTF-8 flag (bit 11).
    raw = bytearray(bundle.read_bytes())
    utf8, cp = "Absturz_\u00e4".encode(), "Absturz_\u00e4".encode("cp1252") + b" "
    assert len(utf8) == len(cp)
    raw = bytearray(raw.replace(utf8, cp))
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (pos := raw.find(sig, start)) >= 0:
            raw[pos + flag_at] &= ~0x08 & 0xFF  # bit 11 lives in the flag's high byte
            raw[pos + flag_at + 1] &= ~0x08 & 0xFF
            start = pos + 4
    bundle.write_bytes(bytes(raw))
    with zip_bundle(bundle) as source:
        assert any("not UTF-8" in p.message for p in source.problems)
        assert [i.name for i in source.items] == ["dumps/ok.dmp"]


def test_nested_zip_is_not_opened(tmp_path):
    inner = _zip(tmp_path / "inner.zip", [("dumps/x.dmp", DUMP)])
    bundle = _zip(tmp_path / "b.zip", [("inner.zip", inner.read_bytes())])
    with zip_bundle(bundle) as source:
        assert "not opened" in _problem_for(source, "inner.zip")
        assert source.items == []


def test_not_a_zip_is_an_unsafe_input_error(tmp_path):
    bad = tmp_path / "b.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(UnsafeInputError) as err:
        zip_bundle(bad)
    assert "b.zip" in str(err.value)


def test_only_needed_members_are_extracted_and_cleanup_removes_them(tmp_path):
    bundle = _zip(tmp_path / "b.zip", [("dumps/x.dmp", DUMP), ("notes/readme.txt", b"hello"),
                                        ("drivers/big.sys", build_driver_bytes(bits=64))])
    source = zip_bundle(bundle)
    try:
        assert {i.name: i.kind for i in source.items} == {"dumps/x.dmp": FileKind.KERNEL_DUMP,
                                                         "drivers/big.sys": FileKind.PE}
        assert source.items[0].local is None  # identified from a streamed prefix, not extracted
        (path,) = source.dump_files(None)
        tmp = path.parents[1]
        # A dump is read straight from the archive: only a sparse private backing file exists, and
        # its path is never a real file (a reader bypassing core.safefs fails loudly).
        assert not path.exists()
        with open_regular(path) as fh:
            assert fh.read() == DUMP
        (backing,) = [p for p in tmp.rglob("*") if p.is_file()]
        assert backing.relative_to(tmp).parts[0] == ".lazy"
        assert os.stat(tmp).st_mode & 0o077 == 0  # private to this user
        assert source.display_path(path) == "b.zip!dumps/x.dmp"
        driver = source.driver_file("big.sys")
        assert driver is not None and driver.is_file()  # other kinds are unpacked whole
    finally:
        source.close()
    assert not tmp.exists()


def test_member_name_rules():
    assert member_name_problem("dumps/Minidump/a.dmp", utf8_flag=False) is None
    assert member_name_problem("dumps/\u00e4.dmp", utf8_flag=True) is None
    assert member_name_problem("a\0b", utf8_flag=True) is not None
