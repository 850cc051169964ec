"""Export: what lands in the zip, the manifest's hashes, excerpts of big dumps, bad input, cancel."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from core.bundle.export import BundleOptions, export_bundle, memory_dmp_size
from core.errors import Cancelled, UsageError
from core.progress import CancelToken, ProgressUpdate
from tests.builders.dumps import write_kernel_dump
from tests.core.bundle.fakes import personal_source


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_manifest_lists_every_member_with_its_hash(tmp_path: Path) -> None:
    source, evidence = personal_source(tmp_path)
    dest = tmp_path / "b.zip"
    export_bundle(source, evidence, None, dest)
    members = _members(dest)
    manifest = json.loads(members.pop("manifest.json"))
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(members)
    for name, data in members.items():
        assert listed[name]["size"] == len(data)
        assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["format_version"] == 1 and manifest["tool"].startswith("Dump Doctor")
    assert {"registry/CrashControl.reg", "registry/Services.reg", "registry/CurrentVersion.reg",
            "events/System.xml", "drivers/lsi_sas.sys", "dumps/Minidump/040612-01.dmp"} <= set(members)
    assert members["registry/Select.reg"].startswith(b"\xff\xfeW\x00i\x00n\x00")  # UTF-16LE + BOM
    # Missing dump-stack drivers are said, not silently skipped.
    left = {x["what"]: x["why"] for x in manifest["left_out"]}
    assert "not found" in left["diskdump.sys"]


def test_memory_dmp_is_cut_to_its_header_pages_unless_asked(tmp_path: Path) -> None:
    source, evidence = personal_source(tmp_path)
    big = write_kernel_dump(tmp_path / "MEMORY.DMP", 64, 0xD1, dump_type=2)
    with big.open("ab") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse: a "large" kernel dump without writing 64 MB
    source.dumps.append(big)
    assert memory_dmp_size(source, evidence) == 64 * 1024 * 1024
    dest = tmp_path / "b.zip"
    result = export_bundle(source, evidence, None, dest)
    members = _members(dest)
    entry = next(f for f in result.manifest.files if f.path == "dumps/MEMORY.DMP")
    assert entry.excerpt_of_size == 64 * 1024 * 1024
    assert len(members["dumps/MEMORY.DMP"]) in (0x2000, 0x3000)
    assert members["dumps/MEMORY.DMP"] == big.read_bytes()[: len(members["dumps/MEMORY.DMP"])]
    whole = export_bundle(source, evidence, None, tmp_path / "w.zip", BundleOptions(include_memory_dmp=True))
    entry = next(f for f in whole.manifest.files if f.path == "dumps/MEMORY.DMP")
    assert entry.size == 64 * 1024 * 1024 and entry.excerpt_of_size is None


def test_unreadable_and_bogus_evidence_is_listed_not_fatal(tmp_path: Path) -> None:
    source, evidence = personal_source(tmp_path)
    not_a_dump = tmp_path / "junk.dmp"
    not_a_dump.write_bytes(b"this is not a dump at all" * 10)
    folder = tmp_path / "folder.dmp"
    folder.mkdir()
    source.dumps += [tmp_path / "vanished.dmp", not_a_dump, folder]
    source.drivers["storport.sys"] = tmp_path / "gone" / "storport.sys"
    dest = tmp_path / "b.zip"
    result = export_bundle(source, evidence, None, dest)
    why = {x.what: x.why for x in result.left_out}
    assert "file not found" in why[str(tmp_path / "vanished.dmp")]
    assert "not a crash dump" in why[str(not_a_dump)]
    assert str(folder) in why
    assert "storport.sys" in " ".join(why)
    assert "dumps/Minidump/040612-01.dmp" in _members(dest)  # the good evidence still made it


def test_cancel_leaves_no_partial_bundle(tmp_path: Path) -> None:
    source, evidence = personal_source(tmp_path)
    token = CancelToken()
    seen: list[ProgressUpdate] = []

    def progress(update: ProgressUpdate) -> None:
        seen.append(update)
        if update.done > 0:
            token.cancel()

    dest = tmp_path / "out" / "b.zip"
    dest.parent.mkdir()
    with pytest.raises(Cancelled):
        export_bundle(source, evidence, None, dest, progress=progress, cancel=token)
    assert list(dest.parent.iterdir()) == []
    assert all(u.step == "export" for u in seen)


def test_progress_counts_up_to_the_total(tmp_path: Path) -> None:
    source, evidence = personal_source(tmp_path)
    seen: list[ProgressUpdate] = []
    export_bundle(source, evidence, None, tmp_path / "b.zip", progress=seen.append)
    totals = {u.total for u in seen if u.total}
    assert len(totals) == 1
    dones = [u.done for u in seen if u.total]
    assert dones == sorted(dones) and dones[-1] == totals.pop()


def test_destination_folder_must_exist(tmp_path: Path) -> None:
    source, evidence = personal_source(tmp_path)
    with pytest.raises(UsageError):
        export_bundle(source, evidence, None, tmp_path / "no" / "such" / "b.zip")
