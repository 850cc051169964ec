"""The release zip and the winget/Scoop manifests made from the templates in integrations/."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from build_spec.distribution import fill_manifests, make_zip, sha256, zip_name


def _onedir(tmp_path: Path) -> Path:
    folder = tmp_path / "DumpDoctor"
    (folder / "_internal").mkdir(parents=True)
    (folder / "DumpDoctor.exe").write_bytes(b"MZ gui")
    (folder / "dumpdoctor-cli.exe").write_bytes(b"MZ cli")
    (folder / "_internal" / "python311.dll").write_bytes(b"MZ dll")
    return folder


def test_zip_holds_the_folder_with_both_exes(tmp_path: Path) -> None:
    archive = make_zip(_onedir(tmp_path), tmp_path / "out" / zip_name("1.2.3"))
    assert archive.name == "DumpDoctor-1.2.3-windows-x64.zip"
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == ["DumpDoctor/DumpDoctor.exe", "DumpDoctor/_internal/python311.dll",
                                         "DumpDoctor/dumpdoctor-cli.exe"]


def test_manifests_name_the_zip_its_hash_and_version(tmp_path: Path) -> None:
    archive = make_zip(_onedir(tmp_path), tmp_path / zip_name("1.2.3"))
    written = fill_manifests(archive, "1.2.3", "https://example.org/v1.2.3/", "https://example.org",
                             tmp_path / "manifests")
    names = sorted(p.relative_to(tmp_path / "manifests").as_posix() for p in written)
    assert names == ["scoop/dumpdoctor.json", "winget/DumpDoctor.DumpDoctor.installer.yaml",
                     "winget/DumpDoctor.DumpDoctor.locale.en-US.yaml", "winget/DumpDoctor.DumpDoctor.yaml"]
    for path in written:
        assert "{{" not in path.read_text(encoding="utf-8"), path
    scoop = json.loads((tmp_path / "manifests" / "scoop" / "dumpdoctor.json").read_text(encoding="utf-8"))
    assert scoop["version"] == "1.2.3"
    assert scoop["architecture"]["64bit"] == {"url": "https://example.org/v1.2.3/" + archive.name,
                                              "hash": sha256(archive)}
    installer = (tmp_path / "manifests" / "winget" / "DumpDoctor.DumpDoctor.installer.yaml").read_text()
    assert f'InstallerSha256: "{sha256(archive)}"' in installer
    assert "PortableCommandAlias: dumpdoctor" in installer
