"""The known issue this tool exists for: Stop 0xD1 and no dump when Diskdump.sys/Crashdmp.sys write
through a virtual Storport miniport (FACTS §1, §2, §6).

Four conditions are weighed: an OS build the article covers, Diskdump.sys not at the fixed version,
a virtual Storport miniport in the dump path, and the symptom (0xD1 or a restart during hibernation
with no dump written). A definite "no" on any of the first three rules the issue out; a written dump
contradicts the signature; missing evidence gives "can't tell" with what to add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.diagnosis.facts import missing_evidence, os_build, stop_label, version_contradictions
from core.diagnosis.knowledge import BuildCoverage, KnownIssue
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
from core.diagnosis.wording import plural
from core.drivers.kind_words import KIND_WORDS
from core.drivers.model import Confidence, DriverKind, FixState, StorageDriver, StorageReport
from core.dumps.bugchecks import format_code
from core.events.model import NoDumpReason, TimelineEntry, TimelineKind
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef
from core.formatting import format_time

YES, NO, UNKNOWN = ConditionState.YES, ConditionState.NO, ConditionState.UNKNOWN


@dataclass
class Check:
    condition: Condition
    reason: str | None = None  # set when state is NO
    missing: list[str] = field(default_factory=list)  # Missing ids when state is UNKNOWN
    confidence: Confidence = Confidence.HIGH


def _check_os(issue: KnownIssue, ev: Evidence) -> tuple[Check, BuildCoverage | None]:
    label = "Windows version covered by the article"
    found = os_build(ev)
    if found is None:
        cond = Condition("os", label, UNKNOWN, "The Windows version is not known: no SOFTWARE hive, "
                         "boot event, crash dump header or Diskdump.sys said which Windows this is.")
        return Check(cond, missing=["software-hive"]), None
    cov = issue.coverage(found.build)
    items = [found.item, *version_contradictions(ev)]
    if cov is None:
        cond = Condition("os", label, NO, f"{found.text} is not covered by the article.", items)
        return Check(cond, reason="os-not-covered"), None
    if cov.coverage == "cannot-hit":
        return Check(Condition("os", label, NO, issue.reason_text("os-cannot-hit"), items),
                     reason="os-cannot-hit"), cov
    if cov.coverage == "unknown":
        return Check(Condition("os", label, NO, issue.reason_text("os-fix-status-unknown"), items),
                     reason="os-fix-status-unknown", confidence=Confidence.MEDIUM), cov
    text = f"{found.text}: {cov.os} is covered by the article."
    if cov.coverage == "needs-prerequisite":
        text = f"{found.text}: {cov.os} can hit this defect; the hotfix needs Service Pack 2 first."
    if cov.note:
        text += f" {cov.note}"
    return Check(Condition("os", label, YES, text, items)), cov


def _check_fixed_file(issue: KnownIssue, ev: Evidence, cov: BuildCoverage | None,
                      os_state: ConditionState) -> Check:
    label = "Diskdump.sys not yet fixed"
    fix = ev.storage.diskdump if ev.storage else None
    if fix is None:
        return Check(Condition("fixed-file", label, UNKNOWN, "Diskdump.sys was not inspected."),
                     missing=["drivers"])
    item = EvidenceItem(f"Diskdump.sys version {fix.version or 'unknown'}"
                        + (f" ({fix.branch} branch)" if fix.branch else "") + f": {fix.message}", fix.ref)
    if fix.state is FixState.FIXED:
        return Check(Condition("fixed-file", label, NO, issue.reason_text("already-fixed"), [item]),
                     reason="already-fixed")
    if fix.state is FixState.NOT_FIXED:
        return Check(Condition("fixed-file", label, YES, fix.message, [item]))
    if fix.state is FixState.NOT_COVERED and cov is not None and cov.coverage == "needs-prerequisite":
        # No fixed file exists for this service pack: it is unfixed by definition. The file's own
        # message ("this build is not covered") would contradict the covered OS beside it.
        item = EvidenceItem(f"Diskdump.sys version {fix.version or 'unknown'}: no fixed Diskdump.sys "
                            "exists for this service pack (the fix needs Service Pack 2 first)", fix.ref)
        return Check(Condition("fixed-file", label, YES,
                               "No fixed Diskdump.sys exists for this service pack.", [item]))
    if fix.state is FixState.NOT_COVERED and os_state is NO:
        # The OS check already decides; the file adds nothing either way.
        return Check(Condition("fixed-file", label, NO, fix.message, [item]), reason="os-not-covered")
    return Check(Condition("fixed-file", label, UNKNOWN, fix.message, [item]), missing=["drivers"])


# Classification reasons read from the driver file itself (the rest come from its service and devices).
_READ_FROM_FILE = re.compile(r"import|PE header|code scan|version|company|signed|signature|description|"
                             r"StorPortInitialize|file offset", re.IGNORECASE)


def _driver_items(d: StorageDriver, issue: KnownIssue) -> list[EvidenceItem]:
    # What the file itself says (imports, version, code scan) cites the .sys file; what the registry
    # says (service, devices) cites the service key.
    key = next((r for r in d.refs if r.kind == "registry"), None)
    pe = next((r for r in d.refs if r.kind == "file"), None)
    if pe is None and d.file_path:
        pe = EvidenceRef("file", d.file_path)
    items = [EvidenceItem(f"{d.file_name} ({d.service}): {KIND_WORDS.get(d.kind, 'unknown kind')} "
                          f"({d.confidence.value} confidence)", pe or key)]
    from_file = pe if pe is not None and d.pe is not None else key
    items += [EvidenceItem(reason, from_file if _READ_FROM_FILE.search(reason) else key)
              for reason in d.reasons]
    if d.error or d.file_path is None:
        items.append(EvidenceItem(f"{d.file_name}: {d.error or 'file not found'}", key))
    product = issue.known_virtual_miniports.get(d.file_name.lower())
    if product:
        items.append(EvidenceItem(f"{d.file_name} is a known virtual Storport miniport ({product})",
                                  pe or key))
    items += [EvidenceItem(f"Device {dev} uses {d.service}", key) for dev in d.devices[:3]]
    return items


def _check_miniport(issue: KnownIssue, ev: Evidence) -> Check:
    label = "Virtual Storport miniport in the dump path"
    storage = ev.storage
    if storage is None or (not storage.drivers and storage.boot_miniport is None):
        wanted = ["system-hive"] if ev.registry is None else ["drivers"]
        return Check(Condition("virtual-miniport", label, UNKNOWN,
                               "The disk controller drivers were not inspected."), missing=wanted)
    if ev.registry is None and (storage.boot_miniport is None or not storage.boot_miniport.service):
        # Driver files given without any registry (#13): each is classified, but which one serves the
        # boot disk only the SYSTEM hive (or a crash dump's driver list) can tell.
        return Check(Condition("virtual-miniport", label, UNKNOWN,
                               "Driver files were classified, but without the SYSTEM registry hive which one "
                               "serves the boot disk is unknown."), missing=["system-hive"])
    boot = storage.boot_miniport
    boot_name = boot.service.casefold() if boot and boot.service else None
    virtual = [d for d in storage.drivers if d.kind is DriverKind.STORPORT_VIRTUAL]
    # A boot miniport read from the dump stack itself (high confidence) settles which one is in the
    # path; otherwise any virtual miniport in use may be.
    settled = boot is not None and boot.service is not None and boot.confidence is Confidence.HIGH
    in_path = [d for d in virtual if d.service.casefold() == boot_name or (d.in_use and not settled)]
    if in_path:
        d = in_path[0]
        items = _driver_items(d, issue)
        if boot and boot.service:
            items.append(EvidenceItem(f"Dumps are written through {boot.service}: {boot.how}",
                                      _boot_ref(ev, storage)))
        level = d.confidence
        serves = boot is not None and boot_name == d.service.casefold()
        if boot is None or boot.confidence is Confidence.LOW or not serves:
            level = Confidence.LOW
        elif boot.confidence is Confidence.MEDIUM and level is Confidence.HIGH:
            level = Confidence.MEDIUM
        if serves:
            text = f"{d.file_name} is a virtual Storport miniport and serves the boot disk."
        else:
            others = ", ".join(boot.candidates) if boot and boot.candidates else "not determined"
            text = (f"{d.file_name} is a virtual Storport miniport in use; it may serve the boot disk "
                    f"(the boot disk's driver is one of: {others}).")
        return Check(Condition("virtual-miniport", label, YES, text, items), confidence=level)
    unknown_boot = [d for d in storage.drivers
                    if d.kind is DriverKind.UNKNOWN and (d.in_use or d.service.casefold() == boot_name)]
    if unknown_boot:
        d = unknown_boot[0]
        return Check(Condition("virtual-miniport", label, UNKNOWN,
                               f"{d.file_name} may serve the boot disk but could not be inspected"
                               + (f": {d.error}" if d.error else "."), _driver_items(d, issue)),
                     missing=["drivers"])
    unread = [p for p in ("control-set", "services", "enum") if ev.registry and p in ev.registry.unreadable]
    if unread:
        # A virtual driver may sit in the part that could not be read: absence proves nothing.
        return Check(Condition("virtual-miniport", label, UNKNOWN,
                               "Part of the SYSTEM hive could not be read ("
                               + ", ".join(_UNREAD_WORDS[p] for p in unread)
                               + "), so a virtual disk driver there cannot be ruled out."),
                     missing=["system-hive"])
    candidates = [d for d in storage.drivers if d.in_use and d.kind is not DriverKind.DUMP_STACK]
    if boot is None or (boot.service is None and not candidates):
        return Check(Condition("virtual-miniport", label, UNKNOWN,
                               "Dump Doctor could not tell which driver serves the disk that dumps are "
                               "written to" + (f": {boot.how}." if boot else ".")),
                     missing=["dumps"])
    items = []
    if boot.service:
        bd = storage.driver(boot.service)
        kind = KIND_WORDS.get(bd.kind, "unknown kind") if bd else "unknown kind"
        items.append(EvidenceItem(f"Dumps are written through {boot.service} ({kind}): {boot.how}",
                                  _boot_ref(ev, storage)))
    else:
        names = ", ".join(boot.candidates)
        items.append(EvidenceItem(f"The boot disk's driver is one of {names}: {boot.how}"))
    for d in candidates:
        items += _driver_items(d, issue)[:1]
    for d in virtual:
        items.append(EvidenceItem(f"{d.file_name} is a virtual miniport but does not serve the boot disk",
                                  d.refs[0] if d.refs else None))
    level = Confidence.HIGH if boot.confidence is Confidence.HIGH else boot.confidence
    text = issue.reason_text("no-virtual-miniport")
    if boot.service is None:
        text = (f"None of the drivers that may serve the boot disk ({', '.join(boot.candidates)}) is a "
                "virtual storage driver.")
    return Check(Condition("virtual-miniport", label, NO, text, items),
                 reason="no-virtual-miniport", confidence=level)


def _boot_ref(ev: Evidence, storage: StorageReport) -> EvidenceRef | None:
    """Where the boot miniport was read: the crash dump whose driver list holds the dump stack, or the
    boot miniport's service key."""
    boot = storage.boot_miniport
    if boot is not None and "crash dump" in boot.how:
        dump = next((d for d in ev.dumps if d.dump_stack), None)
        if dump is not None:
            return EvidenceRef("dump", dump.path, "loaded driver list (dump_*.sys)")
    driver = storage.driver(boot.service) if boot is not None and boot.service else None
    return next((r for r in driver.refs if r.kind == "registry"), None) if driver else None


