"""Hostile strings from the evidence (a DedicatedDumpFile path, a DumpStack.log) reach the readiness
section of every report escaped: no markup in the HTML, no terminal escapes in the text."""

from __future__ import annotations

from core.diagnosis import diagnose
from core.readiness.facts_model import DumpStackLog, VolumeFacts
from core.report import render_html, render_text
from tests.core.diagnosis.evidence_builder import Scenario, restart

HOSTILE = '<script>alert(1)</script>\x1b[2J"'


def test_hostile_paths_and_logs_are_escaped() -> None:
    ev = Scenario(build=19041, diskdump="10.0.19041.1", miniport_kind=None, crash_dump_enabled=2,
                  timeline=[restart(0, hibernating=False, reason=None)]).build_evidence()
    assert ev.registry is not None and ev.registry.crash_control is not None
    ev.registry.crash_control.dedicated_dump_file = "D:\\" + HOSTILE
    ev.volume_facts = VolumeFacts(dump_stack_logs=[DumpStackLog("C:\\DumpStack.log", HOSTILE)])
    diag = diagnose(ev)
    html = render_html(diag, ev)
    assert "<script>" not in html and "&lt;script&gt;" in html
    text = render_text(diag, ev)
    assert "\x1b" not in text and "Will the next crash leave a dump?" in text
