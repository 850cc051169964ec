"""Rows and sentences the wizard's pages show, built from the evidence model. UI-agnostic so the
wording is tested without Qt; the GUI only lays these out. Nothing here judges the evidence: verdicts
come from core.diagnosis."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from core.diagnosis.model import (
    ConditionState,
    Diagnosis,
    EvidenceItem,
    Finding,
    NextStep,
    Verdict,
    VerdictId,
)
from core.diagnosis.wording import (
    CONFIDENCE_LABELS,
    SECTION_TITLES,
    SEVERITY_LABELS,
    VERDICT_LABELS,
    brief_verdict_reason,
    plural,
)
from core.dumps.bugchecks import format_code
from core.dumps.model import DumpInfo, DumpKind, IntegrityStatus
from core.events.model import Timeline, TimelineEntry
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef
from core.formatting import format_day, format_time
from core.readiness.engine import LABELS
from core.readiness.model import ReadinessId, ReadinessVerdict
from core.report.common import ref_text

# The drivers page shows the table `dumpdoctor drivers` prints; it is defined once, in core.report.
from core.report.driver_table import driver_table as driver_table

# the order the scan reports its steps in, with the words the progress page shows
SCAN_STEPS: tuple[tuple[str, str], ...] = (
    ("registry", "Registry (crash settings, storage services)"),
    ("dumps", "Crash dump files"),
    ("events", "System event log"),
    ("drivers", "Storage drivers"),  # after the log: which computer each file is from decides the drivers
)


@dataclass(frozen=True)
class DumpRow:
    time: str
    bugcheck: str  # "DRIVER_IRQL_NOT_LESS_OR_EQUAL (0x000000D1)"
    faulting_driver: str
    dump_type: str
    integrity: str
    path: str
    integrity_ok: bool


def dump_rows(dumps: list[DumpInfo]) -> list[DumpRow]:
    rows = []
    for d in dumps:
        if d.bugcheck is not None:
            bugcheck = f"{d.bugcheck.name} ({format_code(d.bugcheck.code)})"
        else:
            bugcheck = "not recorded" if d.kind is DumpKind.KERNEL else "application dump, not a system crash"
        integ = d.integrity
        rows.append(DumpRow(
            time=format_time(d.system_time),
            bugcheck=bugcheck,
            faulting_driver=d.faulting_driver or "not identified",
            dump_type=d.dump_type or "unknown",
            integrity=integ.message if integ else "not checked",
            path=d.path,
            integrity_ok=integ is None or integ.status is IntegrityStatus.COMPLETE,
        ))
    return rows


def timeline_statement(timeline: Timeline | None) -> str:
    """One sentence summing up unexpected restarts, for when there are no dump files to list."""
    if timeline is None:
        return "No System event log was read, so the crash history is unknown."
    restarts = timeline.unexpected_restarts()
    if not restarts:
        since = f" since {format_day(timeline.first_event)}" if timeline.first_event else ""
        return f"No unexpected restarts are recorded in the System event log{since}."
    since = format_day(restarts[0].time)
    head = f"{plural(len(restarts), 'unexpected restart')} since {since}"
    without = sum(1 for e in restarts if e.dump_written is False)
    with_dump = sum(1 for e in restarts if e.dump_written is True)
    unknown = len(restarts) - without - with_dump
    if without == len(restarts):
        tail = ("no dump file was written for it" if len(restarts) == 1
                else "no dump file was written for any of them")
    elif with_dump == len(restarts):
        tail = "a dump file was written each time"
    else:
        parts = []
        if with_dump:
            parts.append(f"a dump file was written for {with_dump}")
        if without:
            parts.append(f"none for {without}")
        if unknown:
            parts.append(f"unknown for {unknown}")
        tail = ", ".join(parts)
    return f"{head}; {tail}."


@dataclass(frozen=True)
class TimelineRow:
    time: str
    what: str
    events: str  # the records behind it, one per line


def event_ref_text(ref: EvidenceRef) -> str:
    """'System.xml #1026: Kernel-Power 41' — the file name and record, and which event; the row already
    shows the time, and the full path is in the reports' technical appendix."""
    location = re.split(r"[\\/]", ref.location)[-1]
    what = ref.detail.split(" at ", 1)[0].removeprefix("Microsoft-Windows-")
    return f"{location}: {what}" if what else location


def timeline_rows(timeline: Timeline | None, *, only_crashes: bool = True) -> list[TimelineRow]:
    if timeline is None:
        return []
    interesting = {"unexpected-restart", "bugcheck", "dump-error", "dump-event", "hardware-error"}
    entries: list[TimelineEntry] = [e for e in timeline.entries
                                    if not only_crashes or e.kind in interesting]
    return [TimelineRow(format_time(e.time), e.summary, "\n".join(event_ref_text(r) for r in e.events))
            for e in entries]


