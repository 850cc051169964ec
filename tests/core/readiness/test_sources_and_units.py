"""Readiness facts from an offline volume and from this computer's rules (a missing file is really
missing only live), the known-issue verdict feeding the dump-path check, and the bundle round trip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from core.bundle.export import export_bundle
from core.diagnosis import diagnose
from core.diagnosis.model import VerdictId
from core.readiness.engine import assess_readiness
from core.readiness.facts_model import LIVE_KERNEL_REPORTS, VolumeFacts, VolumeSpace, filter_path
from core.readiness.model import ReadinessId
from core.registry.model import CrashControl, PageFile, RegistryFacts
from core.scan import scan
from core.sources import open_source
from core.sources.volume_probe import probe_volume
from tests.builders.offline_root import write_offline_root
from tests.builders.windows_versions import GB, machine_for
from tests.core.diagnosis.evidence_builder import Scenario
from tests.core.readiness.helpers import NO, UNKNOWN, YES


def _facts(**cc: object) -> RegistryFacts:
    control = CrashControl(crash_dump_enabled=2, **cc)  # type: ignore[arg-type]
    return RegistryFacts(crash_control=control, page_files=[PageFile("C:\\pagefile.sys", 2048, 4096)])


def _resolver(root: Path):  # type: ignore[no-untyped-def]
    def resolve(win_path: str) -> Path | None:
        text = win_path.replace("%SystemRoot%", "C:\\Windows")
        return root / text[3:].replace("\\", "/") if text[:2].upper() == "C:" else None
    return resolve


def test_probe_reads_page_file_dump_stack_log_and_folders(tmp_path: Path) -> None:
    (tmp_path / "Windows" / "Minidump").mkdir(parents=True)
    (tmp_path / "pagefile.sys").write_bytes(b"\0" * 4096)
    (tmp_path / "DumpStack.log.tmp").write_bytes("Dump stack initialised\r\nfilter dumpfve".encode("utf-16"))
    vf = probe_volume(_resolver(tmp_path), _facts(dump_filters=["dumpfve.sys"]), proves_absence=False)
    assert vf.path("C:\\pagefile.sys").size == 4096  # type: ignore[union-attr]
    assert vf.path("%SystemRoot%\\Minidump").exists is True  # type: ignore[union-attr]
    assert vf.path(filter_path("dumpfve.sys")).exists is None  # type: ignore[union-attr]  # a copy proves nothing
    assert vf.dump_stack_logs[0].path == "C:\\DumpStack.log.tmp"
    assert vf.dump_stack_logs[0].text.startswith("Dump stack initialised")


def test_live_rules_make_missing_files_a_no(tmp_path: Path) -> None:
    facts = _facts(dump_filters=["dumpfve.sys"])
    vf = probe_volume(_resolver(tmp_path), facts, proves_absence=True)
    assert vf.path(filter_path("dumpfve.sys")).exists is False  # type: ignore[union-attr]
    assert vf.path(LIVE_KERNEL_REPORTS).exists is False  # type: ignore[union-attr]
    ev = Scenario(crash_dump_enabled=2, timeline=[]).build_evidence()
    assert ev.registry is not None
    ev.registry.crash_control = facts.crash_control
    ev.volume_facts = vf
    r = assess_readiness(ev, [])
    assert r.check("dump-filters").state is NO  # type: ignore[union-attr]
    minidump = r.check("minidump-dir")
    assert minidump is not None and minidump.state is NO
    assert r.id is ReadinessId.NOT_READY
    # A missing small-dump folder alone is shown, but does not decide the verdict (its effect is unconfirmed).
    ev.registry.crash_control.dump_filters = []
    ev.volume_facts = probe_volume(_resolver(tmp_path), ev.registry, proves_absence=True)
    r = assess_readiness(ev, [])
    assert r.check("minidump-dir").state is NO and r.id is not ReadinessId.NOT_READY  # type: ignore[union-attr]


def test_loaded_dump_modules_decide_the_dump_stack() -> None:
    ev = Scenario(crash_dump_enabled=2, timeline=[]).build_evidence()
    ev.loaded_dump_modules = ["dump_diskdump.sys", "dump_storport.sys", "dump_stornvme.sys"]
    assert assess_readiness(ev, []).check("dump-stack").state is YES  # type: ignore[union-attr]
    ev.loaded_dump_modules = []
    assert assess_readiness(ev, []).check("dump-stack").state is NO  # type: ignore[union-attr]
    ev.elevated = False  # without administrator rights an empty list proves nothing
    assert assess_readiness(ev, []).check("dump-stack").state is UNKNOWN  # type: ignore[union-attr]


@pytest.mark.parametrize(("scenario", "expected"), [
    (Scenario(), NO),  # the affected machine: the known issue matches
    (Scenario(build=7600, diskdump="6.1.7600.20882"), YES),  # fixed
    (Scenario(build=7600, drivers_inspected=False), UNKNOWN),  # can't tell
])
def test_the_known_issue_verdict_feeds_the_dump_path_check(scenario: Scenario, expected: object) -> None:
    diag = diagnose(scenario.build_evidence())
    assert diag.readiness is not None
    assert diag.readiness.check("dump-capable-miniport").state is expected, diag.verdict.id  # type: ignore[union-attr]
    if expected is NO:
        assert diag.verdict.id in (VerdictId.MATCHES, VerdictId.AT_RISK)
        assert diag.readiness.id is ReadinessId.NOT_READY
        # The known issue stays the primary verdict, readiness comes second.
        assert diag.primary_kind == "known-issue" and diag.all_verdicts[0] is diag.verdict


def test_readiness_becomes_primary_when_no_known_issue_applies() -> None:
    scenario = Scenario(build=19041, diskdump="10.0.19041.1", miniport_kind=None, crash_dump_enabled=0,
                        timeline=[])
    diag = diagnose(scenario.build_evidence())
    assert diag.readiness is not None and diag.readiness.id is ReadinessId.NOT_READY
    assert diag.primary_kind == "readiness" and diag.all_verdicts[0] is diag.readiness
    assert diag.headline == diag.readiness.headline and diag.exit_code == 1


def test_offline_root_gives_page_file_and_dump_stack_log(tmp_path: Path) -> None:
    layout = write_offline_root(tmp_path / "vol", machine_for("7"))
    if not layout.hives_written:
        pytest.skip("the hive writer (tests/builders/regf.py) is not available")
    (layout.root / "pagefile.sys").write_bytes(b"\0" * 8192)
    (layout.root / "DumpStack.log").write_bytes("log".encode("utf-16"))
    with open_source(str(layout.root)) as source:
        ev = scan(source)
    vf = ev.volume_facts
    assert vf is not None and vf.path("C:\\pagefile.sys").size == 8192  # type: ignore[union-attr]
    assert vf.dump_stack_logs and vf.dump_stack_logs[0].text == "log"
    assert vf.volumes == []  # a mounted copy's free space is not the machine's: not known
    r = diagnose(ev).readiness
    assert r is not None and r.check("free-space").state is UNKNOWN  # type: ignore[union-attr]
    assert r.check("minidump-dir").state is YES  # type: ignore[union-attr]


def test_bundle_export_carries_the_readiness_facts(tmp_path: Path) -> None:
    layout = write_offline_root(tmp_path / "vol", machine_for("10", CrashDumpEnabled=1))
    if not layout.hives_written:
        pytest.skip("the hive writer (tests/builders/regf.py) is not available")
    with open_source(str(layout.root)) as source:
        ev = scan(source)
        ev.volume_facts = ev.volume_facts or VolumeFacts()
        ev.volume_facts.volumes.append(VolumeSpace("C:", 3 * GB, 100 * GB))
        ev.volume_facts.ram_bytes = 16 * GB
        diag = diagnose(ev)
        result = export_bundle(source, ev, diag, tmp_path / "out.zip")
    with zipfile.ZipFile(result.path) as zf:
        names = set(zf.namelist())
        assert {"system/volumes.csv", "system/memory.csv"} <= names
        report = json.loads(zf.read("report/report.json"))
    assert report["readiness"]["id"] == diag.readiness.id.value  # type: ignore[union-attr]
    with open_source(str(result.path)) as source:
        again = diagnose(scan(source))
    assert again.readiness is not None and diag.readiness is not None
    assert again.readiness.check("free-space").state is diag.readiness.check("free-space").state is NO  # type: ignore[union-attr]


def test_a_reason_shared_by_several_checks_is_said_once() -> None:
    """A System log alone: three essential checks are unknown for one reason; the summary said
    "The dump settings (CrashControl) were not in the evidence." three times in a row."""
    from core.evidence import Evidence
    from core.readiness.engine import assess_readiness
    from core.readiness.model import ReadinessId

    verdict = assess_readiness(Evidence(source_description="a log", source_kind="files"))
    assert verdict.id is ReadinessId.CANT_TELL
    sentences = [s.strip() for s in verdict.explanation.split(".") if s.strip()]
    assert sentences and len(sentences) == len(set(sentences)), verdict.explanation
