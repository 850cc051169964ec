"""Velociraptor offline collections are bundles: files found by content under uploads/, named by the
Windows path they came from, the host named, and a clear word when the collection cannot be used."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from core.diagnosis import diagnose
from core.scan import scan
from core.sources import open_source
from core.sources.velociraptor import windows_path
from tests.builders.fleet import machine_named, write_velociraptor_collection


def test_collection_scans_like_a_bundle(tmp_path: Path) -> None:
    path = write_velociraptor_collection(tmp_path / "Collection-HOST.zip", machine_named("PC09"), host="PC09")
    with open_source(path) as source:
        assert source.description == "Velociraptor collection Collection-HOST.zip from PC09"
        evidence = scan(source)
    assert evidence.registry and evidence.registry.system
    assert evidence.registry.system.computer_name == "PC09"
    assert evidence.dumps[0].path == "Collection-HOST.zip!C:/Windows/Minidump/040111-02.dmp"
    assert evidence.timeline is not None and evidence.timeline.entries
    assert evidence.storage and evidence.storage.diskdump and evidence.storage.diskdump.version
    assert diagnose(evidence).verdict.id.value == "not-this-issue"
    assert not [p for p in evidence.problems if p.severity.value == "error"]


def test_unpacked_collection_folder_is_recognised_too(tmp_path: Path) -> None:
    path = write_velociraptor_collection(tmp_path / "c.zip", machine_named("PC10"), host="PC10")
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(path) as zf:
        zf.extractall(folder)
    with open_source(folder) as source:
        assert source.description.startswith("Velociraptor collection unpacked from PC10")
        evidence = scan(source)
    assert evidence.registry and evidence.registry.system
    assert evidence.registry.system.computer_name == "PC10"
    assert diagnose(evidence).verdict.id.value == "not-this-issue"


def test_member_names_decode_to_windows_paths() -> None:
    system = windows_path("uploads/auto/C%3A/Windows/System32/config/SYSTEM")
    assert system == "C:/Windows/System32/config/SYSTEM"
    assert windows_path("uploads/ntfs/%5C%5C.%5CC%3A/Windows/Minidump/a.dmp") == "C:/Windows/Minidump/a.dmp"
    assert windows_path("results/Windows.KapeFiles.Targets%2FUploads.json") is None


def test_encrypted_collection_says_how_to_open_it(tmp_path: Path) -> None:
    path = tmp_path / "Collection-SECURE.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps([{"Scheme": "password"}]))
        zf.writestr("data.zip", b"PK\x03\x04encrypted")
    with open_source(path) as source:
        evidence = scan(source)
    messages = " ".join(p.message for p in evidence.problems)
    assert "encrypted Velociraptor collection" in messages and "data.zip" in messages
    assert diagnose(evidence).verdict.id.value == "cant-tell"


def test_collection_without_the_files_names_what_to_collect(tmp_path: Path) -> None:
    path = tmp_path / "Collection-OTHER.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("client_info.json", json.dumps({"Hostname": "WEB01"}))
        zf.writestr("uploads/auto/C%3A/Users/a/NTUSER.DAT.txt", b"not evidence")
    with open_source(path) as source:
        evidence = scan(source)
    assert source.description.endswith("from WEB01")
    errors = [p.message for p in evidence.problems if p.severity.value == "error"]
    assert any("holds none of the files Dump Doctor reads" in m and "System.evtx" in m for m in errors)


def test_short_uploads_are_reported(tmp_path: Path) -> None:
    path = write_velociraptor_collection(tmp_path / "c.zip", machine_named("PC1"))
    rows = [{"vfs_path": "C:/MEMORY.DMP", "file_size": 8 << 30, "uploaded_size": 1 << 20, "Type": ""}]
    rebuilt = tmp_path / "short.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rebuilt, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "uploads.json":
                data = "".join(json.dumps(r) + "\n" for r in rows).encode()
            out.writestr(info, data)
    with open_source(rebuilt) as source:
        problems = [str(p) for p in source.problems]
    told = "stored only 1,048,576 of its 8,589,934,592 bytes"
    assert any("C:/MEMORY.DMP" in p and told in p for p in problems)
