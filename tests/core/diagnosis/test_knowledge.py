"""The knowledge file is checked data: every issue names a registered predicate, bad edits fail loudly,
and a second issue is evaluated beside the first."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from core.diagnosis import diagnose
from core.diagnosis.knowledge import Knowledge, load_knowledge, parse_knowledge
from core.diagnosis.rules import registered
from core.errors import FormatError
from core.resources import load_json
from tests.core.diagnosis.evidence_builder import Scenario


def test_every_issue_names_a_registered_predicate_and_no_kb_number_is_invented() -> None:
    knowledge = load_knowledge()
    assert knowledge.issues
    for issue in knowledge.issues:
        assert issue.predicate in registered()
        assert issue.link.startswith("https://")
    main = knowledge.issue("virtual-storport-dump-0xd1")
    assert main.kb_number is None
    assert main.builds[7600].fixed_version == "6.1.7600.20882"
    assert main.builds[6002].fixed_version == "6.0.6002.22588"


@pytest.mark.parametrize("breakage", ["no-format", "bad-build", "no-title"])
def test_bad_knowledge_edits_raise_format_errors(breakage: str) -> None:
    data = copy.deepcopy(load_json("knowledge", "known_issues.json"))
    if breakage == "no-format":
        data["format_version"] = 99
    elif breakage == "bad-build":
        data["issues"][0]["builds"]["7600"]["coverage"] = "maybe"
    else:
        del data["issues"][0]["title"]
    with pytest.raises(FormatError):
        parse_knowledge(data)


def test_a_second_issue_gets_its_own_verdict() -> None:
    base = load_knowledge()
    other = replace(base.issues[0], id="another-issue", title="Another article")
    diag = diagnose(Scenario().build_evidence(), Knowledge(base.version, [base.issues[0], other]))
    assert [v.issue_id for v in diag.verdicts] == ["virtual-storport-dump-0xd1", "another-issue"]
