"""The dump readiness verdict: will the next crash leave a usable dump, each check with its sources,
and why past crashes left none. Reuses the diagnosis model's Condition / EvidenceItem / NextStep so
reports render both kinds of verdict the same way. Field names are the JSON report's keys
(docs/report-schema.md); ReadinessId values and check ids are stable for fleet scripts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.diagnosis.model import Condition, ConditionState, EvidenceItem, MissingEvidence, NextStep


class ReadinessId(StrEnum):
    READY = "ready"  # exit 0
    NOT_READY = "not-ready"  # exit 1: the next crash will leave no dump
    DEGRADED = "degraded"  # exit 5: a dump will be written but may be lost, late or less useful
    CANT_TELL = "cant-tell"  # exit 4: an essential fact is not in the evidence


READINESS_EXIT_CODES = {ReadinessId.READY: 0, ReadinessId.NOT_READY: 1, ReadinessId.CANT_TELL: 4,
                        ReadinessId.DEGRADED: 5}


class Weight(StrEnum):
    BLOCKING = "blocking"  # "no" means no dump at all
    DEGRADING = "degrading"  # "no" means a dump that may be deleted, delayed or smaller
    INFO = "info"  # shown, never decides the verdict


@dataclass(frozen=True)
class SourceDoc:
    id: str
    title: str
    link: str | None = None


@dataclass
class ReadinessCheck(Condition):
    """One check: a Condition (id, label, state, text, evidence) plus what it weighs, whether it
    applies to this machine's settings at all, the documents it rests on and how to fix it."""

    weight: Weight = Weight.INFO
    essential: bool = False  # "unknown" here makes the verdict "can't tell"
    applies: bool = True  # False: not relevant with these settings (e.g. no dedicated dump file)
    sources: list[SourceDoc] = field(default_factory=list)
    unconfirmed: str = ""  # what the check relies on that no Microsoft source confirmed
    next_steps: list[NextStep] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.applies and self.state is ConditionState.NO


@dataclass
class MissingDumpExplanation:
    """Why one crash left no dump: a documented reason when the evidence holds one, else "not known"."""

    time: datetime
    reason: str  # stable id: "dump-disabled", "volmgr-45", "power-button", "page-file-too-small", ...
    text: str
    known: bool  # False: "not known" — the evidence does not say
    evidence: list[EvidenceItem] = field(default_factory=list)
    sources: list[SourceDoc] = field(default_factory=list)


@dataclass
class ReadinessVerdict:
    id: ReadinessId
    headline: str
    explanation: str
    kind: str = "readiness"  # beside the known-issue verdicts ("known-issue") in Diagnosis
    checks: list[ReadinessCheck] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)
    missing: list[MissingEvidence] = field(default_factory=list)
    missing_dumps: list[MissingDumpExplanation] = field(default_factory=list)
    dump_type: str | None = None  # "complete memory dump", ...

    @property
    def is_problem(self) -> bool:
        return self.id is ReadinessId.NOT_READY

    @property
    def exit_code(self) -> int:
        return READINESS_EXIT_CODES[self.id]

    def check(self, check_id: str) -> ReadinessCheck | None:
        return next((c for c in self.checks if c.id == check_id), None)
