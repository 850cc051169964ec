"""A bundle carries what the first scan knew (issue #19, item 10): the files it could not read and
the architecture survive export and reopening, so a bundle of readable leftovers never looks complete."""

from __future__ import annotations

from pathlib import Path

from core.bundle.export import export_bundle
from core.diagnosis import diagnose
from core.scan import scan
from core.sources import open_source
from tests.builders.offline_root import write_offline_root


def test_unreadable_inputs_and_architecture_survive_a_bundle_round_trip(tmp_path: Path) -> None:
    layout = write_offline_root(tmp_path / "volume")
    (layout.windows / "Minidump" / "broken.dmp").write_bytes(b"not a dump at all" * 10)
    with open_source(layout.root) as source:
        first = scan(source)
        export_bundle(source, first, diagnose(first), tmp_path / "b.zip")
    broken = [p for p in first.problems if p.path.endswith("broken.dmp")]
    assert broken
    assert first.registry is not None and first.registry.system is not None
    assert first.registry.system.architecture == "x64"
    with open_source(tmp_path / "b.zip") as bundle:
        second = scan(bundle)
    carried = [p for p in second.problems if p.path.endswith("broken.dmp")]
    assert carried and "reported by the scan that made this bundle" in carried[0].message
    assert second.registry is not None and second.registry.system is not None
    assert second.registry.system.architecture == "x64"
    finding = next(f for f in diagnose(second).findings if f.id == "unreadable-evidence")
    assert any("broken.dmp" in item.text for item in finding.evidence)