_UNREAD_WORDS = {"control-set": "the current control set", "services": "Services", "enum": "Enum"}


@dataclass
class Symptom:
    check: Check
    signature: list[TimelineEntry] = field(default_factory=list)
    coded: bool = False  # at least one signature entry recorded Stop 0xD1 itself
    other_codes: list[int] = field(default_factory=list)
    dump_written: list[EvidenceItem] = field(default_factory=list)
    inconclusive: list[EvidenceItem] = field(default_factory=list)
    other: list[EvidenceItem] = field(default_factory=list)  # crashes with another Stop code


def _entry_item(e: TimelineEntry, text: str) -> EvidenceItem:
    return EvidenceItem(f"{format_time(e.time)}: {text}", e.events[0] if e.events else None)


def _check_symptom(issue: KnownIssue, ev: Evidence) -> Symptom:
    label = "Crash with Stop 0xD1 and no dump written"
    code = issue.bugcheck_code
    cc = ev.registry.crash_control if ev.registry else None
    dumps_off = cc is not None and cc.crash_dump_enabled == 0
    result = Symptom(Check(Condition("symptom", label, UNKNOWN, "")))
    for dump in ev.dumps:
        if dump.bugcheck is not None and dump.kind.value == "kernel":
            result.dump_written.append(EvidenceItem(
                f"A crash dump was written: {dump.path} (Stop {format_code(dump.bugcheck.code)})",
                EvidenceRef("dump", dump.path, "dump header")))
    timeline = ev.timeline
    if timeline is not None:
        for e in timeline.entries:
            hibernating = bool(e.sleep_in_progress or e.during_hibernate)
            if e.kind is TimelineKind.BUGCHECK and e.dump_written is not False:
                result.dump_written.append(_entry_item(
                    e, f"Windows reported a dump was saved{f' in {e.dump_path}' if e.dump_path else ''}"))
                continue
            if e.kind is not TimelineKind.UNEXPECTED_RESTART:
                continue
            if e.dump_written:
                result.dump_written.append(_entry_item(e, "unexpected restart; a dump was written"))
                continue
            # With dumps turned off nothing goes through the dump path unless the machine hibernated.
            dump_path_used = hibernating or not (dumps_off or e.no_dump_reason is NoDumpReason.DUMP_DISABLED)
            if e.bugcheck_code == code and dump_path_used:
                result.signature.append(e)
                result.coded = True
            elif e.bugcheck_code == code:
                result.inconclusive.append(_entry_item(
                    e, f"Stop {format_code(e.bugcheck_code or 0)} while crash dumps were turned off: the "
                    "dump writer was not used, so this crash is not the issue's signature"))
            elif not e.bugcheck_code and hibernating and e.dump_written is False:
                result.signature.append(e)
            elif e.bugcheck_code:
                result.other_codes.append(e.bugcheck_code)
                result.other.append(_entry_item(e, f"Stop {stop_label(e.bugcheck_code)}"))
    cond = result.check.condition
    if result.signature:
        cond.state = YES
        for e in result.signature[:5]:
            what = (f"Stop {format_code(e.bugcheck_code)}" if e.bugcheck_code
                    else "unexpected restart with no Stop code recorded")
            during = " while going into hibernation" if e.sleep_in_progress or e.during_hibernate else ""
            cond.evidence.append(_entry_item(e, f"{what}{during}; no dump was written"))
        cond.text = (f"{plural(len(result.signature), 'restart')} with the issue's signature "
                     "(Stop 0xD1 or a restart during hibernation, no dump written).")
        if not result.coded:
            result.check.confidence = Confidence.MEDIUM
        return result
    if result.dump_written:
        cond.state = NO
        cond.text = issue.reason_text("dump-written")
        cond.evidence += result.dump_written[:5]
        result.check.reason = "dump-written"
        result.check.confidence = Confidence.MEDIUM
        return result
    if result.other_codes:
        cond.state = NO
        names = sorted({stop_label(c) for c in result.other_codes})
        cond.text = issue.reason_text("other-cause") + " Recorded: " + ", ".join(names) + "."
        result.check.reason = "other-cause"
        cond.evidence += result.other[:5]
        result.check.confidence = Confidence.MEDIUM
        return result
    if timeline is None:
        cond.text = "The System event log was not available, so past crashes cannot be seen."
        result.check.missing = ["event-log"]
        return result
    if timeline.unreadable_records:  # the lost records may hold the crash: "no" only from a whole log
        cond.text = (f"No crash with this signature is among the records read, but "
                     f"{plural(timeline.unreadable_records, 'record')} of the System log could not be "
                     "read and may hold one.")
        cond.evidence += result.inconclusive[:5]
        return result
    cond.state = NO
    cond.text = "No crash with this signature is recorded in the event log."
    cond.evidence += result.inconclusive[:5]
    result.check.reason = "no-crash-seen"
    return result


