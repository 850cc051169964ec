"""The knowledge file is checked data: every issue names a registered predicate, bad edits fail loudly,
and a second issue is evaluated beside the first."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from core.diagnosis import diagnose, rules
from core.diagnosis.knowledge import Knowledge, KnownIssue, load_knowledge, parse_knowledge
from core.diagnosis.model import (
    Condition,
    ConditionState,
    ConfidenceInfo,
    EvidenceItem,
    Outcome,
    Verdict,
    VerdictId,
)
from core.diagnosis.rules import registered
from core.drivers.model import Confidence
from core.errors import FormatError
from core.evidence import Evidence
from core.report import render_text
from core.resources import load_json
from tests.core.diagnosis.evidence_builder import Scenario


def test_every_issue_names_a_registered_predicate_and_no_kb_number_is_invented() -> None:
    knowledge = load_knowledge()
    assert knowledge.issues
    for issue in knowledge.issues:
        assert issue.predicate in registered()
        assert issue.link.startswith("https://")
    main = knowledge.issue("virtual-storport-dump-0xd1")
    assert knowledge.primary is main and knowledge.issues[0] is main
    assert [i.id for i in knowledge.issues if i.primary] == [main.id]
    assert main.kb_number is None
    assert main.builds[7600].fixed_version == "6.1.7600.20882"
    assert main.builds[6002].fixed_version == "6.0.6002.22588"


@pytest.mark.parametrize("breakage", ["no-format", "bad-build", "no-title", "two-primaries", "no-primary",
                                      "bad-role"])
def test_bad_knowledge_edits_raise_format_errors(breakage: str) -> None:
    data = copy.deepcopy(load_json("knowledge", "known_issues.json"))
    if breakage == "no-format":
        data["format_version"] = 99
    elif breakage == "bad-build":
        data["issues"][0]["builds"]["7600"]["coverage"] = "maybe"
    elif breakage == "two-primaries":
        data["issues"][1]["role"] = "primary"
    elif breakage == "no-primary":
        data["issues"][0]["role"] = "secondary"
    elif breakage == "bad-role":
        data["issues"][1]["role"] = "main"
    else:
        del data["issues"][0]["title"]
    with pytest.raises(FormatError):
        parse_knowledge(data)


def _other_issue_predicate(issue: KnownIssue, evidence: Evidence) -> Verdict:
    """A second rule that is not a copy of the first: it matches whenever the evidence has a registry."""
    matched = evidence.registry is not None
    # Like every rule, it says which condition it rests on and what evidence was read for it (the engine
    # turns a verdict without that into "can't tell").
    state = ConditionState.YES if matched else ConditionState.NO
    cond = Condition("registry", "Registry present", state, "read", [EvidenceItem("a registry was read")])
    return Verdict(issue.id, issue.title, VerdictId.MATCHES if matched else VerdictId.NOT_THIS_ISSUE,
                   None if matched else "no-registry", f"{issue.short_name}: headline", "explanation", "",
                   ConfidenceInfo(Confidence.HIGH, "test rule"), conditions=[cond], link=issue.link,
                   rests_on=["registry"])


def test_a_second_issue_gets_its_own_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    # A second issue with its own predicate and its own data (not issue 0 cloned with the same predicate,
    # which could only ever agree with it): its verdict, not the first issue's, must decide the answer
    # when it is the problem.
    monkeypatch.setitem(rules._PREDICATES, "test-other-issue", _other_issue_predicate)
    base = load_knowledge()
    other = replace(base.issues[0], id="another-issue", predicate="test-other-issue", title="Another article",
                    short_name="Another issue", link="https://example.invalid/another", builds={},
                    role="secondary")
    knowledge = Knowledge(base.version, [other, base.issues[0]])  # its place in the file does not matter
    not_ours = Scenario(build=9200).build_evidence()  # the first issue: not this issue (not covered)
    diag = diagnose(not_ours, knowledge)
    # The primary issue stays `verdict` (JSON verdict.id), first; the one that applies decides the answer.
    assert [v.issue_id for v in diag.verdicts] == ["virtual-storport-dump-0xd1", "another-issue"]
    assert diag.verdict.id is VerdictId.NOT_THIS_ISSUE and diag.verdicts[1].id is VerdictId.MATCHES
    assert diag.verdicts[1].prominent
    assert diag.outcome is Outcome.PROBLEM and diag.headline == "Another issue: headline"
    # Both answers reach the user.
    text = render_text(diag, not_ours)
    assert "Another article" in text and "https://example.invalid/another" in text
