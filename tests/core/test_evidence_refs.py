"""Every evidence line points at the file and place it came from, also after a bundle round trip, and
no Python internals reach a user (issue #11, points 4 and 8)."""

from __future__ import annotations

from pathlib import Path

from core.bundle.export import BundleOptions, export_bundle
from core.diagnosis import diagnose
from core.evidence_ref import Problem, user_words
from core.scan import scan
from core.sources import open_source
from tests.builders.offline_root import Machine, write_bundle_folder


def _ours(diag):
    """The verdict on this tool's own known issue (other issues' verdicts may be listed first)."""
    return next(v for v in diag.verdicts if v.issue_id == "virtual-storport-dump-0xd1")

def _no_software() -> Machine:
    return Machine(software={}, minidumps=[])


def test_version_without_software_cites_the_file_it_came_from_after_a_round_trip(tmp_path: Path) -> None:
    folder = write_bundle_folder(tmp_path / "src", _no_software())
    with open_source(folder) as source:
        before = scan(source)
        export_bundle(source, before, diagnose(before), tmp_path / "b.zip", BundleOptions())
    with open_source(tmp_path / "b.zip") as bundle:
        after = scan(bundle)
        verdict = _ours(diagnose(after))
    os_item = next(c for c in verdict.conditions if c.id == "os").evidence[0]
    assert os_item.ref is not None
    # Diskdump.sys said which Windows this is: cited as the .sys file inside the bundle, never as a
    # registry key (ProductType, ComputerName) that says nothing about the version.
    assert os_item.ref.kind == "file" and os_item.ref.location.startswith("b.zip!")
    assert os_item.ref.location.lower().endswith("diskdump.sys")
    assert "diskdump.sys" in os_item.text.lower()


def test_driver_facts_cite_the_sys_file_and_registry_facts_the_hive_or_export(tmp_path: Path) -> None:
    folder = write_bundle_folder(tmp_path / "src", Machine())
    with open_source(folder) as source:
        before = scan(source)
        export_bundle(source, before, diagnose(before), tmp_path / "b.zip", BundleOptions())
    with open_source(tmp_path / "b.zip") as bundle:
        ev = scan(bundle)
        verdict = _ours(diagnose(ev))
    refs = [e.ref for c in verdict.conditions for e in c.evidence if e.ref is not None]
    assert refs
    for ref in refs:
        assert "dumpdoctor-bundle" not in str(ref) and "/tmp/" not in str(ref), ref  # no extraction folder
    classified = [e for c in verdict.conditions for e in c.evidence if e.text.endswith("confidence)")]
    assert classified and all(e.ref is not None and e.ref.location.endswith(".sys") for e in classified)
    boot = next(e for c in verdict.conditions for e in c.evidence if e.text.startswith("Dumps are written"))
    assert boot.ref is not None and boot.ref.kind == "dump" and boot.ref.location.endswith(".dmp")
    registry = [r for r in refs if r.kind == "registry"]
    assert registry and all(r.file.startswith("b.zip!") for r in registry)
    assert all(" in b.zip!" in str(r) for r in registry)


def test_python_internals_become_sentences() -> None:
    raw = ("/x/SYSTEM: the subkeys of HKLM\\SYSTEM\\ControlSet001\\Services cannot be read: error: "
           "unpack_from requires a buffer of at least 2450780 bytes for unpacking 4 bytes at offset 2450776 "
           "(actual buffer size is 1000000) (at offset 0x1EEA4; expected valid key cells)")
    text = user_words(raw)
    assert "unpack_from" not in text and "error:" not in text
    assert "cut short" in text and "0x1EEA4" in text and "Services" in text
    problem = Problem("x.sys", "malformed PE image (IndexError: list index out of range)")
    assert "IndexError" not in problem.message and "outside the file" in problem.message
    assert user_words("a plain sentence naming offset 0x10.") == "a plain sentence naming offset 0x10."
