"""inspect_pe: what a user sees about a driver file, and how bad files are reported."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core.drivers.pe_inspect as pe_inspect
from core.drivers import inspect_pe
from core.errors import DumpDoctorError, NotRecognisedError, TruncatedError, UnreadableError, UnsafeInputError
from tests.builders.pe import build_driver, build_driver_bytes
from tests.fuzzing import only_project_errors


def test_reads_version_imports_bits_and_signature_block(tmp_path):
    path = build_driver(
        tmp_path / "lsi_sas.sys", bits=64, imports={"STORPORT.SYS": ["StorPortInitialize"]},
        version="1.28.3.52", product_version="6.1.7600.16385", company="LSI Corporation",
        description="LSI SAS Gen1 Driver", original_filename="lsi_sas.sys", signed=True,
        timestamp=0x4A5BC111,
    )
    info = inspect_pe(path)
    assert (info.machine, info.bits, info.timestamp) == ("x64", 64, 0x4A5BC111)
    assert info.file_version == "1.28.3.52"
    assert info.product_version == "6.1.7600.16385"
    assert (info.company, info.description, info.original_filename) == (
        "LSI Corporation", "LSI SAS Gen1 Driver", "lsi_sas.sys")
    assert info.imports == {"storport.sys": ["StorPortInitialize"]}
    assert info.imports_dll("StorPort.sys")
    assert info.signed is True
    assert info.size == path.stat().st_size


def test_bits_come_from_the_header_not_the_folder(tmp_path):
    path = build_driver(tmp_path / "amd64" / "x64" / "drv.sys", bits=32,
                        imports={"scsiport.sys": ["ScsiPortInitialize"]})
    info = inspect_pe(path)
    assert (info.bits, info.machine) == (32, "x86")


def test_driver_without_version_resource_says_so(tmp_path):
    info = inspect_pe(build_driver(tmp_path / "a.sys", bits=64))
    assert info.file_version is None
    assert info.signed is False
    assert "no version resource" in info.notes


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(UnreadableError) as err:
        inspect_pe(tmp_path / "nothere.sys")
    assert "nothere.sys" in str(err.value) and "not found" in str(err.value)


def test_non_pe_file_is_not_recognised(tmp_path):
    path = tmp_path / "notes.sys"
    path.write_bytes(b"This is a text file, not a driver." * 4)
    with pytest.raises(NotRecognisedError) as err:
        inspect_pe(path)
    assert "notes.sys" in str(err.value) and "MZ" in str(err.value)


@pytest.mark.parametrize("cut", [10, 0x60, 0x90])
def test_truncated_header_reports_the_offset(tmp_path, cut):
    path = tmp_path / "cut.sys"
    path.write_bytes(build_driver_bytes(bits=64)[:cut])
    with pytest.raises(TruncatedError) as err:
        inspect_pe(path)
    assert "cut.sys" in str(err.value) and "offset" in str(err.value)


def test_truncated_body_is_an_error_or_a_note_never_a_crash(tmp_path):
    data = build_driver_bytes(bits=64, imports={"storport.sys": ["StorPortInitialize"]}, version="1.0.0.1")
    path = tmp_path / "half.sys"
    path.write_bytes(data[:0x500])
    try:
        info = inspect_pe(path)
    except DumpDoctorError as exc:
        assert "half.sys" in str(exc)
    else:
        # The version resource lies past the cut: no version may be made up, and a note must say why.
        assert info.file_version is None and info.notes


def test_oversized_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(pe_inspect, "MAX_PE_SIZE", 4096)
    path = build_driver(tmp_path / "big.sys", bits=64, code=b"\x90" * 8192)
    with pytest.raises(UnsafeInputError) as err:
        inspect_pe(path)
    assert "big.sys" in str(err.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="running as root: chmod 000 does not stop root from reading")
def test_permission_denied_is_unreadable(tmp_path):
    path = build_driver(tmp_path / "locked.sys", bits=64)
    path.chmod(0)
    try:
        with pytest.raises(UnreadableError) as err:
            inspect_pe(path)
        assert "permission denied" in str(err.value)
    finally:
        path.chmod(0o644)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
@pytest.mark.fuzz
def test_corrupted_drivers_raise_only_project_errors(tmp_path, data):
    image = bytearray(build_driver_bytes(bits=data.draw(st.sampled_from([32, 64])),
                                         imports={"storport.sys": ["StorPortInitialize"]},
                                         version="6.1.7600.16385", signed=True))
    for _ in range(data.draw(st.integers(1, 12))):
        pos = data.draw(st.integers(0, len(image) - 1))
        image[pos] = data.draw(st.integers(0, 255))
    image = image[: data.draw(st.integers(0, len(image)))]
    path = tmp_path / "fuzz.sys"
    path.write_bytes(bytes(image))
    info = only_project_errors(lambda: inspect_pe(path), names="fuzz.sys")
    if info is not None:
        assert info.bits in (32, 64)


def test_denied_driver_file_is_unreadable_with_advice(tmp_path, deny_open):
    path = build_driver(tmp_path / "locked.sys", bits=64)
    deny_open(path)
    with pytest.raises(UnreadableError, match="administrator") as err:
        inspect_pe(path)
    assert "locked.sys" in str(err.value)
