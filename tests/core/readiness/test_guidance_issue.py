"""A second known issue added as data: KB 976746 (Stop 0x0A in Diskdump.sys while Windows 7 / 2008 R2
hibernates). The article gives no fixed version we could confirm, so it is guidance, not a version
check: it matches on the symptom and never says whether the fix is installed."""

from __future__ import annotations

from core.diagnosis import diagnose
from core.diagnosis.knowledge import load_knowledge
from core.diagnosis.model import VerdictId
from tests.core.diagnosis.evidence_builder import Scenario, restart

ISSUE = "diskdump-hibernation-0xa"


def _verdict(scenario: Scenario):  # type: ignore[no-untyped-def]
    return next(v for v in diagnose(scenario.build_evidence()).verdicts if v.issue_id == ISSUE)


def test_the_entry_is_data_with_no_fixed_version() -> None:
    issue = load_knowledge().issue(ISSUE)
    assert issue.fixed_file is None and issue.kb_number == "976746"
    assert issue.predicate == "symptom_guidance"


def test_matches_on_the_symptom_as_guidance() -> None:
    v = _verdict(Scenario(build=7600, miniport_kind=None, timeline=[restart(0xA, hibernating=True)]))
    assert v.id is VerdictId.MATCHES
    assert "not checked" in v.confidence.why or "guidance" in v.confidence.why
    assert v.link == "https://support.microsoft.com/kb/976746"
    assert not any("fixed version" in s.title.lower() for s in v.next_steps)


def test_other_stop_code_or_windows_version_is_not_this_issue() -> None:
    other_code = Scenario(build=7600, timeline=[restart(0xD1, hibernating=True)])
    assert _verdict(other_code).id is VerdictId.NOT_THIS_ISSUE
    v = _verdict(Scenario(build=19041, diskdump="10.0.19041.1", timeline=[restart(0xA, hibernating=True)]))
    assert v.id is VerdictId.NOT_THIS_ISSUE and v.reason == "os-not-covered"


def test_without_an_event_log_it_cannot_tell() -> None:
    v = _verdict(Scenario(build=7600, timeline=None))
    assert v.id is VerdictId.CANT_TELL and any(m.what == "event-log" for m in v.missing)
