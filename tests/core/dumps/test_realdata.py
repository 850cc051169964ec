"""The real small memory dump (rizin test binaries) against its MANIFEST facts."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from core.cli.main import main
from core.dumps import detect, read_dump
from core.dumps.model import DumpKind, IntegrityStatus

SAMPLE = "dumps/triage_x64_19041.dmp"
PARAMETERS = (0xFFFFFFFFC0000005, 0xFFFFF8048B58334C, 0xFFFF850429891EE8, 0xFFFF850429891720)


def test_manifest_facts(realdata) -> None:
    path = realdata(SAMPLE)
    assert detect(path) is DumpKind.KERNEL
    info = read_dump(path)
    assert info.bits == 64
    assert info.checked_build is False  # MajorVersion 0xF
    assert info.build == 19041
    assert info.machine == "x64"
    assert info.processors == 16
    assert info.bugcheck is not None
    assert info.bugcheck.code == 0x1000007E
    assert info.bugcheck.name == "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M"
    assert info.bugcheck.parameters == PARAMETERS
    assert info.dump_type_code == 4 and info.dump_type == "small"
    assert info.system_time == datetime(2021, 2, 21, 1, 38, 22, 987765, tzinfo=UTC)
    assert len(info.drivers) == 151
    names = {d.name.lower() for d in info.drivers}
    assert {"storport.sys", "crashdmp.sys", "dump_dumpstorport.sys", "dump_stornvme.sys",
            "dump_dumpfve.sys"} <= names
    assert info.dump_stack == ["dump_dumpstorport.sys", "dump_stornvme.sys", "dump_dumpfve.sys"]


def test_integrity_and_faulting_driver(realdata) -> None:
    info = read_dump(realdata(SAMPLE))
    # RequiredDumpSpace (1,669,397) exceeds the file (1,444,532), yet the triage block's SizeOfDump
    # fits and the DumpBlob secondary data ends exactly at the end of the file: it is complete.
    assert info.required_dump_space == 1_669_397
    assert info.integrity is not None and info.integrity.status is IntegrityStatus.COMPLETE
    ntoskrnl = info.drivers[0]
    assert ntoskrnl.name == "ntoskrnl.exe" and ntoskrnl.base == 0xFFFFF8047BA00000
    # parameter 2 (0xFFFFF8048B58334C) lies in amdppm.sys (base 0xFFFFF8048B580000, size 0x3B000)
    assert info.faulting_driver == "amdppm.sys"
    assert [d.name for d in info.unloaded_drivers][:2] == ["dam.sys", "WdBoot.sys"]


def test_cli_json(realdata, capsys: pytest.CaptureFixture[str]) -> None:
    path = realdata(SAMPLE)
    assert main(["dump", str(path), "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["path"] == str(path)
    assert entry["kind"] == "kernel"
    assert entry["bits"] == 64
    assert entry["build"] == 19041
    assert entry["machine"] == "x64"
    assert entry["bugcheck"]["code"] == 0x1000007E
    assert entry["bugcheck"]["parameters"] == list(PARAMETERS)
    assert entry["dump_type"] == "small"
    assert entry["system_time"] == "2021-02-21T01:38:22.987765Z"
    assert entry["integrity"]["status"] == "complete"
    assert len(entry["drivers"]) == 151
    assert set(entry["drivers"][0]) >= {"name", "base", "size", "timestamp"}
    assert entry["dump_stack"] == ["dump_dumpstorport.sys", "dump_stornvme.sys", "dump_dumpfve.sys"]
    assert entry["faulting_driver"] == "amdppm.sys"


def test_cli_text(realdata, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dump", str(realdata(SAMPLE))]) == 0
    out = capsys.readouterr().out
    assert "build 19041" in out
    assert "0x1000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M" in out
    assert "Faulting driver: amdppm.sys" in out
    assert "dump_stornvme.sys" in out
