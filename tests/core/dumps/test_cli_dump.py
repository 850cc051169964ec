"""`dumpdoctor dump`: one entry per file, errors included; exit 1 when any file could not be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli.main import main
from tests.builders.dumps import build_user_minidump, typical_drivers, write_kernel_dump


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["dump", *args])
    return code, capsys.readouterr().out


def test_json_for_good_and_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drivers = typical_drivers(32, "viostor.sys")
    good = write_kernel_dump(tmp_path / "Mini.dmp", 32, 0xD1, (0x4, 2, 0, drivers[3].base + 0x10),
                             dump_type=4, drivers=drivers)
    user = tmp_path / "app.dmp"
    user.write_bytes(build_user_minidump())
    bad = tmp_path / "MEMORY.DMP"
    bad.write_bytes(b"garbage")
    code, out = _run(capsys, str(good), str(user), str(bad), str(tmp_path / "missing.dmp"), "--json")
    assert code == 1
    entries = json.loads(out)
    assert [e["kind"] for e in entries] == ["kernel", "user", "not-a-dump", None]
    first = entries[0]
    assert first["bits"] == 32 and first["build"] == 7601 and first["machine"] == "x86"
    assert first["bugcheck"]["code"] == 0xD1
    assert first["bugcheck"]["name"] == "DRIVER_IRQL_NOT_LESS_OR_EQUAL"
    assert first["bugcheck"]["parameters"] == [0x4, 2, 0, drivers[3].base + 0x10]
    assert first["dump_type"] == "small"
    assert first["system_time"] == "2011-03-01T12:30:15.250000Z"
    assert first["integrity"] == {"status": "complete", "message": "The dump file is complete."}
    assert first["drivers"][3]["name"] == "viostor.sys"
    assert first["dump_stack"] == ["dump_diskdump.sys", "dump_viostor.sys"]
    assert first["faulting_driver"] == "viostor.sys"
    assert first["error"] is None
    assert "application crash dump" in entries[1]["notes"][0]
    assert "not a crash dump" in entries[2]["error"]
    assert "not found" in entries[3]["error"]


def test_exit_zero_when_every_file_was_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dump = write_kernel_dump(tmp_path / "MEMORY.DMP", 64, 0x133, dump_type=6)
    user = tmp_path / "app.dmp"
    user.write_bytes(build_user_minidump())
    code, out = _run(capsys, str(dump), str(user))
    assert code == 0
    assert "DPC_WATCHDOG_VIOLATION" in out
    assert "kernel memory dump (bitmap format)" in out
    assert "not a system crash dump" in out


def test_truncated_dump_text_explains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_kernel_dump(tmp_path / "MEMORY.DMP", 64, 0xD1, dump_type=1, body_size=0x4000)
    path.write_bytes(path.read_bytes()[:0x2800])
    code, out = _run(capsys, str(path))
    assert code == 0  # the header was read: its facts are shown
    assert "Integrity: truncated" in out
    assert "cut off" in out


def test_file_argument_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["dump"])
    assert caught.value.code == 2