_SMALL_DUMP_TYPES = {"small", "triage", "minidump"}


def minidump_count(dumps: list[DumpInfo]) -> int:
    return sum(1 for d in dumps if d.kind is DumpKind.KERNEL and (d.dump_type or "") in _SMALL_DUMP_TYPES)


def hotfix_link(verdict: Verdict) -> str | None:
    """The article to offer for this verdict: a fix step's link, else the verdict's own."""
    for step in verdict.next_steps:
        if step.link and step.kind == "fix":
            return step.link
    return verdict.link


# --- the Diagnosis page: answer first, details after ------------------------------------------

CONDITION_WORDS: dict[ConditionState, tuple[str, str]] = {
    # (mark, word): the word carries the meaning; the mark only helps the eye
    ConditionState.YES: ("●", "Yes"),
    ConditionState.NO: ("○", "No"),
    ConditionState.UNKNOWN: ("?", "Not known"),
}


@dataclass(frozen=True)
class CheckRow:
    mark: str
    state: str  # "Yes" / "No" / "Not known"
    label: str  # what was checked
    text: str  # what the evidence says


def checklist(verdict: Verdict) -> list[CheckRow]:
    """'What Dump Doctor checked': each condition of the known issue and what the evidence says."""
    return [CheckRow(*CONDITION_WORDS[c.state], c.label, c.text) for c in verdict.conditions]


def evidence_line(item: EvidenceItem) -> str:
    mark = "✔" if item.supports else "✘ against:"
    where = f"  [{ref_text(item.ref)}]" if item.ref is not None else ""
    return f"{mark} {item.text}{where}"


def step_lines(steps: list[NextStep]) -> list[str]:
    lines = []
    for n, step in enumerate(steps, 1):
        parts = [f"{n}. {step.title}"]
        if step.detail:
            parts.append(f"    {step.detail}")
        if step.command:
            parts.append(f"    Type: {step.command}")
        if step.link:
            parts.append(f"    {step.link}")
        lines.append("\n".join(parts))
    return lines


def link_words(url: str) -> str:
    """A link as words that wrap: a long address cannot, and would be cut at the window's edge."""
    host = re.sub(r"^[a-z]+://", "", url).split("/", 1)[0]
    return f"the article on {host}" if host else url


def finding_line(f: Finding) -> str:
    return f"• {SEVERITY_LABELS.get(f.severity, str(f.severity))}: {f.headline}"


def readiness_lines(diagnosis: Diagnosis) -> list[str]:
    """The readiness verdict for the diagnosis page: the answer, then each check that is not met or not
    known (with its fix), then why each crash left no dump."""
    r = diagnosis.readiness
    if r is None:
        return []
    lines = [f"{LABELS[r.id]}: {r.headline}"]
    for c in r.checks:
        if c.applies and c.state is not ConditionState.YES:
            mark = "✗" if c.state is ConditionState.NO else "?"
            lines.append(f"{mark} {c.label}: {c.text}")
            lines += [f"    ➤ {s.title}" + (f" ({s.command})" if s.command else "") for s in c.next_steps]
    for lost in r.missing_dumps:
        lines.append(f"• {format_time(lost.time)}: {lost.text}")
    return lines


# --- one block per verdict, of either kind ------------------------------------------------------

READINESS_LOOK: dict[ReadinessId, VerdictId] = {
    # which icon and accent a readiness verdict borrows: the shape says problem / fine / unknown
    ReadinessId.NOT_READY: VerdictId.MATCHES,
    ReadinessId.DEGRADED: VerdictId.AT_RISK,
    ReadinessId.READY: VerdictId.NOT_THIS_ISSUE,
    ReadinessId.CANT_TELL: VerdictId.CANT_TELL,
}


@dataclass(frozen=True)
class VerdictView:
    """What the Diagnosis page shows for one verdict, known issue or readiness alike."""

    look: VerdictId  # icon and accent
    words: str  # "Matches this known issue", "Crash dump readiness: Not ready"
    headline: str
    context: str  # "Known issue: ..." / "Will the next crash leave a dump?"
    confidence: str
    checks: list[CheckRow]
    checks_note: str  # "8 other checks are met." when only the ones that matter are listed
    steps: list[NextStep]
    lost_dumps: list[str]  # why each crash left no dump (readiness)
    title: str  # names the verdict in the details when there are several
    explanation: str
    evidence: list[str]
    missing: list[str]
    brief: bool = False  # another article that does not apply (or can't be told yet): one line, small


