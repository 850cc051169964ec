"""What the diagnosis concludes: a verdict per known issue, other findings, and next steps.

Field names are the JSON report's keys (docs/report-schema.md); `Verdict.id` values are stable
because fleet scripts key on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from core.drivers.model import Confidence
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef, Severity

if TYPE_CHECKING:  # core.readiness.model builds on this module
    from core.readiness.model import ReadinessVerdict


class VerdictId(StrEnum):
    MATCHES = "matches"
    AT_RISK = "at-risk"
    NOT_THIS_ISSUE = "not-this-issue"
    CANT_TELL = "cant-tell"


class ConditionState(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class EvidenceItem:
    """One fact behind a conclusion, in plain words, and where it was read."""

    text: str
    ref: EvidenceRef | None = None
    supports: bool = True  # False: this fact speaks against the conclusion


@dataclass(frozen=True)
class ConfidenceInfo:
    level: Confidence
    why: str


@dataclass(frozen=True)
class NextStep:
    id: str  # stable: "install-hotfix", "install-sp2", "restart", "disable-hibernation", ...
    kind: str  # "fix" | "prerequisite" | "restart" | "interim" | "evidence" | "info"
    title: str
    detail: str = ""
    link: str | None = None
    command: str | None = None  # something to type, e.g. "powercfg -h off"


@dataclass(frozen=True)
class MissingEvidence:
    what: str  # stable id, as in core.evidence_ref.Missing ("system-hive", "event-log", ...)
    message: str
    how_to_get: str


@dataclass
class Condition:
    """One of a known issue's conditions and whether the evidence shows it."""

    id: str  # "os", "fixed-file", "virtual-miniport", "symptom"
    label: str
    state: ConditionState
    text: str
    evidence: list[EvidenceItem] = field(default_factory=list)
    # The missing-evidence id that would tell this condition when it is unknown ("event-log", "drivers",
    # ...; core.advice). None: the engine's table for the built-in condition ids decides.
    needs: str | None = None


@dataclass
class Verdict:
    issue_id: str  # the known issue this verdict is about
    issue_title: str
    id: VerdictId
    reason: str | None  # why not / why can't tell: stable ids such as "os-not-covered"
    headline: str
    explanation: str
    technical: str
    confidence: ConfidenceInfo
    conditions: list[Condition] = field(default_factory=list)
    evidence: list[EvidenceItem] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)
    missing: list[MissingEvidence] = field(default_factory=list)
    link: str | None = None
    # The conditions (Condition.id) this verdict rests on; the engine turns a verdict into "can't tell"
    # when one of them is unknown (core.diagnosis.engine.enforce_evidence).
    rests_on: list[str] = field(default_factory=list)
    # Set by the engine from the issue's data (resources/knowledge/known_issues.json `role`): the primary
    # issue's verdict is always shown first and decides the outcome; a secondary one only when it applies.
    # A verdict built outside the engine counts as primary (shown in full).
    primary: bool = True
    hibernation_triggers: bool = False  # hibernating can trigger the issue (known_issues.json)

    @property
    def is_problem(self) -> bool:
        return self.id in (VerdictId.MATCHES, VerdictId.AT_RISK)

    @property
    def prominent(self) -> bool:
        """Shown as a full block: the primary issue always, another article only when it applies (else
        it is listed in one line: what it is and why it does not, or cannot yet, apply)."""
        return self.primary or self.is_problem


@dataclass
class Finding:
    id: str  # stable: "dumps-disabled", "pagefile-too-small", "recent-bugchecks", ...
    severity: Severity
    headline: str
    explanation: str
    technical: str = ""
    evidence: list[EvidenceItem] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)


class Outcome(StrEnum):
    """The one-word answer that also decides the CLI exit code."""

    OK = "ok"  # exit 0
    PROBLEM = "problem"  # exit 1
    UNREADABLE = "unreadable"  # exit 3
    CANT_TELL = "cant-tell"  # exit 4


EXIT_CODES = {Outcome.OK: 0, Outcome.PROBLEM: 1, Outcome.UNREADABLE: 3, Outcome.CANT_TELL: 4}


@dataclass
class MachineDiagnosis:
    """One computer's diagnosis, when the files come from several (Diagnosis.machines)."""

    label: str  # "WKS-WIN732BITA", or "the computer that wrote x.dmp (Windows build 19041, x64)"
    diagnosis: Diagnosis
    evidence: Evidence


@dataclass
class Diagnosis:
    # One per known issue: the primary issue's first, then the other articles, those that apply first.
    verdicts: list[Verdict]
    findings: list[Finding] = field(default_factory=list)  # most severe first
    outcome: Outcome = Outcome.OK
    headline: str = ""
    knowledge_version: str = ""
    # One diagnosis per computer when the files come from several. The verdicts/findings above are then
    # the computer's with the most serious verdict, the readiness the most serious readiness (whichever
    # order the files came in: core.diagnosis.engine), with the "several computers" finding first.
    machines: list[MachineDiagnosis] = field(default_factory=list)
    readiness: ReadinessVerdict | None = None  # will the next crash leave a dump (core.readiness)

    @property
    def primary_kind(self) -> str:
        """Which verdict leads: a known issue that applies, else a machine not ready for dumps, else the
        primary known-issue verdict."""
        if any(v.is_problem for v in self.verdicts):
            return "known-issue"
        if self.readiness is not None and self.readiness.is_problem:
            return "readiness"
        return "known-issue"

    @property
    def prominent_verdicts(self) -> list[Verdict]:
        """The known-issue verdicts shown in full: the primary issue's, then other articles that apply."""
        return [v for v in self.verdicts if v.prominent]

    @property
    def brief_verdicts(self) -> list[Verdict]:
        """Other articles checked that do not apply or cannot be told yet: listed in one line each."""
        return [v for v in self.verdicts if not v.prominent]

    @property
    def all_verdicts(self) -> list[Verdict | ReadinessVerdict]:
        """Every verdict of both kinds in the order every front end shows them: the primary one first
        (readiness when the machine is not ready and no known issue applies), the known issues shown in
        full, the readiness verdict, then the other articles listed briefly."""
        out: list[Verdict | ReadinessVerdict] = list(self.prominent_verdicts)
        if self.readiness is not None:
            out.insert(0 if self.primary_kind == "readiness" else len(out), self.readiness)
        return out + list(self.brief_verdicts)

    @property
    def verdict(self) -> Verdict:
        """The primary known issue's verdict (the issue this tool exists for): JSON `verdict`."""
        return next((v for v in self.verdicts if v.primary), self.verdicts[0])

    def whose(self, verdict: Verdict | ReadinessVerdict) -> str | None:
        """With several computers: the label of the computer a top-level verdict is taken from."""
        return next((m.label for m in self.machines if verdict is m.diagnosis.readiness
                     or any(verdict is v for v in m.diagnosis.verdicts)), None)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]
