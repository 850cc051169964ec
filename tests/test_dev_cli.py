"""`python3 dev.py cli ...` and `dev.py app` run in the user's working directory, so relative paths
mean what the user meant (a file beside them, `-o out.zip`)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_keeps_the_working_directory_and_finds_the_checkout(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    dev = _dev()
    monkeypatch.setattr(dev, "PY", Path(sys.executable))
    monkeypatch.setattr(dev, "_ensure_venv", lambda: None)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "beside-me.dmp").write_bytes(b"not a dump")
    calls: list[dict[str, object]] = []
    real_call = subprocess.call

    def call(cmd: list[str], **kw: object) -> int:
        calls.append(kw)
        return real_call(cmd, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(dev.subprocess, "call", call)
    code = dev.main(["cli", "dump", "beside-me.dmp"])
    assert calls[0]["cwd"] is None  # the user's directory, not the checkout
    assert str(ROOT) in str(calls[0]["env"]["PYTHONPATH"])  # type: ignore[index]
    # the file beside the user was found and read (it is not a dump): not "no such file"
    assert code == 1


def test_app_also_keeps_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    dev = _dev()
    monkeypatch.setattr(dev, "_ensure_venv", lambda: None)
    calls: list[tuple[list[str], dict[str, object]]] = []
    monkeypatch.setattr(dev.subprocess, "call", lambda cmd, **kw: calls.append((cmd, kw)) or 0)
    assert dev.main(["app", "--demo"]) == 0
    cmd, kw = calls[0]
    assert cmd[-4:] == ["-P", "-m", "gui", "--demo"] and kw["cwd"] is None
