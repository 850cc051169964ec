"""Fuzz harnesses for the readers without one elsewhere (.evtx, hives) and for whole bundles (zip
mutations), plus the regression corpus of inputs that once broke a command (issue #19). The dump, PE,
.reg and event-XML readers have theirs beside their other tests (tests/core/dumps/test_fuzz.py,
drivers/test_inspect_pe.py, registry/test_reg_export.py, events/test_fuzz_xml.py).

The invariant, everywhere: only the project's own errors (DumpDoctorError) escape, and every problem
names the file or the zip member it is about. Case counts are bounded so the whole set stays well
under a minute in CI; hypothesis keeps any failing input in its local database, and inputs that once
failed are rebuilt by code in CORPUS below (no third-party data in the repository).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.bundle.export import export_bundle
from core.bundle.regwriter import reg_text
from core.diagnosis import diagnose
from core.errors import DumpDoctorError
from core.events import read_events
from core.registry import open_hive, read_registry_facts
from core.scan import scan
from core.sources.base import EventInput
from core.sources.bundle import zip_bundle
from tests.builders import hostile
from tests.builders.events import at, boot, export, hibernate_crash_d1
from tests.builders.evtx import build_evtx
from tests.builders.offline_root import Machine, memory_roots, write_bundle_folder
from tests.builders.regf import build_hive

# DUMPDOCTOR_FUZZ_SCALE=50 runs a long campaign locally; CI runs the bounded default.
SCALE = float(os.environ.get("DUMPDOCTOR_FUZZ_SCALE", "1"))
FUZZ = settings(max_examples=int(100 * SCALE), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
T0 = at("2011-03-01 08:00:00")
EVTX = build_evtx([*boot(T0), *hibernate_crash_d1(T0 + timedelta(hours=1))])
HIVE = bytes(build_hive(memory_roots(Machine())["SYSTEM"]).data)

Edits = list[tuple[int, int]]
_edits = st.lists(st.tuples(st.integers(0, 2**24), st.integers(0, 255)), max_size=16)
_cut = st.one_of(st.none(), st.integers(0, 2**24))


def _mutate(data: bytes, edits: Edits, cut: int | None) -> bytes:
    out = bytearray(data)
    for pos, value in edits:
        out[pos % len(out)] = value
    return bytes(out[: cut % (len(out) + 1)] if cut is not None else out)


def _walk(key, depth: int = 0) -> int:  # type: ignore[no-untyped-def]
    count = len(list(key.values()))
    for sub in key.subkeys() if depth < 12 else []:
        count += 1 + _walk(sub, depth + 1)
    return count


@FUZZ
@given(edits=_edits, cut=_cut)
def test_fuzz_evtx(tmp_path: Path, edits: Edits, cut: int | None) -> None:
    path = tmp_path / "fuzz.evtx"
    path.write_bytes(_mutate(EVTX, edits, cut))
    try:
        result = read_events(EventInput("evtx", path, "fuzz.evtx"))
    except DumpDoctorError as exc:
        assert "fuzz.evtx" in str(exc)
        return
    assert all(p.path == "fuzz.evtx" for p in result.problems)
    assert result.records_read >= len(result.records)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, len(HIVE) - 1), st.integers(0, 255)), max_size=16),
       cut=_cut)
def test_fuzz_hive(tmp_path: Path, edits: Edits, cut: int | None) -> None:
    path = tmp_path / "SYSTEM"
    path.write_bytes(_mutate(HIVE, edits, cut))
    try:
        root = open_hive(path)
    except DumpDoctorError as exc:
        assert "SYSTEM" in str(exc)
        return
    try:
        _read_all_of(root)
    finally:
        # Unmapped before the next example rewrites the file: Windows refuses to write a mapped file.
        close = getattr(root, "close", None)
        if close is not None:
            close()


def _read_all_of(root) -> None:
    # The bundle writes what it can and lists the rest (item 2): never an exception.
    skipped: list[str] = []
    text = reg_text([(root, "HKEY_LOCAL_MACHINE\\SYSTEM", True)],
                    on_error=lambda where, exc: skipped.append(f"{where}: {exc}"))
    assert text.startswith("Windows Registry Editor Version 5.00")
    assert all(s.startswith("HKEY_LOCAL_MACHINE\\SYSTEM") for s in skipped)
    try:
        _walk(root)
    except DumpDoctorError as exc:
        assert "SYSTEM" in str(exc)
        assert skipped  # the writer met the same damage and said so
        return
    read_registry_facts(root, None)  # the facts reader guards each part itself


def _bundle_zip(folder: Path) -> bytes:
    bundle = write_bundle_folder(folder, Machine(drivers=Machine().drivers[:1]))
    (bundle / "events").mkdir()
    (bundle / "events" / "System.xml").write_bytes(export(hibernate_crash_d1(T0)))
    out = folder.with_suffix(".zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(bundle).as_posix())
    return out.read_bytes()


@pytest.fixture(scope="module")
def sample_zip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _bundle_zip(tmp_path_factory.mktemp("sample") / "bundle")


def check_bundle(path: Path, tmp_path: Path) -> None:
    """The whole-bundle invariant: open, scan, diagnose and export it again."""
    try:
        source = zip_bundle(path)
    except DumpDoctorError as exc:
        assert path.name in str(exc)
        return
    with source:
        evidence = scan(source)
        for problem in evidence.problems:
            # Names the member ("b.zip!events/System.xml"), or the members it was read from ("the
            # registry exports (.reg) in b.zip!registry"), or the scan step that found nothing to read.
            assert f"{path.name}!" in problem.path or problem.path in (
                "registry", "crash dump folders", "storage drivers", "event logs", "timeline",
                "System event log"), problem
            assert "dumpdoctor-bundle-" not in problem.path + problem.message
        diagnosis = diagnose(evidence)
        export_bundle(source, evidence, diagnosis, tmp_path / "again.zip")


@settings(max_examples=int(80 * SCALE), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=_edits, cut=_cut)
def test_fuzz_whole_bundles(tmp_path_factory: pytest.TempPathFactory, sample_zip: bytes, edits: Edits,
                            cut: int | None) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    path = tmp / "b.zip"
    path.write_bytes(_mutate(sample_zip, edits, cut))
    check_bundle(path, tmp)


# Inputs that once made a command fail (issue #19). Each entry is rebuilt by code.
CORPUS: dict[str, Callable[[], bytes]] = {
    "zlib.error from a damaged deflate stream": hostile.damaged_deflate_zip,
    "IndexError from a member with an empty name": hostile.empty_name_zip,
    "NotImplementedError from zip version 9.9": hostile.future_version_zip,
    "UnicodeDecodeError from a name flagged UTF-8": hostile.bad_utf8_name_zip,
    "BadZipFile for all from one corrupt extra field": hostile.corrupt_extra_zip,
    "two million declared entries": lambda: hostile.huge_directory_zip(100, declared=2_000_000),
    "end record only": lambda: b"PK\x05\x06" + bytes(18),
    "directory offset before the file": lambda: b"PK\x05\x06" + bytes(8) + b"\xff\xff\xff\x7f" + bytes(6),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_regression_corpus(tmp_path: Path, name: str) -> None:
    path = tmp_path / "b.zip"
    path.write_bytes(CORPUS[name]())
    check_bundle(path, tmp_path)


@settings(max_examples=int(60 * SCALE), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(splices=st.lists(st.tuples(st.integers(0, 2**24), st.integers(0, 64), st.binary(max_size=64)),
                        min_size=1, max_size=4))
def test_fuzz_whole_bundles_with_shifted_bytes(tmp_path_factory: pytest.TempPathFactory, sample_zip: bytes,
                                               splices: list[tuple[int, int, bytes]]) -> None:
    """Deletions and insertions move every offset after them (local headers, the directory, the end
    record): the failures that overwriting bytes in place cannot produce."""
    data = bytearray(sample_zip)
    for pos, delete, insert in splices:
        pos %= len(data) + 1
        data[pos:pos + delete] = insert
    tmp = tmp_path_factory.mktemp("fuzz")
    path = tmp / "b.zip"
    path.write_bytes(bytes(data))
    check_bundle(path, tmp)