def _hotfix_detail(template: str, fixed_version: str | None, after_sp2: bool) -> str:
    if fixed_version is None:
        return template.replace(" ({fixed_version} or later on this build)", "")
    text = template.format(fixed_version=fixed_version)
    if after_sp2:
        text = text.replace("or later on this build", "or later, after Service Pack 2 is installed")
    return text


def _next_steps(issue: KnownIssue, ev: Evidence, cov: BuildCoverage | None, verdict: VerdictId,
                symptom: Symptom) -> list[NextStep]:
    steps = issue.next_steps
    fixed_version = cov.fixed_version if cov and cov.fixed_version else None
    if fixed_version is None and cov is not None and cov.prerequisite == "sp2":
        # Vista SP1 / 2008 RTM: the fixed file exists only for SP2, so name that one.
        sp2 = next((c for c in issue.builds.values() if c.coverage == "covered" and c.fixed_version), None)
        fixed_version = sp2.fixed_version if sp2 else None
    out: list[NextStep] = []
    if verdict is VerdictId.AT_RISK:
        s = steps["at-risk-wait"]
        out.append(NextStep("apply-only-if-affected", "info", s["title"], s["detail"], issue.link))
    if cov is not None and cov.prerequisite == "sp2":
        s = steps["prerequisite-sp2"]
        out.append(NextStep("install-sp2", "prerequisite", s["title"], s["detail"]))
    s = steps["hotfix"]
    out.append(NextStep("install-hotfix", "fix", s["title"],
                        _hotfix_detail(s["detail"], fixed_version,
                                       cov is not None and cov.prerequisite == "sp2")
                        + f" Article: \u201c{issue.title}\u201d",
                        issue.link))
    s = steps["restart"]
    out.append(NextStep("restart", "restart", s["title"], s["detail"]))
    hib = ev.registry.hibernation if ev.registry else None
    hibernate_involved = any(e.sleep_in_progress or e.during_hibernate for e in symptom.signature)
    if hibernate_involved or (hib is not None and hib.enabled):
        s = steps["disable-hibernation"]
        out.append(NextStep("disable-hibernation", "interim", s["title"], s["detail"],
                            command=s.get("command")))
    s = steps["dump-type-wont-help"]
    out.append(NextStep("dump-type-wont-help", "interim", s["title"], s["detail"]))
    return out


