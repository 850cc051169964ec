"""Hostile folders and files (issue #19, items 2-5): links out of the evidence, FIFOs where files are
expected, deeply nested XML, damaged hives in `bundle`. Run through the commands a user runs; each must
finish, name the file and what is wrong, and never read outside the evidence root."""

from __future__ import annotations

import json
import os
import threading
import time
import zipfile
from pathlib import Path

import pytest

from core.cli.main import main
from core.errors import Cancelled, DumpDoctorError
from core.events import read_events
from core.progress import CancelToken
from core.safefs import open_regular
from core.sources.base import EventInput
from tests.builders import hostile
from tests.builders.events import at, boot, export
from tests.builders.offline_root import write_bundle_folder, write_offline_root

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links and FIFOs as POSIX makes them")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    done: dict[str, int] = {}
    worker = threading.Thread(target=lambda: done.setdefault("code", main(argv)), daemon=True)
    worker.start()
    worker.join(60)
    assert "code" in done, f"{argv} did not finish within a minute (a FIFO was opened?)"
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return done["code"], out.out, out.err


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside every evidence root that must never be read (stands in for /etc/shadow)."""
    path = tmp_path / "outside" / "secret.dmp"
    path.parent.mkdir()
    path.write_bytes(hostile.DUMP)
    return path


def test_bundle_folder_link_to_a_file_outside_is_reported_not_read(
        tmp_path: Path, secret: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_bundle_folder(tmp_path / "bundle")
    (folder / "dumps" / "Minidump" / "stolen.dmp").symlink_to(secret)
    (folder / "up").symlink_to(secret.parent, target_is_directory=True)
    code, out, _err = _run(["scan", str(folder), "--json"], capsys)
    report = json.loads(out)
    problems = {p["path"]: p["message"] for p in report["problems"]}
    assert f"a link to {secret}" in problems[str(folder / "dumps" / "Minidump" / "stolen.dmp")]
    assert "outside the bundle" in problems[str(folder / "up")]
    assert all("stolen" not in d["path"] for d in report["evidence"]["dumps"])
    # and `bundle` copies nothing from outside into the support bundle
    out_zip = tmp_path / "support.zip"
    code, _out, _err = _run(["bundle", str(folder), "-o", str(out_zip)], capsys)
    assert code == 0
    with zipfile.ZipFile(out_zip) as zf:
        assert not [n for n in zf.namelist() if "stolen" in n or "secret" in n]


def test_offline_root_links_out_are_never_walked(tmp_path: Path, secret: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = hostile.offline_root_with_links_out(tmp_path / "volume", secret.parent)
    _code, out, _err = _run(["scan", str(root), "--json"], capsys)
    report = json.loads(out)
    paths = [d["path"] for d in report["evidence"]["dumps"]]
    assert paths and not [p for p in paths if "outside" in p or "stray" in p or "LiveKernel" in p]
    messages = " ".join(p["message"] for p in report["problems"])
    assert "links that leave the evidence are never followed" in messages
    out_zip = tmp_path / "support.zip"
    assert _run(["bundle", str(root), "-o", str(out_zip)], capsys)[0] == 0
    with zipfile.ZipFile(out_zip) as zf:
        assert not [n for n in zf.namelist() if "stray" in n or "outside" in n]


def test_live_kernel_reports_linked_to_the_filesystem_root_is_not_walked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layout = write_offline_root(tmp_path / "volume")
    (layout.windows / "LiveKernelReports").symlink_to("/", target_is_directory=True)
    started = time.monotonic()
    _code, out, _err = _run(["scan", str(layout.root), "--json"], capsys)
    assert time.monotonic() - started < 30
    report = json.loads(out)
    assert all(d["path"].startswith(str(layout.root)) for d in report["evidence"]["dumps"])
    assert any(p["path"].endswith("LiveKernelReports") for p in report["problems"])


@pytest.mark.parametrize("where", ["bundle", "offline", "loose", "zip-name"])
def test_a_fifo_where_a_file_is_expected_never_hangs(tmp_path: Path, where: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    if where == "bundle":
        folder = write_bundle_folder(tmp_path / "b")
        pipe = hostile.fifo(folder / "dumps" / "Minidump" / "pipe.dmp")
        target = folder
    elif where == "offline":
        layout = write_offline_root(tmp_path / "v")
        (layout.windows / "system32" / "config" / "SYSTEM").unlink()
        pipe = hostile.fifo(layout.windows / "system32" / "config" / "SYSTEM")
        hostile.fifo(layout.windows / "Minidump" / "pipe.dmp")
        target = layout.root
    elif where == "loose":
        target = pipe = hostile.fifo(tmp_path / "pipe.dmp")
    else:
        target = pipe = hostile.fifo(tmp_path / "pipe.zip")
    _code, out, err = _run(["scan", str(target)], capsys)
    assert "named pipe (FIFO)" in " ".join((out + err).split())  # the report wraps long reasons
    assert str(pipe) in out + err or pipe.name in out + err


def test_open_regular_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    pipe = hostile.fifo(tmp_path / "p")
    with pytest.raises(DumpDoctorError, match="named pipe"):
        open_regular(pipe)
    with pytest.raises(DumpDoctorError, match="a folder"):
        open_regular(tmp_path)


def test_deeply_nested_xml_is_bounded_and_names_the_file(tmp_path: Path) -> None:
    """Before: 1.3 MB of unclosed elements took 111 s. Now the depth limit stops it at once, and
    events before the damage are kept."""
    path = tmp_path / "deep.xml"
    path.write_bytes(hostile.deep_xml(400_000))
    started = time.monotonic()
    with pytest.raises(DumpDoctorError, match="nest more than 64") as err:
        read_events(EventInput("xml", path, "deep.xml"))
    assert str(path) in str(err.value)
    good = export(boot(at("2011-01-01 00:00:00")))
    path.write_bytes(good + b"<a>" * 400_000)
    result = read_events(EventInput("xml", path, "deep.xml"))
    assert result.records_read > 0
    assert any("nest more than 64" in p.message for p in result.problems)
    assert time.monotonic() - started < 10


def test_many_elements_cost_time_linear_in_size_and_can_be_cancelled(tmp_path: Path) -> None:
    path = tmp_path / "wide.xml"
    path.write_bytes(b"<Events>" + b"<x/>" * 300_000 + export(boot(at("2011-01-01 00:00:00"))))
    started = time.monotonic()
    result = read_events(EventInput("xml", path, "wide.xml"))
    assert result.records_read == 3
    assert time.monotonic() - started < 20
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        read_events(EventInput("xml", path, "wide.xml"), cancel)


@pytest.mark.parametrize("how", ["subkey-list", "name-length", "name-bytes"])
def test_one_damaged_hive_key_does_not_stop_the_bundle(tmp_path: Path, how: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    layout = write_offline_root(tmp_path / "v")
    (layout.windows / "system32" / "config" / "SYSTEM").write_bytes(hostile.damaged_system_hive(how))
    out_zip = tmp_path / "support.zip"
    code, out, _err = _run(["bundle", str(layout.root), "-o", str(out_zip)], capsys)
    assert code == 0
    assert "Services" in out and "could not be read" in out
    with zipfile.ZipFile(out_zip) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        services = zf.read("registry/Services.reg").decode("utf-16")
    assert {"registry/CrashControl.reg", "registry/Services.reg", "report/report.json"} <= names
    assert any("Services" in x["what"] and "could not be read" in x["why"] for x in manifest["left_out"])
    assert "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services]" in services


def test_a_fifo_dropped_on_the_window_is_labelled_not_opened(tmp_path: Path) -> None:
    from core.wizard.evidence_check import label_path

    done: dict[str, object] = {}
    pipe = hostile.fifo(tmp_path / "crash.dmp")
    worker = threading.Thread(target=lambda: done.setdefault("label", label_path(pipe)), daemon=True)
    worker.start()
    worker.join(10)
    label = done.get("label")
    assert label is not None, "labelling a dropped FIFO blocked"
    assert "named pipe" in label.text and not label.is_evidence  # type: ignore[attr-defined]


def test_a_reg_export_line_without_end_is_refused_in_bounded_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tracemalloc

    import core.registry.reg_export as reg_export

    monkeypatch.setattr(reg_export, "MAX_LOGICAL_LINE", 1 << 20)
    path = tmp_path / "long.reg"
    with path.open("wb") as fh:
        fh.write(b'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\X]\r\n"a"="')
        for _ in range(16):
            fh.write(b"A" * (1 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(DumpDoctorError, match="a line never ends") as err:
            reg_export.read_reg_export(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(err.value)
    assert peak < 8 << 20, f"peak {peak:,} bytes for a 16 MB line"


@pytest.mark.parametrize(("body", "words"), [
    (b"<Events>" + b"x" * (4 << 20), "characters of text without a tag"),
    (b'<Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Data>'
     + b"<a>b</a>" * (1 << 19), "one <Event> is longer than"),
])
def test_xml_text_the_parser_would_hold_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   body: bytes, words: str) -> None:
    import tracemalloc

    import core.events.xml_reader as xml_reader

    monkeypatch.setattr(xml_reader, "MAX_TEXT_RUN", 1 << 20)
    monkeypatch.setattr(xml_reader, "MAX_EVENT_CHARS", 1 << 20)
    monkeypatch.setattr(xml_reader, "MAX_EVENT_ELEMENTS", 10 << 20)
    path = tmp_path / "big.xml"
    path.write_bytes(body)
    tracemalloc.start()
    try:
        with pytest.raises(DumpDoctorError, match=words) as err:
            read_events(EventInput("xml", path, "big.xml"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(err.value)
    assert peak < 16 << 20, f"peak {peak:,} bytes"