def _known_issue_view(v: Verdict) -> VerdictView:
    if not v.prominent:
        return VerdictView(v.id, f"{SECTION_TITLES['other_issues']}: {VERDICT_LABELS.get(v.id, str(v.id))}",
                           f"{v.issue_title}. {brief_verdict_reason(v)}", "", "", [], "", [], [],
                           v.issue_title, v.explanation, [evidence_line(e) for e in v.evidence], [],
                           brief=True)
    level = CONFIDENCE_LABELS.get(str(v.confidence.level), str(v.confidence.level))
    return VerdictView(v.id, VERDICT_LABELS.get(v.id, str(v.id)), v.headline, f"Known issue: {v.issue_title}",
                       f"{level}: {v.confidence.why}", checklist(v), "", list(v.next_steps), [],
                       v.issue_title, v.explanation, [evidence_line(e) for e in v.evidence],
                       [f"• {m.message} {m.how_to_get}".rstrip() for m in v.missing])


def _readiness_view(r: ReadinessVerdict) -> VerdictView:
    applying = [c for c in r.checks if c.applies]
    shown = [c for c in applying if c.state is not ConditionState.YES]
    met = len(applying) - len(shown)
    note = (f"{plural(met, 'other check')} {'is' if met == 1 else 'are'} met." if shown and met
            else ("Every check is met." if applying and not shown else ""))
    steps = list(r.next_steps) or [s for c in shown for s in c.next_steps]
    evidence = [evidence_line(e) for c in applying for e in c.evidence]
    return VerdictView(READINESS_LOOK.get(r.id, VerdictId.CANT_TELL),
                       f"Crash dump readiness: {LABELS.get(r.id, str(r.id))}", r.headline,
                       "Will the next crash leave a dump?", "",
                       [CheckRow(*CONDITION_WORDS[c.state], c.label, c.text) for c in shown], note, steps,
                       [f"{format_time(x.time)}: {x.text}" for x in r.missing_dumps],
                       "Will the next crash leave a dump?", r.explanation, evidence,
                       [f"• {m.message} {m.how_to_get}".rstrip() for m in r.missing])


def verdict_views(diagnosis: Diagnosis) -> list[VerdictView]:
    """Every verdict as the page shows it, the primary one first (Diagnosis.all_verdicts)."""
    views = [_readiness_view(v) if isinstance(v, ReadinessVerdict) else _known_issue_view(v)
             for v in diagnosis.all_verdicts]
    if views and diagnosis.machines:
        # Files from several computers: that is said first, above the verdict of the computer it is from
        # (the most serious over them).
        notice = machines_notice(diagnosis)
        label = diagnosis.whose(diagnosis.all_verdicts[0]) or diagnosis.machines[0].label
        views[0] = replace(views[0], headline=f"{notice}\n\n{label}: {views[0].headline}")
    return views


@dataclass(frozen=True)
class MachineRow:
    """One computer when the files come from several: what the wizard lists before any verdict."""

    label: str
    verdict: str  # "Not this known issue"
    headline: str
    files: tuple[str, ...]


def machine_rows(diagnosis: Diagnosis) -> list[MachineRow]:
    rows = []
    for m in diagnosis.machines:
        identity = m.evidence.machine
        files = tuple(p.label for p in identity.pieces) if identity else ()
        rows.append(MachineRow(m.label, VERDICT_LABELS[m.diagnosis.verdict.id], m.diagnosis.headline, files))
    return rows


def machines_notice(diagnosis: Diagnosis) -> str | None:
    """Shown first when the files come from several computers: which, and each one's answer."""
    rows = machine_rows(diagnosis)
    if not rows:
        return None
    lines = [diagnosis.headline]
    lines += [f"\u2022 {r.label}: {r.verdict}. {r.headline}" for r in rows]
    return "\n".join(lines)


def verdict_headline(diagnosis: Diagnosis) -> str:
    """The diagnosis page's headline: the several-computers notice first when there is one."""
    notice = machines_notice(diagnosis)
    head = diagnosis.verdict.headline
    label = diagnosis.whose(diagnosis.verdict) or (diagnosis.machines[0].label if diagnosis.machines else "")
    return f"{notice}\n\n{label}: {head}" if notice else head


def select_machine(diagnosis: Diagnosis, evidence: Evidence, index: int) -> tuple[Diagnosis, Evidence]:
    """One computer's own diagnosis and evidence (the wizard can show any of them on its own)."""
    if not diagnosis.machines:
        return diagnosis, evidence
    chosen = diagnosis.machines[index]
    return chosen.diagnosis, chosen.evidence


def machine_choices(diagnosis: Diagnosis) -> list[str]:
    """The computer picker's entries: each computer with its own answer ("TESTPC — Not this known
    issue"); empty when the files come from one computer (no picker is shown)."""
    return [f"{r.label} \u2014 {r.verdict}" for r in machine_rows(diagnosis)]


def machine_picker_note(diagnosis: Diagnosis) -> str:
    """Said beside the picker, before any verdict: that the files come from several computers."""
    rows = machine_rows(diagnosis)
    if not rows:
        return ""
    return (f"These files come from {len(rows)} computers. Each is diagnosed on its own files only; "
            "choose which computer to show.")