def _not_this_issue_steps(ev: Evidence, symptom: Symptom) -> list[NextStep]:
    """A "no" still says what to do: fetch the dump that WAS written, and look at the other findings."""
    out: list[NextStep] = []
    timeline = ev.timeline
    written = [e for e in (timeline.entries if timeline else [])
               if (e.kind is TimelineKind.BUGCHECK and e.dump_written is not False)
               or (e.kind is TimelineKind.UNEXPECTED_RESTART and e.dump_written)]
    if written and not ev.dumps:
        newest = written[-1]
        where = newest.dump_path or r"C:\Windows\MEMORY.DMP or C:\Windows\Minidump"
        out.append(NextStep("collect-written-dump", "evidence",
                            f"A crash dump was written at {newest.time:%Y-%m-%d %H:%M} UTC: collect {where}",
                            "Copy the file from that computer and open it with Dump Doctor (or give it to "
                            "whoever analyses the crash): it names the Stop code and the driver involved."))
    elif ev.dumps:
        out.append(NextStep("read-dump", "info", f"Read the crash dump {ev.dumps[0].path}",
                            "Its Stop code and the driver named with it (below, under other findings) say "
                            "what caused the crash.", command=f'dumpdoctor dump "{ev.dumps[0].path}"'))
    out.append(NextStep("see-other-findings", "info", "Look at the other findings below",
                        "They say what else explains the crashes or a missing dump on this computer."))
    return out


