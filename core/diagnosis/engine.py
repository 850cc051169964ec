"""Evidence → Diagnosis: evaluate every known issue from the knowledge file, then the other findings,
then the one-word outcome that also sets the CLI exit code."""

from __future__ import annotations

from core.diagnosis.facts import nothing_readable
from core.diagnosis.findings import find_all
from core.diagnosis.knowledge import Knowledge, load_knowledge
from core.diagnosis.model import Diagnosis, Outcome, Verdict, VerdictId
from core.diagnosis.rules import get_predicate
from core.diagnosis.wording import OUTCOME_HEADLINES
from core.evidence import Evidence
from core.evidence_ref import Severity

_RELEVANCE = {VerdictId.MATCHES: 0, VerdictId.AT_RISK: 1, VerdictId.CANT_TELL: 2, VerdictId.NOT_THIS_ISSUE: 3}


def diagnose(evidence: Evidence, knowledge: Knowledge | None = None) -> Diagnosis:
    knowledge = knowledge or load_knowledge()
    verdicts: list[Verdict] = [get_predicate(issue.predicate)(issue, evidence) for issue in knowledge.issues]
    # Stable sort: with equal relevance the knowledge file's order (this tool's own issue first) wins.
    verdicts.sort(key=lambda v: _RELEVANCE[v.id])
    findings = find_all(evidence, verdicts)
    # Imported here: core.readiness builds on this package (its checks read core.diagnosis.facts).
    from core.readiness.engine import assess_readiness

    readiness = assess_readiness(evidence, verdicts)
    serious = any(f.severity in (Severity.WARNING, Severity.ERROR) for f in findings)
    if nothing_readable(evidence):
        outcome = Outcome.UNREADABLE
    elif any(v.is_problem for v in verdicts) or serious or readiness.is_problem:
        outcome = Outcome.PROBLEM
    elif verdicts and verdicts[0].id is VerdictId.CANT_TELL:
        outcome = Outcome.CANT_TELL
    else:
        outcome = Outcome.OK
    diagnosis = Diagnosis(verdicts=verdicts, findings=findings, outcome=outcome,
                          knowledge_version=knowledge.version, readiness=readiness)
    if verdicts and verdicts[0].is_problem:
        diagnosis.headline = verdicts[0].headline
    elif diagnosis.primary_kind == "readiness" and outcome is Outcome.PROBLEM:
        diagnosis.headline = readiness.headline
    else:
        diagnosis.headline = OUTCOME_HEADLINES[outcome]
    return diagnosis
