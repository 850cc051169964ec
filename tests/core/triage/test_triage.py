"""`triage` over a helpdesk queue: one correct row per machine, broken entries as rows with their
problem, the cache, worker isolation, and the files written (CSV, NDJSON, HTML with reports)."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import pytest

from core.examine import examine
from core.triage import COLUMN_KEYS, TriageOptions, triage
from core.triage.row import row_from
from core.triage.writers import ndjson_lines, render_overview, write_csv, write_overview
from tests.builders.fleet import clone_bundle
from tests.core.triage.conftest import Queue
from tests.core.triage.workers import (
    dies_on_crash_bundles,
    hangs_on_hang_bundles,
    reports_memory_ceiling,
)


def _direct_row(path: str) -> dict[str, object]:
    """The row as the machine's own `scan` makes it, in this process: what triage must agree with."""
    with examine(path) as case:
        assert case.diagnosis is not None
        return row_from(case.diagnosis, case.evidence, path).to_json()


def _options(tmp_path: Path, **kw: object) -> TriageOptions:
    return TriageOptions(cache_dir=tmp_path / "cache", **kw)  # type: ignore[arg-type]


def test_one_correct_row_per_machine_and_a_row_per_broken_entry(queue: Queue, tmp_path: Path) -> None:
    result = triage([queue.root], _options(tmp_path, jobs=2))
    by_source = {r.source: r for r in result.rows}
    expected_sources = set(queue.machines) | {str(queue.broken[k]) for k in ("corrupt", "empty", "junk")}
    assert set(by_source) == expected_sources
    assert len(result.rows) == len(expected_sources)  # nothing twice
    for source, name in queue.machines.items():
        row = by_source[source]
        assert row.computer_name == name, source
        assert row.to_json() == _direct_row(source)
    assert by_source[str(queue.root / "vm-1.zip")].verdict == "matches"
    assert by_source[str(queue.root / "vm-1.zip")].stop_code == "0x000000D1"
    pc = by_source[str(queue.root / "2011-03" / "ticket-002-PC02.zip")]
    assert (pc.os, pc.os_build, pc.verdict) == ("Windows 7 Enterprise Service Pack 1", "6.1.7601",
                                                "not-this-issue")
    assert (pc.boot_miniport, pc.boot_miniport_kind) == ("lsi_sas.sys", "storport-physical")
    assert pc.last_crash_time == "2011-04-01T18:30:00Z"
    assert pc.stop_name == "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED"
    velo = by_source[str(queue.root / "Collection-PC09.zip")]
    assert velo.verdict == "not-this-issue" and velo.diskdump_version == "6.1.7601.17514"
    corrupt = by_source[str(queue.broken["corrupt"])]
    assert corrupt.verdict == "error" and "zip" in corrupt.problems[0]
    for key in ("empty", "junk"):
        row = by_source[str(queue.broken[key])]
        assert row.verdict == "error" and "no evidence" in row.problems[0]
    assert [p for p, _ in result.skipped] == [queue.broken["note"]]


def test_warm_rerun_examines_only_the_new_bundle(queue: Queue, tmp_path: Path) -> None:
    first = triage([queue.root], _options(tmp_path))
    assert first.from_cache == 0
    new = clone_bundle(queue.template, queue.root / "ticket-new-PC42.zip", "PC01", "PC42")
    second = triage([queue.root], _options(tmp_path))
    # Everything but the new bundle and the empty folders (nothing to hash) came from the cache.
    empties = sum(1 for r in first.rows if "no evidence" in " ".join(r.problems))
    assert second.examined == 1 + empties
    assert second.from_cache == len(first.rows) - empties
    by_source = {r.source: r for r in second.rows}
    assert by_source[str(new)].computer_name == "PC42"
    assert [r.to_json() for r in second.rows if r.source != str(new)] == [r.to_json() for r in first.rows]


def test_identical_bundles_at_two_paths_each_name_their_own(tmp_path: Path) -> None:
    queue = tmp_path / "q"
    queue.mkdir()
    for name in ("a-é.zip", "b.zip"):
        (queue / name).write_bytes(b"PK\x03\x04 the same damaged upload, sent twice")
    for _ in range(2):  # cold, then warm: the second bundle's row comes from the first one's entry
        rows = triage([queue], _options(tmp_path)).rows
        for row in rows:
            assert row.problems[0].startswith(row.source + ":") and row.source in row.summary


def test_changed_bundle_is_examined_again(queue: Queue, tmp_path: Path) -> None:
    target = queue.root / "2011-03" / "ticket-001-PC01.zip"
    triage([queue.root], _options(tmp_path))
    clone_bundle(queue.template, target, "PC01", "PC77")  # the same file name, new content
    again = triage([queue.root], _options(tmp_path))
    assert {r.source: r.computer_name for r in again.rows}[str(target)] == "PC77"


def test_a_worker_that_dies_costs_one_row(queue: Queue, tmp_path: Path) -> None:
    clone_bundle(queue.template, queue.root / "crash-me.zip", "PC01", "PC66")
    result = triage([queue.root], _options(tmp_path, jobs=2), worker=dies_on_crash_bundles)
    by_source = {r.source: r for r in result.rows}
    dead = by_source[str(queue.root / "crash-me.zip")]
    assert dead.verdict == "error" and "worker" in dead.problems[0]
    good = [r for r in result.rows if r.source in queue.machines]
    assert len(good) == len(queue.machines) and all(r.verdict != "error" for r in good)
    # The dead worker's bundle is not cached: the next run tries it again.
    rerun = triage([queue.root], _options(tmp_path))
    assert {r.source: r for r in rerun.rows}[str(queue.root / "crash-me.zip")].computer_name == "PC66"


