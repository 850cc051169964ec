"""Dumps are recognised by content, never by name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.dumps import detect, read_dump
from core.dumps.model import DumpKind
from core.errors import NotRecognisedError, TruncatedError, UnreadableError
from tests.builders.dumps import build_kernel_dump, build_user_minidump


@pytest.mark.parametrize(("content", "kind"), [
    (build_kernel_dump(32, 0xD1, dump_type=1), DumpKind.KERNEL),
    (build_kernel_dump(64, 0xD1, dump_type=1), DumpKind.KERNEL),
    (build_user_minidump(), DumpKind.USER),
    (b"MZ\x90\x00" + b"\0" * 60, DumpKind.NOT_A_DUMP),
    (b"PAGEDUMX" + b"\0" * 64, DumpKind.NOT_A_DUMP),
    (b"", DumpKind.NOT_A_DUMP),
])
def test_detect_by_content(tmp_path: Path, content: bytes, kind: DumpKind) -> None:
    path = tmp_path / "looks_like.dmp"  # the name must not matter
    path.write_bytes(content)
    assert detect(path) is kind


def test_kernel_dump_with_any_name_is_read(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(build_kernel_dump(64, 0x9F, dump_type=1))
    assert read_dump(path).bugcheck is not None


def test_user_minidump_is_reported_as_an_application_crash(tmp_path: Path) -> None:
    path = tmp_path / "app.dmp"
    path.write_bytes(build_user_minidump())
    info = read_dump(path)
    assert info.kind is DumpKind.USER
    assert info.bugcheck is None
    assert "application crash dump" in info.notes[0]
    assert "not a system crash dump" in info.notes[0]


def test_other_content_raises_not_recognised(tmp_path: Path) -> None:
    path = tmp_path / "MEMORY.DMP"
    path.write_bytes(b"hello world, not a dump")
    with pytest.raises(NotRecognisedError, match="not a crash dump") as caught:
        read_dump(path)
    assert caught.value.path == str(path)
    assert caught.value.offset == 0


def test_header_cut_before_the_bug_check_raises_truncated(tmp_path: Path) -> None:
    path = tmp_path / "MEMORY.DMP"
    path.write_bytes(build_kernel_dump(64, 0xD1, dump_type=1)[:0x30])
    with pytest.raises(TruncatedError, match="bug check"):
        read_dump(path)


def test_missing_file_and_folder_raise_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableError, match="not found"):
        read_dump(tmp_path / "missing.dmp")
    with pytest.raises(UnreadableError):
        detect(tmp_path / "missing.dmp")
    with pytest.raises(UnreadableError):
        read_dump(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_permission_denied_tells_the_user_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "MEMORY.DMP"
    path.write_bytes(build_kernel_dump(64, 0xD1, dump_type=1))
    path.chmod(0)
    try:
        with pytest.raises(UnreadableError, match="administrator"):
            read_dump(path)
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize(("how", "words"), [("permission", "administrator"), ("locked", "in use")])
def test_denied_or_locked_dump_names_the_file_and_what_to_do(tmp_path: Path, deny_open, how: str,
                                                             words: str) -> None:
    path = tmp_path / "MEMORY.DMP"
    path.write_bytes(build_kernel_dump(64, 0xD1, dump_type=1))
    deny_open(path, how)
    with pytest.raises(UnreadableError, match=words) as err:
        read_dump(path)
    assert "MEMORY.DMP" in str(err.value)
