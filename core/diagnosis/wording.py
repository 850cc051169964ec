"""The one source of wording shared by the GUI, the text report and the HTML report.

Issue-specific sentences live with the issue in resources/knowledge/known_issues.json; this module holds
the words every report uses: verdict and severity labels, section titles, glossary, and the standard
"how to get it" advice for each kind of missing evidence.
"""

from __future__ import annotations

from core.diagnosis.model import ConditionState, Outcome, Verdict, VerdictId
from core.evidence_ref import Severity

VERDICT_LABELS: dict[VerdictId, str] = {
    VerdictId.MATCHES: "Matches this known issue",
    VerdictId.AT_RISK: "At risk of this known issue",
    VerdictId.NOT_THIS_ISSUE: "Not this known issue",
    VerdictId.CANT_TELL: "Can't tell yet",
}

SEVERITY_LABELS: dict[Severity, str] = {
    Severity.ERROR: "Problem",
    Severity.WARNING: "Warning",
    Severity.INFO: "Note",
}

CONFIDENCE_LABELS = {"high": "High confidence", "medium": "Medium confidence", "low": "Low confidence"}

OUTCOME_HEADLINES: dict[Outcome, str] = {
    Outcome.OK: "No problem found.",
    Outcome.PROBLEM: "A problem was found.",
    Outcome.UNREADABLE: "The evidence could not be read.",
    Outcome.CANT_TELL: "Dump Doctor can't tell yet: some evidence is missing.",
}

SECTION_TITLES = {
    "verdict": "Is this the known issue?",
    "other_verdict": "Another known issue:",
    "other_issues": "Other known issues checked",
    "next_steps": "What to do",
    "findings": "Other findings",
    "conditions": "What Dump Doctor checked",
    "missing": "Evidence that would help",
    "technical": "Technical details",
    "system": "System",
    "dumps": "Crash dump files",
    "drivers": "Storage drivers",
    "timeline": "Timeline of restarts and crashes",
    "problems": "Files that could not be read",
}

# Short explanations of words a non-expert may not know; shown beside the technical appendix.
GLOSSARY = {
    "crash dump": "a file Windows writes when it stops with an error, so the cause can be found later",
    "Stop error": "the blue screen: Windows stopped itself to prevent damage (also called a bugcheck)",
    "miniport": "the driver that talks to a disk controller; a virtual one serves a disk that is "
                "not a physical controller (for example an image-mounting or network disk driver)",
    "Storport": "the Windows framework most disk-controller drivers are built on",
    "page file": "a file Windows uses as extra memory; crash dumps are first written into it",
    "hibernation": "saving the memory to disk and powering off; it uses the same writing path as dumps",
    "GDR / LDR": "two servicing branches of Windows files; hotfixes usually ship on the LDR branch",
}

MISSING_MESSAGES = {
    "system-hive": "The SYSTEM registry (dump settings, drivers, devices) is not available.",
    "software-hive": "The Windows version (SOFTWARE registry, CurrentVersion) is not available.",
    "event-log": "The System event log is not available, so past crashes cannot be seen.",
    "drivers": "The storage driver files could not be inspected.",
    "dumps": "No crash dump files were available.",
    "admin": "Dump Doctor was not running as administrator.",
}

DUMP_TYPE_WORDS = {
    0: "none (crash dumps are turned off)",
    1: "complete memory dump",
    2: "kernel memory dump",
    3: "small memory dump (minidump)",
    7: "automatic memory dump",
}


def brief_verdict_text(v: Verdict) -> str:
    """One line for an article that is not shown in full (Verdict.prominent is false): which article,
    the answer, and why — the conditions that could not be read when it can't tell yet."""
    return f"{v.issue_title}: {VERDICT_LABELS[v.id]}. {brief_verdict_reason(v)}".strip()


def brief_verdict_reason(v: Verdict) -> str:
    """Why another article does not apply, or what would tell: the unknown conditions for "can't tell"."""
    if v.id is VerdictId.CANT_TELL:
        unknown = [f"{c.label}: {c.text}" for c in v.conditions if c.state is ConditionState.UNKNOWN]
        return " ".join(u if u.endswith(".") else u + "." for u in unknown) or v.explanation
    return v.explanation


def machines_notice(labels: list[str], unconfirmed: list[str] | None = None, *,
                    each: str = "Each is diagnosed on its own files.") -> str:
    """The first thing shown when the files come from several computers. `unconfirmed`: computers kept
    apart only because nothing confirmed they are the same as another (core.machines): "may come from"."""
    if unconfirmed:
        return (f"These files may come from {len(labels)} computers: {'; '.join(labels)}. Whether "
                f"{' and '.join(unconfirmed)} is the same computer as another could not be confirmed. {each}")
    return f"These files come from {len(labels)} computers: {'; '.join(labels)}. {each}"


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural_word or word + 's')}"
