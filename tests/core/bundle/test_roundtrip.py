"""A bundle is a source: scanning the exported bundle must tell the same story as the original."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.bundle.export import BundleOptions, export_bundle
from core.diagnosis import diagnose
from core.evidence import Evidence
from core.scan import scan
from core.sources import open_source
from tests.builders.events import at, hibernate_crash_d1, write_export
from tests.builders.offline_root import write_bundle_folder


def _key_facts(ev: Evidence) -> dict[str, Any]:
    reg = ev.registry
    storage = ev.storage
    return {
        "os": reg.system.version_text if reg and reg.system else None,
        "computer": reg.system.computer_name if reg and reg.system else None,
        "crash_control": reg.crash_control.crash_dump_enabled if reg and reg.crash_control else None,
        "services": sorted(reg.services) if reg else None,
        "dumps": [(d.bugcheck.code if d.bugcheck else None, d.system_time, d.dump_stack) for d in ev.dumps],
        "boot_miniport": storage.boot_miniport.service if storage and storage.boot_miniport else None,
        "drivers": sorted((d.service, d.kind.value, d.pe.file_version if d.pe else None)
                          for d in storage.drivers) if storage else None,
        "diskdump": storage.diskdump.state.value if storage and storage.diskdump else None,
        "timeline": [(e.kind.value, e.time, e.bugcheck_code) for e in ev.timeline.entries]
        if ev.timeline else None,
    }


@pytest.mark.parametrize("redact", [False, True])
def test_bundle_scans_like_its_source(tmp_path: Path, redact: bool) -> None:
    folder = write_bundle_folder(tmp_path / "src")
    (folder / "events").mkdir()
    write_export(folder / "events" / "System.xml", hibernate_crash_d1(at("2011-03-15 08:00:00")))
    with open_source(folder) as source:
        before = scan(source)
        diag_before = diagnose(before)
        export_bundle(source, before, diag_before, tmp_path / "b.zip", BundleOptions(redact=redact))
    with open_source(tmp_path / "b.zip") as bundle:
        after = scan(bundle)
        diag_after = diagnose(after)
    assert before.dumps and before.timeline and before.timeline.entries  # the fixture tells a story
    assert diag_after.verdict.id == diag_before.verdict.id
    assert diag_after.verdict.reason == diag_before.verdict.reason
    assert diag_after.outcome == diag_before.outcome
    facts_before, facts_after = _key_facts(before), _key_facts(after)
    if redact:
        assert facts_after.pop("computer") == "COMPUTER1"
        facts_before.pop("computer")
    assert facts_after == facts_before


def test_the_bundles_own_reports_are_not_read_as_broken_evidence(tmp_path: Path) -> None:
    """report/report.html starts with <!DOCTYPE html>: it is the bundle's own report, not an event export
    to refuse as an entity attack (that added "Some evidence could not be read" after every round trip)."""
    folder = write_bundle_folder(tmp_path / "src")
    (folder / "events").mkdir()
    write_export(folder / "events" / "System.xml", hibernate_crash_d1(at("2011-03-15 08:00:00")))
    with open_source(folder) as source:
        before = scan(source)
        diag_before = diagnose(before)
        export_bundle(source, before, diag_before, tmp_path / "b.zip", BundleOptions())
    with open_source(tmp_path / "b.zip") as bundle:
        after = scan(bundle)
        diag_after = diagnose(after)
    assert [p for p in after.problems if "report/" in p.path] == []
    assert [f.id for f in diag_after.findings] == [f.id for f in diag_before.findings]


def test_files_from_two_computers_are_described_as_the_user_chose_them(tmp_path: Path) -> None:
    """The bundle of a hive and another computer's log recorded its source as "Evidence files SYSTEM,
    other.xml — computer TESTPC" (the first computer's), so the re-opened bundle called the second
    computer "... — computer TESTPC — computer OTHERPC". The JSON report's source did the same."""
    import json
    import zipfile

    from core.report import render_json
    from tests.builders.offline_root import Machine
    from tests.core.test_machines import _hibernate_crash, _hive

    hive = _hive(tmp_path, Machine())
    log = write_export(tmp_path / "other.xml", _hibernate_crash("OTHERPC", (6, 1, 7600, 16385)))
    with open_source([hive, log]) as source:
        ev = scan(source)
        diag = diagnose(ev)
        assert len(ev.machines) == 2
        assert "computer" not in render_json(diag, ev)["source"]["description"]
        export_bundle(source, ev, diag, tmp_path / "b.zip", BundleOptions())
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert "computer" not in manifest["source"]
    with open_source(tmp_path / "b.zip") as bundle:
        again = scan(bundle)
    assert [m.source_description.count("computer ") for m in again.machines] == [1, 1]


def test_logs_of_two_computers_stay_apart_after_a_round_trip(tmp_path: Path) -> None:
    """An offline folder with the Windows folder's System.evtx and another computer's log beside it: the
    bundle wrote the relevant records of both into one events/System.xml, and the re-opened bundle
    took that mixed file for one computer under several names (WKS-WIN764BITB vanished into
    CITADEL-DC01 with the real samples)."""
    from tests.core.test_machines import _hibernate_crash

    one = write_export(tmp_path / "one.xml", _hibernate_crash("PC-ONE", (6, 1, 7600, 16385)))
    two = write_export(tmp_path / "two.xml", _hibernate_crash("PC-TWO", (6, 0, 6002, 18005)))
    with open_source([one, two]) as source:
        before = scan(source)
        diag = diagnose(before)
        export_bundle(source, before, diag, tmp_path / "b.zip", BundleOptions())
    with open_source(tmp_path / "b.zip") as bundle:
        after = scan(bundle)
    labels = [m.machine.label for m in before.machines if m.machine]
    assert labels == ["PC-ONE", "PC-TWO"]
    assert [m.machine.label for m in after.machines if m.machine] == labels
