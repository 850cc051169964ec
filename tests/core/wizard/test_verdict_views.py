"""The Diagnosis page's blocks: one per verdict of either kind, the primary one first, readiness
showing the checks that matter and why each crash left no dump."""

from __future__ import annotations

from core.diagnosis import diagnose
from core.diagnosis.model import VerdictId
from core.wizard.present import verdict_views
from tests.core.diagnosis.evidence_builder import Scenario


def test_every_verdict_is_a_view_primary_first_and_readiness_lists_what_is_not_met() -> None:
    diag = diagnose(Scenario(crash_dump_enabled=0).build_evidence())
    views = verdict_views(diag)
    assert len(views) == len(diag.all_verdicts)
    assert views[0].headline == diag.all_verdicts[0].headline
    readiness = next(v for v in views if v.words.startswith("Crash dump readiness: "))
    assert readiness.words == "Crash dump readiness: Not ready"
    assert readiness.look is VerdictId.MATCHES  # a problem: the stop-sign icon
    assert readiness.checks and all(c.state != "Yes" for c in readiness.checks)
    assert any(c.label.startswith("Crash dumps are turned on") and c.state == "No" for c in readiness.checks)
    assert readiness.checks_note.endswith("met.")
    assert any("Turn crash dumps on" in s.title for s in readiness.steps)
    assert readiness.lost_dumps and "known issue" in readiness.lost_dumps[0]
    known = next(v for v in views if v.context.startswith("Known issue: "))
    assert [c.state for c in known.checks]  # the known issue's conditions, all of them
    assert known.confidence
