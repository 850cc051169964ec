"""Why each crash left no dump, in the order the evidence is strongest: a dump event of that boot
(volmgr 44-49, 161, 164: documented meanings), dumps turned off, the power button held or no Stop code
recorded (Kernel-Power 41, documented in the event 41 article), a known issue that matches, today's
page file too small for the dump type. "Not known" when none of these is in the evidence.
"""

from __future__ import annotations

from core.diagnosis.model import EvidenceItem, Verdict
from core.events.dump_events import lookup as dump_event
from core.events.model import NoDumpReason, TimelineEntry
from core.evidence import Evidence
from core.readiness.knowledge import ReadinessKnowledge
from core.readiness.model import MissingDumpExplanation, ReadinessCheck


def explain_missing_dumps(ev: Evidence, known_issues: list[Verdict], checks: list[ReadinessCheck],
                          knowledge: ReadinessKnowledge) -> list[MissingDumpExplanation]:
    if ev.timeline is None:
        return []
    lost = [e for e in ev.timeline.unexpected_restarts() if e.dump_written is False]
    return [_explain(e, ev, known_issues, checks, knowledge) for e in lost]


def _items(entry: TimelineEntry) -> list[EvidenceItem]:
    items = [EvidenceItem(entry.summary, ref) for ref in entry.events[:1]]
    # Newer Kernel-Power 41 versions record these; Microsoft documents no meaning for them, so they
    # are shown as recorded, never interpreted.
    # Booleans as the log writes them ("false"), not as Python prints them ("False").
    fields: tuple[tuple[str, object], ...] = (("BugcheckInfoFromEFI", entry.bugcheck_info_from_efi),
                                              ("CheckpointStatus", entry.checkpoint_status))
    recorded = [f"{name} = {str(value).lower() if isinstance(value, bool) else value}"
                for name, value in fields if value is not None]
    if recorded:
        items.append(EvidenceItem("Kernel-Power 41 also recorded " + ", ".join(recorded)
                                  + " (meaning not documented)", entry.events[0] if entry.events else None))
    return items


def _explain(entry: TimelineEntry, ev: Evidence, known_issues: list[Verdict], checks: list[ReadinessCheck],
             knowledge: ReadinessKnowledge) -> MissingDumpExplanation:
    def out(reason: str, text: str, sources: list[str], known: bool = True,
            extra: list[EvidenceItem] | None = None) -> MissingDumpExplanation:
        return MissingDumpExplanation(entry.time, reason, text, known, _items(entry) + (extra or []),
                                      knowledge.docs(sources))

    stack_logs = [EvidenceItem(f"{log.path}: {log.text[:300]}", log.ref)
                  for log in (ev.volume_facts.dump_stack_logs if ev.volume_facts else [])]
    if entry.no_dump_reason is NoDumpReason.VOLMGR_ERROR and entry.dump_event:
        number = int(entry.dump_event.rpartition("/")[2])
        info = dump_event("volmgr", number)
        text = f"Windows reported volmgr event {number}: " + (info.wording if info else "a dump error")
        if entry.dump_progress is not None:
            text += f" (BugCheckProgress {entry.dump_progress:#x})"
        sources = [info.source] if info and info.source else []
        return out(f"volmgr-{number}", text + ".", sources, extra=stack_logs if number == 161 else None)
    if entry.no_dump_reason is NoDumpReason.DUMP_DISABLED:
        return out("dump-disabled", "Crash dumps are turned off (CrashDumpEnabled = 0 in the settings read; "
                                    "whether they were off at the time of this crash is not "
                                    "recorded).", ["kb254649"])
    if entry.power_button_timestamp:
        return out("power-button", "The power button was held down (Kernel-Power 41 records a "
                                   "PowerButtonTimestamp): the machine was switched off, not stopped by an "
                                   "error, so no dump was expected.", ["event41"])
    problem = next((v for v in known_issues if v.is_problem), None)
    if problem is not None and entry.bugcheck_code:
        return out(f"known-issue:{problem.issue_id}", f"This crash matches the known issue: "
                   f"{problem.issue_title}.", ["known-issue"])
    for check_id in ("dump-enabled", "page-file", "dedicated-dump-file", "dump-stack", "dump-filters"):
        check = next((c for c in checks if c.id == check_id), None)
        if check is not None and check.failed:
            return out(f"setting:{check_id}", f"With the settings read now: {check.text} (the "
                                              f"settings at the "
                       "time of the crash are not recorded).", [s.id for s in check.sources],
                       extra=check.evidence[:3])
    if entry.bugcheck_code == 0 or (entry.bugcheck_code is None and entry.no_dump_reason is
                                    NoDumpReason.NOTHING_RECORDED):
        return out("no-stop-code", "No Stop code was recorded (Kernel-Power 41 BugcheckCode 0): "
                                   "power loss, a "
                                   "hang that was reset, or a crash too quick to record; a dump could not be "
                                   "written or was not attempted.", ["event41"], extra=stack_logs)
    return out("not-known", "Not known: the evidence holds no reason why this crash left no dump.", [],
               known=False, extra=stack_logs)