def _confidence(verdict: VerdictId, checks: list[Check], deciding: Check | None,
                symptom: Symptom) -> ConfidenceInfo:
    if verdict is VerdictId.CANT_TELL:
        return ConfidenceInfo(Confidence.LOW, "Some of the evidence needed is missing.")
    if verdict is VerdictId.NOT_THIS_ISSUE and deciding is not None:
        if deciding.reason == "os-fix-status-unknown" and symptom.signature:
            return ConfidenceInfo(Confidence.LOW, "The crashes look like this issue, but the article does "
                                  "not cover this Windows version and its fix status is unknown.")
        why = {Confidence.HIGH: "A condition of the issue is clearly not met.",
               Confidence.MEDIUM: "The deciding evidence is indirect.",
               Confidence.LOW: "The deciding evidence is weak."}[deciding.confidence]
        return ConfidenceInfo(deciding.confidence, why)
    levels = [c.confidence for c in checks]
    if Confidence.LOW in levels:
        level = Confidence.LOW
    elif Confidence.MEDIUM in levels:
        level = Confidence.MEDIUM
    else:
        level = Confidence.HIGH
    reasons = []
    if symptom.signature and not symptom.coded:
        reasons.append("the crash recorded no Stop code, only a restart during hibernation")
    if any(c.condition.id == "virtual-miniport" and c.confidence is not Confidence.HIGH for c in checks):
        reasons.append("the virtual-driver classification is not certain")
    if verdict is VerdictId.AT_RISK and symptom.check.missing:
        level = Confidence.LOW
        reasons.append("without the event log Dump Doctor cannot see whether it already happened")
    if not reasons:
        return ConfidenceInfo(level, "Every condition of the issue is shown directly by the evidence.")
    return ConfidenceInfo(level, "; ".join(reasons).capitalize() + ".")


