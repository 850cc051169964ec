"""What the user points at decides the kind of source."""

from __future__ import annotations

import zipfile

import pytest

from core.errors import UsageError
from core.sources import open_source
from core.sources.bundle import BundleSource
from core.sources.offline import OfflineSource
from tests.builders.dumps import build_kernel_dump
from tests.builders.offline_root import write_offline_root


def test_folder_with_windows_is_offline_and_other_folder_is_a_bundle(tmp_path):
    write_offline_root(tmp_path / "vol")
    (tmp_path / "b").mkdir()
    with open_source(str(tmp_path / "vol")) as a, open_source(tmp_path / "b") as b:
        assert isinstance(a, OfflineSource) and a.kind == "offline"
        assert isinstance(b, BundleSource) and b.kind == "bundle"


def test_zip_is_a_bundle_even_when_renamed(tmp_path):
    path = tmp_path / "evidence.dat"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("x.dmp", build_kernel_dump(64, 0xD1))
    with open_source(path) as source:
        assert isinstance(source, BundleSource)
        assert len(source.dump_files(None)) == 1
        assert source.description == "Bundle evidence.dat"


def test_single_file_is_loose_evidence(tmp_path):
    path = tmp_path / "crash.bin"
    path.write_bytes(build_kernel_dump(64, 0xD1))
    with open_source(path) as source:
        assert isinstance(source, BundleSource) and len(source.dump_files(None)) == 1


def test_absent_path_and_mixtures_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        open_source(tmp_path / "nope")
    (tmp_path / "f").write_bytes(b"x")
    (tmp_path / "d").mkdir()
    with pytest.raises(UsageError, match="not a mix"):
        open_source([tmp_path / "f", tmp_path / "d"])
