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
from core.diagnosis.knowledge import Knowledge, KnownIssue, load_knowledge
from core.diagnosis.model import (
    Condition,
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
from core.readiness.model import ReadinessId, ReadinessVerdict

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
    elif verdict.missing or not verdict.conditions:
        return verdict
    else:
        # A predicate's own "can't tell" that did not say what would tell it: the engine names it from
        # the unknown conditions, so every "can't tell" says what to add.
        missing = missing_evidence(ev, _wanted(verdict, resting))
        return replace(verdict, missing=missing, next_steps=verdict.next_steps + [
            NextStep(f"add-{m.what}", "evidence", m.message, m.how_to_get) for m in missing])
    if proven:
        return verdict
    unknown = [c for c in verdict.conditions if c.state is ConditionState.UNKNOWN] or resting
    missing = missing_evidence(ev, _wanted(verdict, resting))
    return replace(
        verdict, id=VerdictId.CANT_TELL, reason="missing-evidence",
        headline="Dump Doctor can't tell yet whether this is the known issue: some evidence is missing.",
        explanation=" ".join(c.text for c in unknown if c.text) or verdict.explanation,
        confidence=ConfidenceInfo(Confidence.LOW, "Some of the evidence needed is missing."),
        missing=missing, rests_on=[],
        next_steps=[NextStep(f"add-{m.what}", "evidence", m.message, m.how_to_get) for m in missing])


def _wanted(verdict: Verdict, resting: list[Condition]) -> list[str]:
    """The missing-evidence ids that would tell the verdict's unknown conditions."""
    unknown = [c for c in verdict.conditions if c.state is ConditionState.UNKNOWN] or resting
    return list(dict.fromkeys(c.needs or _CONDITION_EVIDENCE.get(c.id, "system-hive") for c in unknown))


def _headline(outcome: Outcome, diagnosis: Diagnosis) -> str:
    """What was found, not only that something was: a known issue that applies (the primary one first),
    else a machine not ready for dumps, else the most serious finding."""
    applies = next((v for v in diagnosis.verdicts if v.is_problem), None)
    if applies is not None:
        return applies.headline
    readiness = diagnosis.readiness
    if readiness is not None and diagnosis.primary_kind == "readiness" and outcome is Outcome.PROBLEM:
        return readiness.headline
    if outcome is Outcome.PROBLEM:
        serious = [f for f in diagnosis.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
        if serious:
            more = f" (and {len(serious) - 1} more finding{'s' if len(serious) > 2 else ''})" \
                if len(serious) > 1 else ""
            return serious[0].headline.rstrip(".") + more + "."
    if outcome is Outcome.CANT_TELL and diagnosis.verdict.id is not VerdictId.CANT_TELL \
            and readiness is not None:
        return readiness.headline  # the known issue is settled; whether a dump would be left is not
    return OUTCOME_HEADLINES[outcome]


def evaluate_issues(evidence: Evidence, knowledge: Knowledge) -> list[Verdict]:
    """Every known issue's verdict, each through enforce_evidence: the primary issue's first, then the
    other articles, those that apply first (stable: the knowledge file's order breaks ties)."""
    verdicts = [_from_data(enforce_evidence(get_predicate(issue.predicate)(issue, evidence), evidence), issue)
                for issue in knowledge.issues]
    verdicts.sort(key=lambda v: (not v.primary, _RELEVANCE[v.id]))
    return verdicts


def _from_data(verdict: Verdict, issue: KnownIssue) -> Verdict:
    """What the issue's data says about every verdict, so a predicate need not: its role, whether
    hibernation triggers it, and — when it applies and the predicate named no step — the next steps
    written in the knowledge file."""
    steps = verdict.next_steps
    if verdict.is_problem and not steps:
        steps = [NextStep(f"{issue.id}-{key}", str(step.get("kind", "info")), step["title"],
                          step.get("detail", ""), step.get("link", issue.link), step.get("command"))
                 for key, step in issue.next_steps.items()]
    return replace(verdict, primary=issue.primary, hibernation_triggers=issue.hibernation_triggers,
                   next_steps=steps)


def decide_outcome(evidence: Evidence, verdicts: list[Verdict], findings: list[Finding],
                   readiness: ReadinessVerdict) -> Outcome:
    """The one-word answer (and exit code). It comes from the primary known issue's verdict, the
    readiness verdict and warning findings; another article counts only when it applies — one that
    cannot be told yet (a guidance article without its symptom's log, say) never turns the answer into
    "can't tell", while the primary issue's "can't tell" always does (unknown stays unknown)."""
    serious = any(f.severity in (Severity.WARNING, Severity.ERROR) for f in findings)
    primary = next((v for v in verdicts if v.primary), verdicts[0] if verdicts else None)
    if nothing_readable(evidence):
        return Outcome.UNREADABLE
    if any(v.is_problem for v in verdicts) or serious or readiness.is_problem:
        return Outcome.PROBLEM
    if (primary is not None and primary.id is VerdictId.CANT_TELL) or readiness.id is ReadinessId.CANT_TELL:
        return Outcome.CANT_TELL
    return Outcome.OK


def _diagnose_one(evidence: Evidence, knowledge: Knowledge) -> Diagnosis:
    verdicts = evaluate_issues(evidence, knowledge)
    findings = find_all(evidence, verdicts)
    # Imported here: core.readiness builds on this package (its checks read core.diagnosis.facts).
    from core.readiness.engine import assess_readiness

    readiness = assess_readiness(evidence, verdicts)
    outcome = decide_outcome(evidence, verdicts, findings, readiness)
    diagnosis = Diagnosis(verdicts=verdicts, findings=findings, outcome=outcome,
                          knowledge_version=knowledge.version, readiness=readiness)
    if evidence.machine is not None and evidence.machine.notes:
        findings.insert(0, _identity_finding(evidence))
    diagnosis.headline = _headline(outcome, diagnosis)
    return diagnosis


_OUTCOME_ORDER = (Outcome.PROBLEM, Outcome.CANT_TELL, Outcome.UNREADABLE, Outcome.OK)
# With several computers the whole's verdict and readiness are the most serious over the computers, in
# these orders (most serious first); ties go to the computer whose label sorts first. Nothing depends on
# the order the files were given in (docs/report-schema.md).
VERDICT_SERIOUSNESS = (VerdictId.MATCHES, VerdictId.AT_RISK, VerdictId.CANT_TELL, VerdictId.NOT_THIS_ISSUE)
READINESS_SERIOUSNESS = (ReadinessId.NOT_READY, ReadinessId.CANT_TELL, ReadinessId.DEGRADED,
                         ReadinessId.READY)


def most_serious_verdict(machines: list[MachineDiagnosis]) -> MachineDiagnosis:
    """The computer whose primary verdict is the most serious (file order plays no part)."""
    return min(machines, key=lambda m: (VERDICT_SERIOUSNESS.index(m.diagnosis.verdict.id), _order(m)))


def most_serious_readiness(machines: list[MachineDiagnosis]) -> MachineDiagnosis | None:
    rated = [(m, m.diagnosis.readiness) for m in machines if m.diagnosis.readiness is not None]
    chosen = min(rated, key=lambda pair: (READINESS_SERIOUSNESS.index(pair[1].id), _order(pair[0])),
                 default=None)
    return chosen[0] if chosen is not None else None


def _order(m: MachineDiagnosis) -> tuple[str, list[str]]:
    """A tie-break that is the same whatever order the files came in: the label, then the files."""
    pieces = m.evidence.machine.pieces if m.evidence.machine is not None else []
    return m.label.casefold(), sorted(p.label for p in pieces)


def diagnose(evidence: Evidence, knowledge: Knowledge | None = None) -> Diagnosis:
    knowledge = knowledge or load_knowledge()
    if len(evidence.machines) <= 1:
        return _diagnose_one(evidence, knowledge)
    per_machine = [MachineDiagnosis(ev.machine.label if ev.machine else f"computer {i + 1}",
                                    _diagnose_one(ev, knowledge), ev)
                   for i, ev in enumerate(evidence.machines)]
    outcomes = {m.diagnosis.outcome for m in per_machine}
    # The worst answer over the machines decides the exit code; UNREADABLE only when nothing was. Each
    # machine's outcome follows its own verdict and readiness, so this is the same rule as the verdict's.
    outcome = next(o for o in _OUTCOME_ORDER if o in outcomes)
    if outcome is Outcome.UNREADABLE and Outcome.OK in outcomes:
        outcome = Outcome.OK
    unconfirmed = [m.label for m in per_machine if m.evidence.machine and m.evidence.machine.unconfirmed]
    notice = machines_notice([m.label for m in per_machine], unconfirmed)
    mixed = _mixed_finding(evidence, per_machine, notice)
    worst = most_serious_verdict(per_machine)
    ready = most_serious_readiness(per_machine)
    return Diagnosis(verdicts=worst.diagnosis.verdicts, findings=[mixed, *worst.diagnosis.findings],
                     outcome=outcome, headline=notice, knowledge_version=knowledge.version,
                     machines=per_machine, readiness=ready.diagnosis.readiness if ready else None)


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
