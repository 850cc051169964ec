"""Build the one-file executables with the real spec and smoke-test them as a user would run them.

Slow (a PyInstaller build, about two minutes here), so it builds once per session; deselect with
`-m "not frozen"` while iterating. CI runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from build_spec.__main__ import UTF8_OUTPUT, Built, build
from core.version import __version__

pytestmark = pytest.mark.frozen


@pytest.fixture(scope="session")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("frozen")
    return build("onefile", base / "dist", base / "work")


def _run(exe: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([str(exe), *args], **UTF8_OUTPUT, env=env, timeout=300,
                          check=False)


def test_console_twin_reports_the_package_version(frozen: Built) -> None:
    out = _run(frozen.cli, "--version")
    assert out.returncode == 0
    assert __version__ in out.stdout


def test_frozen_demo_scan_finds_the_known_issue(frozen: Built) -> None:
    out = _run(frozen.cli, "scan", "--demo", "--json")
    report = json.loads(out.stdout)
    assert report["verdict"]["id"] == "matches"
    assert out.returncode == 1  # a problem was found


def test_frozen_gui_walks_the_demo_to_a_verdict_offscreen(frozen: Built) -> None:
    out = _run(frozen.gui, "--self-test")
    assert out.returncode == 0, out.stdout + out.stderr


def test_frozen_self_check_runs_every_reader(frozen: Built) -> None:
    out = _run(frozen.cli, "--self-check")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "self-check passed" in out.stdout and "hive with log replay" in out.stdout


def test_frozen_exe_reads_the_real_hive_log_and_dump(frozen: Built, realdata) -> None:
    from build_spec.smoke_real import WIN7_HIVE, scan_real_samples

    folder = realdata(WIN7_HIVE).parents[1]
    read = scan_real_samples(frozen.cli, dict(os.environ), folder)
    assert read["win7_crash_dump_enabled"] == 2 and read["win10_logs"] == "replayed"


def test_frozen_demo_report_names_no_unpack_folder(frozen: Built) -> None:
    out = _run(frozen.cli, "scan", "--demo", "--json")
    assert "_MEI" not in out.stdout and "demo/drivers/storport.sys" in out.stdout


def test_frozen_runs_leave_nothing_in_temp(frozen: Built, tmp_path: Path) -> None:
    private = tmp_path / "temp"
    private.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(private), TEMP=str(private),
               TMP=str(private))
    for exe, args in ((frozen.gui, ["--self-test"]), (frozen.cli, ["--self-check"])):
        done = subprocess.run([str(exe), *args], **UTF8_OUTPUT, env=env, timeout=300,
                              check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    assert list(private.iterdir()) == []
