"""The committed demo evidence equals a fresh regeneration, and scanning it finds the known issue."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from core.resources import resource_path

ROOT = Path(__file__).resolve().parents[3]


def _make_demo():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = module
    spec.loader.exec_module(module)
    return module.make_demo


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_committed_demo_equals_a_fresh_regeneration(tmp_path: Path) -> None:
    fresh = _make_demo()(tmp_path / "demo")
    committed = _tree(resource_path("demo"))
    assert committed, "resources/demo is empty: run scripts/make_demo.py"
    assert _tree(fresh) == committed


def test_demo_reg_files_are_utf16_with_bom() -> None:
    regs = sorted(resource_path("demo", "registry").glob("*.reg"))
    assert regs, "the demo holds no .reg files, so there is nothing to check"
    for reg in regs:
        assert reg.read_bytes()[:2] == b"\xff\xfe", reg.name


def test_scanning_the_demo_matches_the_known_issue() -> None:
    from core.diagnosis import diagnose
    from core.scan import scan
    from core.sources import open_source

    with open_source(str(resource_path("demo"))) as source:
        ev = scan(source)
    diag = diagnose(ev)
    v = diag.verdict
    assert v.id.value == "matches", v.explanation
    assert {c.id: c.state.value for c in v.conditions} == {
        "os": "yes", "fixed-file": "yes", "virtual-miniport": "yes", "symptom": "yes"}
    assert any("cvstor.sys" in e.text for e in v.evidence)
    assert "hibernation-on-affected" in {f.id for f in diag.findings}
    assert diag.exit_code == 1
