"""Hostile and broken zip bundles as a user meets them through `dumpdoctor scan`/`bundle` (issue #19,
items 1, 6, 7, 8, 10): every damaged member is a problem naming the member, a zip that cannot be opened
at all is exit 3 with one sentence, and nothing ever ends in a traceback."""

from __future__ import annotations

import errno
import json
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core.sources.zipsafe as zipsafe
from core.cli.main import main
from core.errors import Cancelled, UnsafeInputError
from core.evidence_ref import TEMP_SPACE_STEP
from core.progress import CancelToken
from core.safefs import open_regular, stream_size
from core.scan import scan
from core.sources.bundle import zip_bundle
from core.sources.zipsafe import SafeZip, ZipLimits
from tests.builders import hostile
from tests.builders.offline_root import write_offline_root

DAMAGED = {
    "damaged deflate stream": (hostile.damaged_deflate_zip, "dumps/bad.dmp", "could not be decompressed"),
    "empty member name": (hostile.empty_name_zip, "(no name)", "empty"),
    "unsupported zip version": (hostile.future_version_zip, "dumps/new.dmp", "zip version 9.9"),
    "name flagged UTF-8 that is not": (hostile.bad_utf8_name_zip, "dumps/\ufffd\ufffdx.dmp",
                                       "not valid UTF-8"),
    "corrupt extra field": (hostile.corrupt_extra_zip, "dumps/extra.dmp", "extra field"),
}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_one_damaged_member_is_named_and_the_rest_is_read(tmp_path: Path, case: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    build, member, words = DAMAGED[case]
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(build())
    with zip_bundle(bundle) as source:
        hits = [p.message for p in source.problems if p.path == f"b.zip!{member}"]
        if not hits:  # a decompression failure shows when the member is first read
            evidence = scan(source)
            hits = [p.message for p in evidence.problems if p.path == f"b.zip!{member}"]
        assert hits and words in hits[0], source.problems
        assert "dumps/good.dmp" in {i.name for i in source.items}
    code, out, _err = _run(["scan", str(bundle), "--json"], capsys)
    report = json.loads(out)
    assert code in (1, 4)  # the good dump is a finding; never 3 (the zip was read) nor a crash
    assert any(d["path"] == "b.zip!dumps/good.dmp" for d in report["evidence"]["dumps"])


@pytest.mark.parametrize(("content", "words"), [
    (b"", "only 0 bytes"),
    (b"PK\x03\x04 no end record", "end-of-archive"),
    (b"PK\x05\x06" + b"\0" * 8 + b"\xff\xff\xff\x7f" + b"\0" * 6, "before the file"),
])
def test_a_zip_that_cannot_be_opened_is_exit_3_with_a_sentence(tmp_path: Path, content: bytes, words: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(content)
    for command in (["scan"], ["bundle", "-o", str(tmp_path / "out.zip")]):
        code, _out, err = _run([*command[:1], str(bad), *command[1:]], capsys)
        assert code == 3
        assert err.startswith(f"dumpdoctor: {bad}: not a readable zip file") and words in err
    assert not (tmp_path / "out.zip").exists()


def test_two_million_entries_are_never_loaded(tmp_path: Path) -> None:
    """The end record declares 2,000,000 entries (the directory holds 30,000, written by hand): only
    the first 20,000 are read, with a problem saying so, in bounded memory."""
    bundle = tmp_path / "many.zip"
    bundle.write_bytes(hostile.huge_directory_zip(30_000, declared=2_000_000))
    tracemalloc.start()
    try:
        archive = SafeZip(bundle)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        assert len(archive._zip.infolist()) == 20_000
        assert any("declares 2,000,000 members; only the first 20,000" in p.message for p in archive.problems)
        assert peak < 64 << 20, f"peak {peak:,} bytes"
    finally:
        archive.close()


def test_directory_byte_cap_stops_reading_entries(tmp_path: Path) -> None:
    bundle = tmp_path / "many.zip"
    bundle.write_bytes(hostile.huge_directory_zip(1000))
    archive = SafeZip(bundle, ZipLimits(max_directory_bytes=10_000))
    try:
        assert 0 < len(archive._zip.infolist()) < 1000
        assert any("larger than 10,000 bytes" in p.message for p in archive.problems)
    finally:
        archive.close()


def test_sparse_disk_bomb_costs_no_temporary_disk_and_no_decompression(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """64 MiB of zeros behind a real dump header, under the ratio limit thanks to some noise: the dump
    reader takes its header pages straight from the archive, so neither the 64 MiB nor the noise is
    decompressed; read to the end, only the non-zero chunks are kept (on any file system)."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(zipsafe.tempfile, "tempdir", str(temp))
    bundle = tmp_path / "bomb.zip"
    bundle.write_bytes(hostile.sparse_bomb_zip(2, 64 << 20, noise=100_000))

    def kept() -> int:
        return sum(p.stat().st_size for p in temp.rglob("*") if p.is_file())

    with zip_bundle(bundle) as source:
        paths = source.dump_files(None)
        assert len(paths) == 2
        ev = scan(source)
        assert len(ev.dumps) == 2
        assert kept() <= 2 << 20  # the first chunk of each member: the header pages
        with open_regular(paths[0]) as fh:
            assert stream_size(fh) == len(hostile.DUMP) + (64 << 20) + 100_000
            fh.seek(-10, os.SEEK_END)
            assert len(fh.read()) == 10
            fh.seek(0)
            assert fh.read(len(hostile.DUMP)) == hostile.DUMP
            fh.seek(32 << 20)
            assert fh.read(4096) == bytes(4096)
        assert kept() <= 4 << 20, "zero chunks were kept"


def test_temporary_disk_is_capped_with_a_clear_message(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "big.zip"
    bundle.write_bytes(hostile.sparse_bomb_zip(1, 0, noise=3 << 20))
    with zip_bundle(bundle, ZipLimits(max_temp_bytes=1000)) as source:
        ev = scan(source)
    assert not ev.dumps
    (problem,) = [p for p in ev.problems if p.step == TEMP_SPACE_STEP]
    assert problem.path == "big.zip!dumps/MEMORY0.DMP"
    assert "not a fault in the evidence" in problem.message and "TMPDIR" in problem.message


def test_no_space_left_is_not_blamed_on_the_evidence_and_is_not_exit_0(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    layout = write_offline_root(tmp_path / "root")
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        for path in sorted(layout.root.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(layout.root).as_posix())
    real_open = zipsafe.Path.open

    def full_disk(self: Path, mode: str = "r", *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if mode == "xb":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(self, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipsafe.Path, "open", full_disk)
    code, _out, err = _run(["scan", str(bundle)], capsys)
    assert code != 0
    with zip_bundle(bundle) as source:
        ev = scan(source)
    short = [p for p in ev.problems if p.step == TEMP_SPACE_STEP]
    assert short and all(p.path.startswith("b.zip!") for p in short)
    assert all("not a fault in the evidence" in p.message for p in short)
    if code == 4:
        assert "temporary disk space" in err


def test_reports_name_zip_members_never_the_temporary_copy(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    layout = write_offline_root(tmp_path / "root")
    first = tmp_path / "first.zip"
    assert main(["bundle", str(layout.root), "-o", str(first)]) == 0
    capsys.readouterr()
    code, out, _err = _run(["scan", str(first), "--json"], capsys)
    assert code in (0, 1, 4)
    assert "dumpdoctor-bundle-" not in out and tempfile_root() not in out
    assert "first.zip!drivers/diskdump.sys" in out


def tempfile_root() -> str:
    import tempfile
    return tempfile.gettempdir() + os.sep + zipsafe.TEMP_PREFIX


def test_not_a_zip_message_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "b.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(UnsafeInputError, match=r"b\.zip"):
        zip_bundle(bad)


def test_extraction_folder_of_a_killed_run_is_removed_by_the_next(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipsafe.tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / f"{zipsafe.TEMP_PREFIX}{2**22 + 12345}-abc123"  # above any Linux pid_max default
    (dead / "dumps").mkdir(parents=True)
    (dead / "dumps" / "x.dmp").write_bytes(b"left behind")
    alive = tmp_path / f"{zipsafe.TEMP_PREFIX}{os.getpid()}-zzz999"
    alive.mkdir()
    foreign = tmp_path / "dumpdoctor-bundle-notours"
    foreign.mkdir()
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(hostile.zip_bytes([("dumps/a.dmp", hostile.DUMP)]))
    with zip_bundle(bundle) as source:
        assert source.dump_files(None)
    assert not dead.exists() and alive.exists() and foreign.exists()


class _TripAfter(CancelToken):
    """Cancels itself at its n-th check: inside the unpacking loop, which checks once per MiB."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def check(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.cancel()
        super().check()


def test_unpacking_a_large_member_stops_when_cancelled_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(zipsafe.tempfile, "tempdir", str(temp))
    big = hostile.deflated_member("events/System.evtx", [b"ElfFile\0" + bytes(4088), bytes(256 << 20),
                                                          os.urandom(300_000)])
    bundle = tmp_path / "big.zip"
    bundle.write_bytes(hostile.raw_zip([big]))
    with zip_bundle(bundle) as source:
        token = _TripAfter(20)
        source.cancel = token
        with pytest.raises(Cancelled):
            source.event_inputs()
        assert token.left <= 0  # it stopped on its 20th check, 20 MiB in, not at the end
        assert [p for p in temp.rglob("*") if p.is_file()] == []
        assert source.items[0].local is None


def test_reading_a_dump_straight_from_the_archive_stops_when_cancelled(tmp_path: Path) -> None:
    bundle = tmp_path / "bomb.zip"
    bundle.write_bytes(hostile.sparse_bomb_zip(1, 256 << 20, noise=300_000))
    with zip_bundle(bundle) as source:
        (path,) = source.dump_files(None)
        source.cancel = _TripAfter(20)
        with open_regular(path) as fh, pytest.raises(Cancelled):
            fh.seek(200 << 20)
            fh.read(16)


_MIXED = (hostile.DUMP + bytes((1 << 20) - len(hostile.DUMP)) + bytes(2 << 20) + bytes(range(256)) * 4096
          + bytes(3 << 19) + b"tail" * 1000)


@pytest.fixture(scope="module")
def mixed_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mixed") / "m.zip"
    path.write_bytes(hostile.zip_bytes([("dumps/MEMORY.DMP", _MIXED)]))
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reads=st.lists(st.tuples(st.integers(0, len(_MIXED) + 100), st.integers(0, 3 << 20)), min_size=1,
                      max_size=8))
def test_a_dump_read_straight_from_the_archive_reads_exactly_its_bytes(
        mixed_zip: Path, reads: list[tuple[int, int]]) -> None:
    """Zero chunks are not kept, others are: any read, in any order, gives the member's own bytes."""
    with zip_bundle(mixed_zip) as source:
        (path,) = source.dump_files(None)
        with open_regular(path) as fh:
            assert stream_size(fh) == len(_MIXED)
            for offset, length in reads:
                fh.seek(offset)
                assert fh.read(length) == _MIXED[offset:offset + length]
