"""A known issue added the way docs/architecture.md says: one entry of data and one small predicate
registered with @predicate. Shared by the core test and the GUI test (both must see it everywhere)."""

from __future__ import annotations

import copy
from typing import Any

from core.diagnosis.knowledge import Knowledge, KnownIssue, parse_knowledge
from core.diagnosis.model import Condition, ConditionState, ConfidenceInfo, EvidenceItem, Verdict, VerdictId
from core.diagnosis.rules import predicate
from core.drivers.model import Confidence
from core.evidence import Evidence
from core.resources import load_json

ISSUE_ID = "dump-filter-missing-example"

# The data entry, exactly as it would go into resources/knowledge/known_issues.json.
ENTRY: dict[str, Any] = {
    "id": ISSUE_ID,
    "predicate": "dump_filter_named",
    "role": "secondary",
    "short_name": "Example: a named dump filter is configured",
    "title": "Example article: crash dumps fail when the dump filter exfilter.sys is configured",
    "link": "https://example.invalid/dump-filter-article",
    "kb_number": None,
    "bugcheck_code": None,
    "fixed_file": None,
    "builds": {},
    "wording": {
        "filter": "exfilter.sys",
        "matches": {"headline": "Example: the dump filter exfilter.sys is configured, so dumps fail."},
        "not-this-issue": {"headline": "Example: exfilter.sys is not configured."},
        "cant-tell": {"headline": "Example: can't tell whether exfilter.sys is configured."},
    },
    "next_steps": {"remove": {"title": "Remove exfilter.sys from DumpFilters"}},
}


@predicate("dump_filter_named")
def dump_filter_named(issue: KnownIssue, ev: Evidence) -> Verdict:
    """The one small predicate: is the filter the issue's data names in CrashControl\\DumpFilters?"""
    wanted = issue.wording["filter"]
    cc = ev.registry.crash_control if ev.registry else None
    label = f"{wanted} in DumpFilters"
    if cc is None:
        cond = Condition("filter", label, ConditionState.UNKNOWN, "DumpFilters was not read.",
                         needs="system-hive")
        verdict_id = VerdictId.CANT_TELL
    else:
        found = wanted in [f.lower() for f in cc.dump_filters]
        state = ConditionState.YES if found else ConditionState.NO
        cond = Condition("filter", label, state, f"DumpFilters = {', '.join(cc.dump_filters) or '(none)'}",
                         [EvidenceItem(f"DumpFilters = {', '.join(cc.dump_filters)}", cc.ref)])
        verdict_id = VerdictId.MATCHES if found else VerdictId.NOT_THIS_ISSUE
    words = issue.wording[verdict_id.value]
    reason = None if verdict_id is VerdictId.MATCHES else "other-cause"
    return Verdict(issue.id, issue.title, verdict_id, reason,
                   words["headline"], cond.text, f"filter={cond.state.value}",
                   ConfidenceInfo(Confidence.HIGH, "read from CrashControl"), conditions=[cond],
                   evidence=list(cond.evidence), link=issue.link, rests_on=["filter"])


def knowledge_with_new_issue() -> Knowledge:
    data = copy.deepcopy(load_json("knowledge", "known_issues.json"))
    data["issues"].append(copy.deepcopy(ENTRY))
    return parse_knowledge(data)
