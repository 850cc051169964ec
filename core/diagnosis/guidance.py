"""Known issues from Microsoft articles that give a symptom but no fixed file version we could confirm
(for example KB 976746: Stop 0x0A in Diskdump.sys when Windows 7 / 2008 R2 hibernates). Such an
article is guidance, not a version check: the verdict says the symptom matches and points at the
article; it never claims the fix is or is not installed.

Conditions: a Windows build the article names, and the symptom — an unexpected restart with the
article's Stop code (during hibernation when the article says so) and no dump written.
"""

from __future__ import annotations

from core.diagnosis.facts import missing_evidence, os_build, stop_label
from core.diagnosis.knowledge import KnownIssue
from core.diagnosis.model import (
    Condition,
    ConditionState,
    ConfidenceInfo,
    EvidenceItem,
    NextStep,
    Verdict,
    VerdictId,
)
from core.diagnosis.rules import predicate
from core.drivers.model import Confidence
from core.evidence import Evidence

YES, NO, UNKNOWN = ConditionState.YES, ConditionState.NO, ConditionState.UNKNOWN


def _os(issue: KnownIssue, ev: Evidence) -> Condition:
    label = "Windows version named by the article"
    found = os_build(ev)
    if found is None:
        return Condition("os", label, UNKNOWN, "The Windows version is not known.")
    cov = issue.coverage(found.build)
    if cov is None or cov.coverage not in ("covered", "unknown"):
        return Condition("os", label, NO, f"{found.text} is not named by the article.", [found.item])
    return Condition("os", label, YES, f"{found.text}: {cov.os} is named by the article.", [found.item])


def _symptom(issue: KnownIssue, ev: Evidence) -> Condition:
    during_hibernation = bool(issue.wording.get("symptom_during_hibernation"))
    stop = stop_label(issue.bugcheck_code) if issue.bugcheck_code else "a crash"
    label = f"The article's symptom: {stop}" + (" while hibernating" if during_hibernation else "")
    if ev.timeline is None:
        return Condition("symptom", label, UNKNOWN, "No System event log was read.")
    hits = [e for e in ev.timeline.unexpected_restarts()
            if e.bugcheck_code == issue.bugcheck_code and (e.during_hibernate or not during_hibernation)]
    if not hits:
        # What was read says no: cite the log, so the "no" rests on evidence (engine.enforce_evidence).
        read = EvidenceItem(f"{ev.timeline.records_read} event records read from "
                            f"{', '.join(ev.timeline.sources) or 'the System log'}; no restart shows this "
                            "symptom", None, supports=False)
        return Condition("symptom", label, NO, "No restart in the event log shows this symptom.", [read])
    items = [EvidenceItem(e.summary, e.events[0] if e.events else None) for e in hits[-3:]]
    return Condition("symptom", label, YES, f"{len(hits)} restart(s) show this symptom.", items)


@predicate("symptom_guidance")
def symptom_guidance(issue: KnownIssue, ev: Evidence) -> Verdict:
    conditions = [_os(issue, ev), _symptom(issue, ev)]
    words = issue.wording
    steps = [NextStep(f"{issue.id}-{key}", "info", step["title"], step.get("detail", ""), issue.link,
                      step.get("command")) for key, step in issue.next_steps.items()]
    base = {"issue_id": issue.id, "issue_title": issue.title, "technical": words.get("technical", ""),
            "conditions": conditions, "link": issue.link}
    if all(c.state is YES for c in conditions):
        return Verdict(id=VerdictId.MATCHES, reason=None, headline=words["matches"]["headline"],
                       explanation=words["matches"]["explanation"],
                       confidence=ConfidenceInfo(Confidence.MEDIUM, "The article gives no fixed file version "
                                                 "Dump Doctor could confirm, so whether the fix is installed "
                                                 "is not checked (guidance, not a version check)."),
                       evidence=[i for c in conditions for i in c.evidence], next_steps=steps,
                       rests_on=[c.id for c in conditions], **base)
    no = next((c for c in conditions if c.state is NO), None)
    if no is not None:
        reason = "os-not-covered" if no.id == "os" else "other-cause"
        return Verdict(id=VerdictId.NOT_THIS_ISSUE, reason=reason,
                       headline=words["not-this-issue"]["headline"], explanation=no.text,
                       confidence=ConfidenceInfo(Confidence.HIGH, no.text), rests_on=[no.id], **base)
    wanted = ["event-log"] if conditions[1].state is UNKNOWN else ["software-hive"]
    return Verdict(id=VerdictId.CANT_TELL, reason="missing-evidence",
                   headline=words["cant-tell"]["headline"], explanation="Some evidence is missing.",
                   confidence=ConfidenceInfo(Confidence.LOW, "missing"), missing=missing_evidence(ev, wanted),
                   **base)
