"""`--self-check` (core.selfcheck) on the samples the build generates: every reader passes on a
working install, and a missing module is named outright instead of degrading to "can't tell"."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from build_spec.selfcheck_samples import write_samples
from core.selfcheck import run


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # other programs share /tmp


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_samples(tmp_path_factory.mktemp("selfcheck") / "selfcheck")


def test_every_reader_reads_its_sample(samples: Path) -> None:
    out = io.StringIO()
    assert run(samples, out) == 0, out.getvalue()
    text = out.getvalue()
    for reader in ("hive with log replay", ".reg export", ".evtx log", "event XML", "driver (PE)",
                   "crash dump", "bundle zip"):
        assert f"ok     {reader}" in text
    assert "transaction log replayed" in text and "extraction folder removed" in text


def test_a_missing_hive_library_fails_loudly(samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What the exe did when build_spec excluded python-registry.
    for name in [m for m in sys.modules if m == "Registry" or m.startswith("Registry.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "Registry", None)
    out = io.StringIO()
    assert run(samples, out) == 1
    text = out.getvalue()
    assert "FAILED module Registry.Registry: missing from this build" in text
    assert "FAILED hive with log replay" in text and "self-check FAILED" in text


def test_missing_samples_are_a_failure_not_a_pass(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run(tmp_path / "nothing-here", out) == 1
    assert "samples are missing" in out.getvalue()
