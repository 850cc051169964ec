"""Evidence → Diagnosis: evaluate every known issue from the knowledge file, then the other findings,
then the one-word outcome that also sets the CLI exit code.

One rule holds for every known issue, whatever its predicate says (enforce_evidence): a verdict rests
on conditions, each met / not met / unknown with the evidence read; "not this issue" needs its deciding
condition to be NOT MET by evidence that was read, and "matches"/"at risk" need every condition they
rest on to be MET. Anything else becomes "can't tell", naming what is missing. No rule can fall
through to "no".

When the files come from several computers, each is diagnosed on its own evidence only, and the
diagnosis says so first.
"""

from __future__ import annotations

from dataclasses import replace

from core.diagnosis.facts import missing_evidence, nothing_readable
from core.diagnosis.findings import find_all
from core.diagnosis.knowledge import Knowledge, load_knowledge
from core.diagnosis.model import (
    ConditionState,
    ConfidenceInfo,
    Diagnosis,
    Finding,
    MachineDiagnosis,
    NextStep,
    Outcome,
    Verdict,
    VerdictId,
)
from core.diagnosis.rules import get_predicate
from core.diagnosis.wording import OUTCOME_HEADLINES, machines_notice
from core.drivers.model import Confidence
from core.evidence import Evidence
from core.evidence_ref import Severity

_RELEVANCE = {VerdictId.MATCHES: 0, VerdictId.AT_RISK: 1, VerdictId.CANT_TELL: 2, VerdictId.NOT_THIS_ISSUE: 3}

# Which evidence tells a condition, for a verdict the engine had to turn into "can't tell".
_CONDITION_EVIDENCE = {"os": "software-hive", "fixed-file": "drivers", "virtual-miniport": "system-hive",
                       "symptom": "event-log"}


def enforce_evidence(verdict: Verdict, ev: Evidence) -> Verdict:
    """The engine's rule over every predicate's verdict (see the module docstring)."""
    states = {c.id: c for c in verdict.conditions}
    resting = [states[i] for i in verdict.rests_on if i in states]
    if verdict.id is VerdictId.NOT_THIS_ISSUE:
        proven = bool(resting) and all(c.state is ConditionState.NO and c.evidence for c in resting)
    elif verdict.id in (VerdictId.MATCHES, VerdictId.AT_RISK):
        proven = bool(resting) and all(c.state is ConditionState.YES for c in resting)
    else:
        return verdict
    if proven:
        return verdict
    unknown = [c for c in verdict.conditions if c.state is ConditionState.UNKNOWN] or resting
    wanted = list(dict.fromkeys(_CONDITION_EVIDENCE.get(c.id, "system-hive") for c in unknown))
    missing = missing_evidence(ev, wanted)
    return replace(
        verdict, id=VerdictId.CANT_TELL, reason="missing-evidence",
        headline="Dump Doctor can't tell yet whether this is the known issue: some evidence is missing.",
        explanation=" ".join(c.text for c in unknown if c.text) or verdict.explanation,
        confidence=ConfidenceInfo(Confidence.LOW, "Some of the evidence needed is missing."),
        missing=missing, rests_on=[],
        next_steps=[NextStep(f"add-{m.what}", "evidence", m.message, m.how_to_get) for m in missing])


def _headline(outcome: Outcome, verdicts: list[Verdict], findings: list[Finding]) -> str:
    """What was found, not only that something was."""
    if verdicts and verdicts[0].is_problem:
        return verdicts[0].headline
    if outcome is Outcome.PROBLEM:
        serious = [f for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)]
        if serious:
            more = f" (and {len(serious) - 1} more finding{'s' if len(serious) > 2 else ''})" \
                if len(serious) > 1 else ""
            return serious[0].headline.rstrip(".") + more + "."
    return OUTCOME_HEADLINES[outcome]


def _diagnose_one(evidence: Evidence, knowledge: Knowledge) -> Diagnosis:
    verdicts = [enforce_evidence(get_predicate(issue.predicate)(issue, evidence), evidence)
                for issue in knowledge.issues]
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
    if evidence.machine is not None and evidence.machine.notes:
        findings.insert(0, _identity_finding(evidence))
    if diagnosis.primary_kind == "readiness" and outcome is Outcome.PROBLEM and not (
            verdicts and verdicts[0].is_problem):
        diagnosis.headline = readiness.headline
    else:
        diagnosis.headline = _headline(outcome, verdicts, findings)
    return diagnosis


_OUTCOME_ORDER = (Outcome.PROBLEM, Outcome.CANT_TELL, Outcome.UNREADABLE, Outcome.OK)


def diagnose(evidence: Evidence, knowledge: Knowledge | None = None) -> Diagnosis:
    knowledge = knowledge or load_knowledge()
    if len(evidence.machines) <= 1:
        return _diagnose_one(evidence, knowledge)
    per_machine = [MachineDiagnosis(ev.machine.label if ev.machine else f"computer {i + 1}",
                                    _diagnose_one(ev, knowledge), ev)
                   for i, ev in enumerate(evidence.machines)]
    first = per_machine[0].diagnosis
    outcomes = {m.diagnosis.outcome for m in per_machine}
    # The worst answer over the machines decides the exit code; UNREADABLE only when nothing was.
    outcome = next(o for o in _OUTCOME_ORDER if o in outcomes)
    if outcome is Outcome.UNREADABLE and Outcome.OK in outcomes:
        outcome = Outcome.OK
    notice = machines_notice([m.label for m in per_machine])
    mixed = _mixed_finding(evidence, per_machine, notice)
    return Diagnosis(verdicts=first.verdicts, findings=[mixed, *first.findings], outcome=outcome,
                     headline=notice, knowledge_version=knowledge.version, machines=per_machine,
                     readiness=first.readiness)


def _identity_finding(ev: Evidence) -> Finding:
    notes = ev.machine.notes if ev.machine else []
    return Finding("machine-identity", Severity.INFO,
                   "How Dump Doctor decided which computer these files come from.",
                   " ".join(notes), "; ".join(notes))


def _mixed_finding(ev: Evidence, machines: list[MachineDiagnosis], notice: str) -> Finding:
    from core.diagnosis.model import EvidenceItem

    items = []
    for m in machines:
        identity = m.evidence.machine
        for piece in identity.pieces if identity else []:
            shown = "; ".join(f"{c.value} ({c.source})" for c in piece.claims) or "no identity shown"
            items.append(EvidenceItem(f"{m.label}: {piece.label} — {shown}"))
        items += [EvidenceItem(f"{m.label}: {n}") for n in (identity.notes if identity else [])]
    verdicts = "; ".join(f"{m.label}: {m.diagnosis.verdict.id.value}" for m in machines)
    return Finding(
        "several-computers", Severity.INFO, notice,
        "People often send files from more than one computer. Dump Doctor compared the computer name, "
        "Windows build and architecture each file shows, and diagnoses each computer on its own files "
        "only: one computer's file never decides another computer's verdict.",
        verdicts, items)
