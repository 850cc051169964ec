"""Findings besides the known issue: what else explains the crashes or the missing dump.

Each check returns zero or more Findings with a stable id, a severity, plain words first and the
technical detail after, and the evidence behind it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from core.advice import with_advice
from core.diagnosis.facts import bugcheck_words, physical_memory, stop_label
from core.diagnosis.model import EvidenceItem, Finding, NextStep, Verdict
from core.diagnosis.wording import DUMP_TYPE_WORDS, plural
from core.dumps.bugchecks import format_code
from core.dumps.model import DumpKind, IntegrityStatus
from core.events.model import NoDumpReason, TimelineKind
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef, Severity
from core.formatting import format_time
from core.readiness.sizes import on_boot_volume, required_page_file_mb
from core.registry.model import CrashControl, PageFile

MB = 1024 * 1024
# Stop codes someone triggers on purpose: not a failure of any driver.
DELIBERATE_CODES = {
    0xE2: "MANUALLY_INITIATED_CRASH: started from the keyboard or a tool",
    0xDEADDEAD: "MANUALLY_INITIATED_CRASH1: started from the keyboard or a tool",
    0x1C8: "MANUALLY_INITIATED_POWER_BUTTON_HOLD: the power button was held down",
}
ESSENTIAL_DUMP_FILES = {"diskdump.sys", "crashdmp.sys"}


def dumps_disabled(ev: Evidence, _verdicts: list[Verdict]) -> list[Finding]:
    cc = ev.registry.crash_control if ev.registry else None
    if cc is None or cc.crash_dump_enabled != 0:
        return []
    return [Finding(
        "dumps-disabled", Severity.WARNING,
        "Crash dumps are turned off, so Windows saves nothing when it crashes.",
        "Without a crash dump nobody can find out which driver caused a crash. Turn them back on in "
        "System Properties > Advanced > Startup and Recovery (\u201cSmall memory dump\u201d is enough).",
        "CrashControl\\CrashDumpEnabled = 0",
        [EvidenceItem("CrashDumpEnabled is 0 (none)", cc.ref)],
        [NextStep("enable-dumps", "fix", "Turn crash dumps back on",
                  "Control Panel > System > Advanced system settings > Startup and Recovery.")])]


def _on_boot_volume(pf: PageFile) -> bool:
    return on_boot_volume(pf.path)


def _required_mb(cc: CrashControl, ram: int | None) -> int | None:
    # One rule with the readiness check (core.readiness.sizes, KB 254649): complete = RAM + 257 MB.
    return required_page_file_mb(cc.crash_dump_enabled, ram)


def page_file(ev: Evidence, _verdicts: list[Verdict]) -> list[Finding]:
    reg = ev.registry
    cc = reg.crash_control if reg else None
    if reg is None or cc is None or cc.crash_dump_enabled == 0 or cc.dedicated_dump_file:
        return []
    if "page-files" in reg.unreadable or "control-set" in reg.unreadable:
        return []  # an unreadable PagingFiles value says nothing about the page file
    dump_words = DUMP_TYPE_WORDS.get(cc.crash_dump_enabled, cc.dump_type_name)
    ref = cc.ref
    boot = [pf for pf in reg.page_files if _on_boot_volume(pf)]
    if not boot:
        listed = ", ".join(pf.path for pf in reg.page_files) or "none"
        return [Finding(
            "pagefile-missing", Severity.WARNING,
            "There is no page file on the Windows drive, so no crash dump can be written.",
            "Windows first writes a crash dump into the page file (a file it uses as extra memory) on "
            "the drive Windows starts from. Without one there, the dump is lost.",
            f"Memory Management\\PagingFiles: {listed}; dump type {dump_words}",
            [EvidenceItem(f"Page files configured: {listed}", ref)],
            [NextStep("add-pagefile", "fix", "Put a page file on the Windows drive (C:)",
                      "System Properties > Advanced > Performance > Settings > Advanced > Virtual memory.")])]
    sized = [pf for pf in boot if not pf.system_managed]
    if len(sized) < len(boot) or not sized:
        return []  # a system-managed page file grows as needed for the dump
    have = max(pf.maximum_mb or pf.initial_mb or 0 for pf in sized)
    ram = physical_memory(ev)
    need = _required_mb(cc, ram[0] if ram else None)
    items = [EvidenceItem(f"Page file {pf.path}: {pf.initial_mb}-{pf.maximum_mb} MB", ref) for pf in sized]
    if ram:
        items.append(EvidenceItem(f"RAM: {ram[0] // MB} MB", ram[1]))
    if need is None:
        if cc.crash_dump_enabled == 1:
            return [Finding(
                "pagefile-size-unknown", Severity.INFO,
                "Dump Doctor can't check whether the page file is big enough for a complete dump.",
                "A complete memory dump needs a page file at least as big as the RAM plus 257 MB. "
                "The RAM size "
                "is unknown here (it is read from a crash dump header, and none was available).",
                f"PagingFiles max {have} MB; RAM unknown", items)]
        return []
    if have >= need:
        return []
    return [Finding(
        "pagefile-too-small", Severity.WARNING,
        f"The page file is too small for the configured crash dump ({dump_words}).",
        f"The page file on the Windows drive holds at most {have} MB but this dump type needs at least "
        f"{need} MB, so Windows cannot save the dump.",
        f"PagingFiles max {have} MB < required {need} MB (KB 254649: complete = RAM + 257 MB, small = 2 MB)",
        items,
        [NextStep("grow-pagefile", "fix", f"Make the page file on C: at least {need} MB, or choose "
                  "\u201cSmall memory dump\u201d",
                  "System Properties > Advanced > Performance > Virtual memory.")])]


def dump_integrity(ev: Evidence, _verdicts: list[Verdict]) -> list[Finding]:
    bad = [d for d in ev.dumps if d.integrity is not None and d.integrity.status in
           (IntegrityStatus.TRUNCATED, IntegrityStatus.INVALID)]
    out = []
    if bad:
        out.append(Finding(
            "dump-damaged", Severity.WARNING,
            f"{plural(len(bad), 'crash dump')} {'was' if len(bad) == 1 else 'were'} written but "
            f"{'is' if len(bad) == 1 else 'are'} incomplete or damaged.",
            "Windows started saving the dump but did not finish it (for example the machine lost power, "
            "the page file was too small, or the disk was full). Parts of it may still be readable.",
            "; ".join(f"{d.path}: {d.integrity.status.value}" for d in bad if d.integrity),
            [EvidenceItem(f"{d.path}: {d.integrity.message}", EvidenceRef("dump", d.path, d.integrity.status))
             for d in bad if d.integrity]))
    header_only = [d for d in ev.dumps if d.integrity is not None
                   and d.integrity.status is IntegrityStatus.HEADER_ONLY]
    if header_only:
        out.append(Finding(
            "dump-header-only", Severity.INFO,
            f"{plural(len(header_only), 'crash dump')} holds only the first pages (a header excerpt).",
            "The Stop code and time are known, but memory contents are not included.",
            "; ".join(d.path for d in header_only),
            [EvidenceItem(d.integrity.message, EvidenceRef("dump", d.path)) for d in header_only
             if d.integrity]))
    return out


def _when_words(times: list[datetime]) -> str:
    """' on 4 March 2011' / ' between March 2011 and June 2013': "recently" misled for crashes years
    old."""
    if not times:
        return ""
    ordered = sorted(times, key=lambda t: t.timestamp())  # never compares naive with aware
    first, last = ordered[0], ordered[-1]
    if first.date() == last.date():
        return f" on {first.day} {first:%B %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f" between {first.day} and {last.day} {last:%B %Y}"
    return f" between {first:%B %Y} and {last:%B %Y}"


def recent_bugchecks(ev: Evidence, _verdicts: list[Verdict]) -> list[Finding]:
    items: list[EvidenceItem] = []
    codes: list[int] = []
    times: list[datetime] = []
    for d in ev.dumps:
        if d.kind is not DumpKind.KERNEL or d.bugcheck is None:
            continue
        b = d.bugcheck
        if d.system_time:
            times.append(d.system_time)
        when = f"{format_time(d.system_time)}: " if d.system_time else ""
        driver = f", in {d.faulting_driver}" if d.faulting_driver else ""
        meaning = f" \u2014 {b.meaning}" if b.meaning else ""
        items.append(EvidenceItem(f"{when}Stop {format_code(b.code)} {b.name}{driver}{meaning}",
                                  EvidenceRef("dump", d.path, "bugcheck in dump header")))
        codes.append(b.code)
    dump_count = len(codes)
    event_codes: list[int] = []
    if ev.timeline is not None:
        for e in reversed(ev.timeline.entries):
            if e.kind is TimelineKind.UNEXPECTED_RESTART and e.bugcheck_code:
                _name, meaning = bugcheck_words(e.bugcheck_code)
                items.append(EvidenceItem(
                    f"{format_time(e.time)}: Stop {stop_label(e.bugcheck_code)}"
                    + (f" \u2014 {meaning}" if meaning else ""), e.events[0] if e.events else None))
                event_codes.append(e.bugcheck_code)
                times.append(e.time)
    if not items:
        return []
    crashes = max(dump_count, len(event_codes))
    all_codes = Counter(codes + event_codes)
    names = ", ".join(stop_label(c) for c, _ in all_codes.most_common())
    deliberate = [c for c in all_codes if c in DELIBERATE_CODES]
    if deliberate and len(deliberate) == len(all_codes):
        # Someone stopped Windows on purpose: no driver is to blame, so none should be updated.
        how = "; ".join(DELIBERATE_CODES[c] for c in deliberate)
        out = [Finding(
            "deliberate-crash", Severity.INFO,
            f"Windows was stopped on purpose {plural(crashes, 'time')} ({how}).",
            "These Stop errors are not failures: they are how Windows records a crash someone triggered, "
            "for example to capture a dump of a computer that had stopped responding. No driver needs to "
            "be updated because of them; if the computer had stopped responding, that hang is the problem "
            "to look into.", f"Stop codes: {names}", items[:10])]
    else:
        why = ("Each Stop error has a code that says what kind of failure it was; the driver named with it "
               "is usually the one to update or remove.")
        if deliberate:
            on_purpose = "; ".join(DELIBERATE_CODES[c] for c in deliberate)
            why += f" Some of them were triggered on purpose ({on_purpose}); no driver is to blame for those."
        out = [Finding(
            "recent-bugchecks", Severity.WARNING,
            f"Windows stopped with an error (a \u201cblue screen\u201d) {plural(crashes, 'time')}"
            f"{_when_words(times)}.",
            why, f"Stop codes: {names}", items[:10])]
    drivers = Counter(d.faulting_driver.lower() for d in ev.dumps if d.faulting_driver)
    for driver, count in drivers.most_common():
        if count < 2:
            break
        out.append(Finding(
            "repeated-crash-driver", Severity.WARNING,
            f"The same driver, {driver}, was named in {count} crashes.",
            "Repeated crashes in one driver usually mean that driver (or the device it runs) is faulty. "
            "Update it from the vendor, or remove the software or device that installed it.",
            f"faulting driver {driver} in {count} dumps",
            [EvidenceItem(f"{d.path}: faulting driver {d.faulting_driver}", EvidenceRef("dump", d.path))
             for d in ev.dumps if d.faulting_driver and d.faulting_driver.lower() == driver],
            [NextStep("update-driver", "fix", f"Update or remove {driver}")]))
    return out


_NO_DUMP_WORDS = {
    NoDumpReason.DUMP_DISABLED: "crash dumps were turned off",
    NoDumpReason.VOLMGR_ERROR: "Windows reported it could not write the dump",
    NoDumpReason.BUGCHECK_ONLY_IN_KERNEL_POWER: "a Stop error was recorded but no dump was saved",
    NoDumpReason.NOTHING_RECORDED: "nothing was recorded (power loss, a hard reset or a hang)",
    NoDumpReason.POWER_BUTTON: "the power button was held down to switch the computer off",
}


def restarts_without_dump(ev: Evidence, verdicts: list[Verdict]) -> list[Finding]:
    if ev.timeline is None:
        return []
    lost = [e for e in ev.timeline.unexpected_restarts() if e.dump_written is False]
    if not lost:
        return []
    reasons = Counter(_NO_DUMP_WORDS.get(e.no_dump_reason, "reason unknown") if e.no_dump_reason
                      else "reason unknown" for e in lost)
    why = "; ".join(f"{text} ({n}\u00d7)" for text, n in reasons.most_common())
    return [Finding(
        "restarts-without-dump", Severity.WARNING,
        f"The machine restarted unexpectedly {plural(len(lost), 'time')} without saving a crash dump.",
        f"What the event log shows: {why}.",
        "; ".join(f"{format_time(e.time, zone=False)} {e.summary}" for e in lost[-5:]),
        [EvidenceItem(f"{format_time(e.time)}: {e.summary}", e.events[0] if e.events else None)
         for e in lost[-10:]])]


def dump_errors(ev: Evidence, _verdicts: list[Verdict]) -> list[Finding]:
    if ev.timeline is None:
        return []
    errs = [e for e in ev.timeline.entries if e.kind is TimelineKind.DUMP_ERROR]
    if not errs:
        return []
    return [Finding(
        "dump-setup-errors", Severity.WARNING,
        "Windows reported that it could not prepare for writing crash dumps.",
        "These events (from the volume manager, volmgr) mean a crash dump would fail: the dump driver "
        "did not load, or no suitable page file was found.",
        "; ".join(e.summary for e in errs[-5:]),
        [EvidenceItem(f"{format_time(e.time)}: {e.summary}", e.events[0] if e.events else None)
         for e in errs[-10:]])]


def boot_driver_missing(ev: Evidence, _verdicts: list[Verdict]) -> list[Finding]:
    if ev.storage is None:
        return []
    # dumpata.sys / storport.sys are used only on some machines; diskdump and crashdmp always are.
    bad = [d for d in ev.storage.drivers
           if (d.start == 0 or d.in_use or d.file_name.lower() in ESSENTIAL_DUMP_FILES)
           and (d.file_path is None or d.error)]
    if not bad:
        return []
    # Only a copy of the machine's own disk proves a file is absent; a bundle that did not include a
    # file (or a source that says driver files are missing) says nothing about the machine.
    only_not_collected = any(m.what == "drivers" for m in ev.missing) or not ev.collected_whole
    severity = Severity.INFO if only_not_collected else Severity.ERROR
    names = ", ".join(d.file_name for d in bad)
    return [Finding(
        "boot-driver-missing", severity,
        f"Storage driver files needed at start-up or for crash dumps could not be read: {names}.",
        ("These files were not part of the evidence provided." if only_not_collected else
         "Windows needs these files to start from its disk or to write crash dumps. A missing or "
         "damaged file can stop Windows from starting or from saving dumps."),
        "; ".join(f"{d.file_name}: {d.error or 'file not found'}" for d in bad),
        [EvidenceItem(f"{d.file_name} ({d.service}): {d.error or 'file not found'}",
                      d.refs[0] if d.refs else None) for d in bad])]


def hibernation_on_affected(ev: Evidence, verdicts: list[Verdict]) -> list[Finding]:
    """Hibernation on, and a known issue that hibernating can trigger applies (its `hibernation_triggers`
    in the knowledge file): the finding names that issue. Another issue applying says nothing about
    hibernation."""
    hib = ev.registry.hibernation if ev.registry else None
    triggered = [v for v in verdicts if v.is_problem and v.hibernation_triggers]
    if hib is None or not hib.enabled or not triggered:
        return []
    names = "; ".join(v.issue_title for v in triggered)
    return [Finding(
        "hibernation-on-affected", Severity.WARNING,
        "Hibernation is turned on, and on this machine hibernating can trigger the crash.",
        "Hibernation writes memory to disk through the same driver path as crash dumps, and the known "
        f"issue that applies here can be triggered by it ({names}). Until the fix is installed, turning "
        "hibernation off avoids that crash (Sleep still works).",
        f"Control\\Power\\HibernateEnabled = 1 (HiberFileSizePercent {hib.file_size_percent}); "
        f"issues: {', '.join(v.issue_id for v in triggered)}",
        [EvidenceItem("Hibernation is enabled", hib.ref)]
        + [EvidenceItem(f"{v.issue_title}: {v.headline}", None) for v in triggered],
        [NextStep("disable-hibernation", "interim", "Turn hibernation off until the fix is installed",
                  "Run in an administrator command prompt; undo later with powercfg -h on.",
                  command="powercfg -h off")])]


_ANSI_OR_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def unreadable_evidence(ev: Evidence, _verdicts: list[Verdict]) -> list[Finding]:
    bad_records = ev.timeline.unreadable_records if ev.timeline else 0
    # Other hive notes (e.g. "read from a .reg export") are shown in the technical section only.
    notes = [n for n in (ev.registry.hive_notes if ev.registry else []) if "dirty" in n.lower()]
    if not ev.problems and not bad_records and not notes:
        return []
    items = [EvidenceItem(_ANSI_OR_CTRL.sub("?", str(p)), EvidenceRef("file", p.path, p.step))
             for p in ev.problems[:20]]
    if bad_records:
        items.append(EvidenceItem(
            f"{plural(bad_records, 'event record')} could not be read and were skipped"))
    items += [EvidenceItem(n) for n in notes]
    by_step = Counter(p.step or "other" for p in ev.problems)
    summary = ", ".join(f"{step}: {n}" for step, n in by_step.most_common())
    # An info problem (a dirty header read past, a replayed hive) says how a file was read, not that
    # part of it was lost: such files are "read, with notes", never "could not be read (0 files)".
    lost_files = {p.path for p in ev.problems if p.severity is not Severity.INFO}
    if not lost_files and not bad_records:
        return [Finding(
            "evidence-read-notes", Severity.INFO,
            f"Every file was read; {plural(len({p.path for p in ev.problems}) + len(notes), 'note')} on "
            "how (for example a stale header read past, or a registry hive's pending changes replayed).",
            "Nothing was skipped. The notes below say what was unusual about these files.",
            summary or "; ".join(notes), items)]
    return [Finding(
        "unreadable-evidence", Severity.INFO,
        "Some evidence could not be read ("
        + ", ".join(x for x in (plural(len(lost_files), "file") if lost_files else "",
                                plural(bad_records, "event record") if bad_records else "") if x) + ").",
        "Dump Doctor skipped what it could not read and used the rest. The list below says which files "
        "and why; fixing them (for example running as administrator) may make the answer more certain.",
        summary or "; ".join(notes), items)]


def missing_evidence_summary(ev: Evidence, verdicts: list[Verdict]) -> list[Finding]:
    """Absent evidence no verdict already names (a verdict lists what it needed, with how to get it)."""
    named = {m.what for v in verdicts for m in v.missing}
    rest = [m for m in ev.missing if m.what not in named]
    if not rest:
        return []
    return [Finding(
        "missing-evidence", Severity.INFO,
        f"{plural(len(rest), 'kind')} of evidence {'was' if len(rest) == 1 else 'were'} not available.",
        " ".join(m.message for m in rest),
        ", ".join(m.what for m in rest),
        [EvidenceItem(with_advice(m.message, m.how_to_get)) for m in rest])]


FindingCheck = Callable[[Evidence, list[Verdict]], list[Finding]]

CHECKS: list[FindingCheck] = [
    dumps_disabled, page_file, dump_integrity, dump_errors, restarts_without_dump, recent_bugchecks,
    boot_driver_missing, hibernation_on_affected, unreadable_evidence, missing_evidence_summary,
]

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def find_all(ev: Evidence, verdicts: list[Verdict]) -> list[Finding]:
    found = [f for check in CHECKS for f in check(ev, verdicts)]
    return sorted(found, key=lambda f: _ORDER[f.severity])