def test_workers_are_recycled_and_the_run_completes(queue: Queue, tmp_path: Path) -> None:
    """Python 3.11's own max_tasks_per_child hangs once a worker retires; the run must finish."""
    result = triage([queue.root], _options(tmp_path, jobs=1, tasks_per_child=2, use_cache=False))
    assert {r.source: r.computer_name for r in result.rows if r.source in queue.machines} == queue.machines
    assert len(result.worker_peak_kb) >= len(result.rows) // 2  # a fresh worker every two bundles


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS is POSIX; Windows uses a job object")
def test_workers_have_a_memory_ceiling(tmp_path: Path) -> None:
    (tmp_path / "one.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    for limit, expected in ((512, "ran out of the memory"), (4096, "no ceiling")):
        result = triage([tmp_path / "one.zip"], _options(tmp_path, max_memory_mb=limit, use_cache=False),
                        worker=reports_memory_ceiling)
        assert expected in result.rows[0].problems[0], limit


def test_a_bundle_that_hangs_costs_one_row(queue: Queue, tmp_path: Path) -> None:
    clone_bundle(queue.template, queue.root / "hang-me.zip", "PC01", "PC67")
    result = triage([queue.root], _options(tmp_path, jobs=2, timeout_s=1.5), worker=hangs_on_hang_bundles)
    by_source = {r.source: r for r in result.rows}
    hung = by_source[str(queue.root / "hang-me.zip")]
    assert hung.verdict == "error" and "longer than 1.5 s" in hung.problems[0]
    assert all(by_source[s].computer_name == n for s, n in queue.machines.items())


def test_csv_ndjson_and_html_overview(queue: Queue, tmp_path: Path) -> None:
    result = triage([queue.root], _options(tmp_path, with_reports=True))
    out = io.StringIO()
    write_csv(result.rows, out)
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(table[0]) == COLUMN_KEYS
    assert len(table) == 1 + len(result.rows)
    assert {line[0] for line in table[1:]} >= set(queue.machines.values())
    lines = ndjson_lines(result.rows)
    assert len(lines) == len(result.rows) and all("\n" not in line for line in lines)
    assert [json.loads(line)["source"] for line in lines] == [r.source for r in result.rows]

    overview = tmp_path / "out" / "overview.html"
    overview.parent.mkdir()
    write_overview(overview, result.rows, result.reports)
    page = overview.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', page)
    assert len(links) == len(queue.machines)  # every examined machine links to its report
    for link in links:
        report = (overview.parent / link).read_text(encoding="utf-8")
        assert "Dump Doctor report" in report
    assert "<script src" not in page and "<link " not in page  # self-contained
    assert 'data-verdict="matches"' in page and 'data-verdict="error"' in page


def test_overview_escapes_evidence_text(tmp_path: Path) -> None:
    from core.triage.row import TriageRow

    row = TriageRow(source="x.zip", computer_name="<script>alert(1)</script>", verdict="cant-tell")
    page = render_overview([row], [None])
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_csv_cells_never_become_formulas() -> None:
    from core.triage.row import TriageRow

    out = io.StringIO()
    write_csv([TriageRow(source="=HYPERLINK(\"http://x\")", computer_name="+PC", verdict="ok")], out)
    values = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert all(not v.startswith(("=", "+", "-", "@")) for v in values)


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_content_hash_follows_content_not_name(tmp_path: Path, queue: Queue, kind: str) -> None:
    from core.triage.cache import content_hash

    a = queue.root / "vm-1.zip" if kind == "zip" else queue.root / "unpacked-PC10"
    b = tmp_path / ("renamed.zip" if kind == "zip" else "renamed")
    if kind == "zip":
        b.write_bytes(a.read_bytes())
    else:
        import shutil

        shutil.copytree(a, b)
    assert content_hash(a) == content_hash(b)
    if kind == "zip":
        b.write_bytes(a.read_bytes() + b"\0")
    else:
        (b / "extra.txt").write_text("x", encoding="utf-8")
    assert content_hash(a) != content_hash(b)


def test_a_bundle_from_several_computers_gives_a_row_each(tmp_path: Path) -> None:
    """Files from several computers in one bundle: the rows split as the diagnosis splits them."""
    import zipfile

    from tests.builders.fleet import demo_bundle_zip, export_bundle_zip, machine_named

    one = export_bundle_zip(tmp_path / "one.zip", machine_named("PC-ONE"))
    two = demo_bundle_zip(tmp_path / "two.zip", "VM-TWO")
    mixed = tmp_path / "queue" / "mixed.zip"
    mixed.parent.mkdir()
    with zipfile.ZipFile(mixed, "w") as out:
        for prefix, path in (("one", one), ("two", two)):
            with zipfile.ZipFile(path) as src:
                for info in src.infolist():
                    if not info.filename.startswith("report/") and info.filename != "manifest.json":
                        out.writestr(f"{prefix}/{info.filename}", src.read(info))
    with examine(mixed) as case:
        assert case.diagnosis is not None
        labels = [m.label for m in case.diagnosis.machines]
    assert len(labels) >= 2  # the fixture really mixes computers
    for _ in range(2):  # cold, then from the cache
        result = triage([mixed.parent], _options(tmp_path, with_reports=True))
        assert len(result.rows) == len(labels)
        for row, label in zip(result.rows, labels, strict=True):
            assert row.problems[0] == (f"this bundle holds files from {len(labels)} computers; this row "
                                       f"is {label}")
            assert row.source == str(mixed)
        assert "PC-ONE" in [r.computer_name for r in result.rows]
        assert result.reports[0] is not None and all(r is result.reports[0] for r in result.reports)
