"""Evidence (+ the known-issue verdicts) → the dump readiness verdict.

ready      every applicable blocking and degrading check is met, and no essential one is unknown (the
           degrading / info checks that are unknown are named in the explanation)
not-ready  a blocking check is not met: the next crash will leave no dump
degraded   only degrading checks are not met: a dump will be written but may be deleted, delayed or
           less useful
cant-tell  nothing blocking failed, but an essential check is unknown: one whose being unknown could hide
           why no dump is written (resources/knowledge/readiness.json says which, and why)
"""

from __future__ import annotations

from core.diagnosis.facts import missing_evidence
from core.diagnosis.model import ConditionState, EvidenceItem, MissingEvidence, NextStep, Verdict
from core.diagnosis.wording import DUMP_TYPE_WORDS
from core.evidence import Evidence
from core.readiness.checks import Context, get_check
from core.readiness.knowledge import CheckSpec, ReadinessKnowledge, load_readiness
from core.readiness.model import ReadinessCheck, ReadinessId, ReadinessVerdict, Weight
from core.readiness.postmortem import explain_missing_dumps

HEADLINES = {
    ReadinessId.READY: "The next crash on this machine should leave a usable crash dump.",
    ReadinessId.NOT_READY: "The next crash on this machine will not leave a crash dump.",
    ReadinessId.DEGRADED: "The next crash should leave a dump, but it may be lost or delayed.",
    ReadinessId.CANT_TELL: "Dump Doctor can't tell yet whether the next crash will leave a dump.",
}
LABELS = {ReadinessId.READY: "Ready", ReadinessId.NOT_READY: "Not ready", ReadinessId.DEGRADED: "Degraded",
          ReadinessId.CANT_TELL: "Can't tell"}


def _evaluate(spec: CheckSpec, ctx: Context, knowledge: ReadinessKnowledge) -> ReadinessCheck:
    try:
        result = get_check(spec.predicate)(spec, ctx)
    except Exception as exc:  # one broken check must not hide the others; it stays "unknown"
        return ReadinessCheck(spec.id, spec.label, ConditionState.UNKNOWN,
                              f"This check could not be evaluated ({type(exc).__name__}); please report it.",
                              weight=spec.weight, essential=spec.essential,
                              sources=knowledge.docs(spec.sources), unconfirmed=spec.unconfirmed)
    steps = []
    if spec.fix is not None and result.applies and result.state is ConditionState.NO:
        first = next((s.link for s in knowledge.docs(spec.sources) if s.link), None)
        kind = "fix" if spec.weight is Weight.BLOCKING else "info"
        steps.append(NextStep(spec.fix.id, kind, spec.fix.title, spec.fix.detail, first, spec.fix.command))
    return ReadinessCheck(spec.id, spec.label, result.state, result.text, list(result.evidence),
                          weight=spec.weight, essential=spec.essential, applies=result.applies,
                          sources=knowledge.docs(spec.sources), unconfirmed=spec.unconfirmed,
                          next_steps=steps)


def assess_readiness(evidence: Evidence, known_issues: list[Verdict] | None = None,
                     knowledge: ReadinessKnowledge | None = None) -> ReadinessVerdict:
    knowledge = knowledge or load_readiness()
    ctx = Context(evidence, list(known_issues or []))
    checks = [_evaluate(spec, ctx, knowledge) for spec in knowledge.checks]
    applicable = [c for c in checks if c.applies]
    blocking = [c for c in applicable if c.weight is Weight.BLOCKING and c.state is ConditionState.NO]
    degrading = [c for c in applicable if c.weight is Weight.DEGRADING and c.state is ConditionState.NO]
    unknown_essential = [c for c in applicable if c.essential and c.state is ConditionState.UNKNOWN]
    if blocking:
        verdict_id, why = ReadinessId.NOT_READY, blocking
    elif unknown_essential:
        verdict_id, why = ReadinessId.CANT_TELL, unknown_essential
    elif degrading:
        verdict_id, why = ReadinessId.DEGRADED, degrading
    else:
        verdict_id, why = ReadinessId.READY, []
    unknown = [c for c in applicable if c.state is ConditionState.UNKNOWN]
    if verdict_id is ReadinessId.READY:
        # Only non-essential checks can be unknown here (none could hide a cause of no dump: see the
        # review note in readiness.json): name them, so "ready" never hides what was not looked at.
        explanation = "Every check that applies is met." if not unknown else (
            f"Every check that could stop the dump is met; {_count(unknown)} not known: {_labels(unknown)} "
            "(none of them is a cause that could stop the dump by itself).")
    else:
        explanation = " ".join(dict.fromkeys(c.text for c in why))  # several checks may share one reason
        if verdict_id is ReadinessId.CANT_TELL:
            explanation = f"Not known, and each could stop the dump: {_labels(why)}. {explanation}"
    steps: list[NextStep] = []
    for c in blocking + degrading:
        steps += [s for s in c.next_steps if s.id not in {x.id for x in steps}]
    wanted = ["system-hive"] if evidence.registry is None else []
    missing = missing_evidence(evidence, wanted) if wanted else []
    vf = evidence.volume_facts
    if vf is None or not (vf.volumes or vf.ram_bytes):
        missing.append(MissingEvidence("volumes", "Free space and the installed RAM were not in "
                                                  "this evidence.",
                                       "run the collector on that machine (it records them), or run Dump "
                                       "Doctor on the machine itself"))
    cc = evidence.registry.crash_control if evidence.registry else None
    dump_type = (DUMP_TYPE_WORDS.get(cc.crash_dump_enabled) if cc is not None
                 and "CrashDumpEnabled" not in cc.defaults_used else None)
    return ReadinessVerdict(
        id=verdict_id, headline=HEADLINES[verdict_id], explanation=explanation, checks=checks,
        next_steps=steps, missing=missing,
        missing_dumps=explain_missing_dumps(evidence, ctx.known_issues, checks, knowledge),
        dump_type=dump_type)


def _count(checks: list[ReadinessCheck]) -> str:
    return f"{len(checks)} check{'s' if len(checks) != 1 else ''} {'were' if len(checks) != 1 else 'was'}"


def _labels(checks: list[ReadinessCheck]) -> str:
    return "; ".join(c.label for c in checks)


def evidence_lines(verdict: ReadinessVerdict) -> list[EvidenceItem]:
    """Every evidence item behind the checks that decided the verdict (for reports)."""
    return [item for c in verdict.checks if c.applies and c.state is not ConditionState.YES
            for item in c.evidence]
