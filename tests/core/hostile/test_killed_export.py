"""A killed export (issue #19, item 9): SIGTERM is handled like Ctrl+C (nothing left behind, exit 143,
a sentence), and what SIGKILL leaves (a hidden ".NAME.<hex>.partial") is removed by the next export
to that folder, which says so. Real processes, really killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.bundle.export import remove_stale_partials
from tests.builders.dumps import build_kernel_dump
from tests.builders.offline_root import write_offline_root

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _slow_source(tmp_path: Path) -> Path:
    """A volume whose MEMORY.DMP is a 6 GiB sparse complete dump: compressing it takes long enough to
    kill the export half-way, and costs no disk."""
    layout = write_offline_root(tmp_path / "volume")
    dump = layout.windows / "MEMORY.DMP"
    dump.write_bytes(build_kernel_dump(64, 0xD1, dump_type=1, body_size=0x200))
    os.truncate(dump, 6 << 30)
    return layout.root


def _start_export(source: Path, dest: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "core.cli.main", "bundle", str(source), "-o", str(dest),
                             "--include-memory-dmp"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _partials(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".partial"))


def _wait_for_partial(proc: subprocess.Popen[bytes], folder: Path) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = _partials(folder)
        if found and found[0].stat().st_size > 0:
            return found[0]
        if proc.poll() is not None:
            raise AssertionError(f"the export ended early: {proc.communicate()}")
        time.sleep(0.05)
    proc.kill()
    proc.communicate()
    raise AssertionError("the export never started writing")


def test_sigterm_removes_the_partial_and_says_so(tmp_path: Path) -> None:
    source = _slow_source(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    proc = _start_export(source, out / "PC42.zip")
    _wait_for_partial(proc, out)
    proc.send_signal(signal.SIGTERM)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert b"no bundle was written" in stderr and b"Traceback" not in stderr
    assert list(out.iterdir()) == []


def test_sigkill_leftovers_are_removed_by_the_next_export(tmp_path: Path) -> None:
    source = _slow_source(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    proc = _start_export(source, out / "PC42.zip")
    partial = _wait_for_partial(proc, out)
    proc.kill()
    proc.communicate(timeout=30)
    assert partial.exists()  # SIGKILL cannot be handled: this is what it leaves
    small = write_offline_root(tmp_path / "small")
    done = subprocess.run([sys.executable, "-m", "core.cli.main", "bundle", str(small.root), "-o",
                           str(out / "other.zip")], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not partial.exists()
    assert [p.name for p in out.iterdir()] == ["other.zip"]
    assert b"Removed 1 unfinished bundle file(s)" in done.stdout and partial.name.encode() in done.stdout


def test_a_partial_being_written_by_a_running_export_is_left_alone(tmp_path: Path) -> None:
    source = _slow_source(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    proc = _start_export(source, out / "PC42.zip")
    try:
        partial = _wait_for_partial(proc, out)
        assert remove_stale_partials(out) == []  # locked by its writer
        assert partial.exists()
    finally:
        proc.kill()
        proc.communicate(timeout=30)


def test_only_our_own_partials_are_removed(tmp_path: Path) -> None:
    ours = tmp_path / ".a.zip.0123abcd.partial"
    ours.write_bytes(b"PK\x03\x04")
    empty = tmp_path / ".b.zip.89abcdef.partial"
    empty.write_bytes(b"")
    not_zip = tmp_path / ".notes.txt.0123abcd.partial"
    not_zip.write_bytes(b"someone else's file")
    other_name = tmp_path / "a.zip.partial"
    other_name.write_bytes(b"PK")
    assert sorted(p.name for p in remove_stale_partials(tmp_path)) == sorted([empty.name, ours.name])
    assert not_zip.exists() and other_name.exists()