@predicate("virtual_storport_dump_failure")
def evaluate(issue: KnownIssue, ev: Evidence) -> Verdict:
    os_check, cov = _check_os(issue, ev)
    checks = [os_check, _check_fixed_file(issue, ev, cov, os_check.condition.state),
              _check_miniport(issue, ev)]
    symptom = _check_symptom(issue, ev)
    conditions = [c.condition for c in [*checks, symptom.check]]
    noes = [c for c in checks if c.condition.state is NO]
    unknowns = [c for c in checks if c.condition.state is UNKNOWN]

    deciding: Check | None = None
    if noes:
        verdict, deciding = VerdictId.NOT_THIS_ISSUE, noes[0]
    elif symptom.signature:
        verdict = VerdictId.CANT_TELL if unknowns else VerdictId.MATCHES
    elif symptom.check.reason == "dump-written":
        verdict, deciding = VerdictId.NOT_THIS_ISSUE, symptom.check
    else:
        verdict = VerdictId.CANT_TELL if unknowns else VerdictId.AT_RISK

    reason = deciding.reason if deciding else None
    missing_ids: list[str] = []
    for c in [*unknowns, symptom.check]:
        missing_ids += [m for m in c.missing if m not in missing_ids]
    if verdict is VerdictId.CANT_TELL:
        reason = "missing-evidence"

    headline = issue.verdict_text(verdict.value, "headline")
    explanation = issue.verdict_text(verdict.value, "explanation")
    if verdict is VerdictId.NOT_THIS_ISSUE and deciding is not None:
        explanation = deciding.condition.text
    elif verdict is VerdictId.CANT_TELL:
        if symptom.signature:
            headline = ("The crashes look like the known issue, but Dump Doctor can't confirm it yet: "
                        "some evidence is missing.")
        explanation = " ".join(c.condition.text for c in unknowns) or symptom.check.condition.text
        if symptom.check.reason == "other-cause":
            explanation += " " + symptom.check.condition.text
    elif verdict is VerdictId.AT_RISK and symptom.check.reason == "other-cause":
        explanation += " " + symptom.check.condition.text

    evidence: list[EvidenceItem] = []
    for cond in conditions:
        supports = cond.state is YES if verdict is not VerdictId.NOT_THIS_ISSUE else cond.state is NO
        evidence += [EvidenceItem(i.text, i.ref, supports) for i in cond.evidence]

    next_steps: list[NextStep] = []
    if verdict in (VerdictId.MATCHES, VerdictId.AT_RISK):
        next_steps = _next_steps(issue, ev, cov, verdict, symptom)
    elif reason == "os-fix-status-unknown" and symptom.signature:
        s = issue.next_steps["os-7601"]
        next_steps = [NextStep("ask-about-sp1", "info", s["title"], s["detail"], issue.link)]
    if verdict is VerdictId.NOT_THIS_ISSUE:
        next_steps += _not_this_issue_steps(ev, symptom)
    missing = missing_evidence(ev, missing_ids) if verdict is not VerdictId.NOT_THIS_ISSUE else []
    if verdict is VerdictId.CANT_TELL:
        next_steps += [NextStep(f"add-{m.what}", "evidence", m.message, m.how_to_get) for m in missing]

    technical = "; ".join(f"{c.id}={c.state.value}" for c in conditions)
    if reason:
        technical += f"; reason={reason}"
    # What the verdict rests on, for the engine's check (core.diagnosis.engine.enforce_evidence):
    # "not this issue" on the condition that is not met; "matches"/"at risk" on every condition met.
    if verdict is VerdictId.NOT_THIS_ISSUE and deciding is not None:
        rests_on = [deciding.condition.id]
    elif verdict is VerdictId.MATCHES:
        rests_on = [c.condition.id for c in [*checks, symptom.check]]
    elif verdict is VerdictId.AT_RISK:
        rests_on = [c.condition.id for c in checks]
    else:
        rests_on = []
    return Verdict(
        rests_on=rests_on,
        issue_id=issue.id, issue_title=issue.title, id=verdict, reason=reason, headline=headline,
        explanation=explanation, technical=technical,
        confidence=_confidence(verdict, [*checks, symptom.check], deciding, symptom),
        conditions=conditions, evidence=evidence, next_steps=next_steps, missing=missing, link=issue.link)
