"""The readiness predicates, registered by name: each entry of resources/knowledge/readiness.json names
the predicate that evaluates it (as known issues name theirs in core.diagnosis.rules).

A predicate returns an Outcome: met / not met / unknown, a plain sentence, and the evidence read. It
says "no" only when evidence that was read says no; whatever was not read stays "unknown". A check
that does not apply with this machine's settings (no dedicated dump file, dumps turned off) says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.diagnosis.facts import physical_memory
from core.diagnosis.model import ConditionState, EvidenceItem, Verdict, VerdictId
from core.diagnosis.wording import DUMP_TYPE_WORDS
from core.events.dump_events import lookup as dump_event
from core.events.model import TimelineEntry, TimelineKind
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef
from core.formatting import format_size
from core.named_registry import NamedRegistry
from core.readiness.facts_model import LIVE_KERNEL_REPORTS, PathSeen, filter_path
from core.readiness.knowledge import CheckSpec
from core.readiness.sizes import (
    AUTOMATIC,
    BOOT_DRIVE,
    COMPLETE,
    KERNEL,
    MB,
    SMALL,
    expected_dump_mb,
    on_boot_volume,
    required_page_file_mb,
)
from core.registry.model import CrashControl

YES, NO, UNKNOWN = ConditionState.YES, ConditionState.NO, ConditionState.UNKNOWN
# The clean-up threshold the WER team describes for Windows 7 clients (*unconfirmed*, see the check).
KEEP_DUMP_FREE_BYTES = 25 * 1024 ** 3


@dataclass
class Outcome:
    state: ConditionState
    text: str
    evidence: list[EvidenceItem] = field(default_factory=list)
    applies: bool = True


def not_applicable(text: str, evidence: list[EvidenceItem] | None = None) -> Outcome:
    return Outcome(YES, text, evidence or [], applies=False)


@dataclass(frozen=True)
class Context:
    """What every predicate may read: the evidence and the known-issue verdicts already reached."""

    evidence: Evidence
    known_issues: list[Verdict]

    @property
    def cc(self) -> CrashControl | None:
        reg = self.evidence.registry
        return reg.crash_control if reg else None

    def ram(self) -> tuple[int, EvidenceRef] | None:
        return physical_memory(self.evidence)

    def seen(self, win_path: str) -> PathSeen | None:
        vf = self.evidence.volume_facts
        return vf.path(win_path) if vf is not None else None

    def dump_type(self) -> int | None:
        cc = self.cc
        if cc is None or "CrashDumpEnabled" in cc.defaults_used:
            return None
        return cc.crash_dump_enabled

    def events_since_last_boot(self) -> list[TimelineEntry]:
        """Dump events of the current boot: the state the next crash will meet."""
        tl = self.evidence.timeline
        if tl is None:
            return []
        boots = [e.time for e in tl.entries if e.kind is TimelineKind.BOOT]
        start = boots[-1] if boots else None
        return [e for e in tl.entries if e.dump_event and (start is None or e.time >= start)
                and e.kind in (TimelineKind.DUMP_ERROR, TimelineKind.DUMP_EVENT)]


Predicate = Callable[[CheckSpec, Context], Outcome]
# The same mechanism as the known issues' predicates (core.named_registry); the checks are all in this
# module, so nothing needs loading first.
_REGISTRY: NamedRegistry[Predicate] = NamedRegistry("readiness check")
_CHECKS = _REGISTRY.entries


def readiness_check(name: str) -> Callable[[Predicate], Predicate]:
    return _REGISTRY.register(name)


def get_check(name: str) -> Predicate:
    return _REGISTRY.get(name)


def registered_checks() -> list[str]:
    return _REGISTRY.names()


def _words(dump_type: int) -> str:
    return DUMP_TYPE_WORDS.get(dump_type, f"type {dump_type}")


def _mb(value: int) -> str:
    return format_size(value * MB)


def _event_items(entries: list[TimelineEntry]) -> list[EvidenceItem]:
    return [EvidenceItem(e.summary, e.events[0] if e.events else None, supports=False) for e in entries]


def _cc_missing() -> Outcome:
    return Outcome(UNKNOWN, "The dump settings (CrashControl) were not in the evidence.")


# -- the checks ----------------------------------------------------------------------------------------


def _setting(name: str, value: object, ref: EvidenceRef | None) -> EvidenceItem:
    """A registry value as evidence; an absent one is said to be absent, never shown as "None"."""
    return EvidenceItem(f"{name} is not set" if value is None else f"{name} = {value}", ref)


@readiness_check("dump_enabled")
def dump_enabled(_spec: CheckSpec, ctx: Context) -> Outcome:
    cc = ctx.cc
    if cc is None:
        return _cc_missing()
    item = _setting("CrashDumpEnabled", cc.crash_dump_enabled, cc.ref)
    if "CrashDumpEnabled" in cc.defaults_used:
        return Outcome(UNKNOWN, "CrashDumpEnabled is not set; what Windows does without it is not confirmed.",
                       [EvidenceItem("CrashDumpEnabled is absent", cc.ref)])
    if cc.crash_dump_enabled == 0:
        return Outcome(NO, "Crash dumps are turned off (CrashDumpEnabled = 0): Windows writes "
                           "nothing when it "
                           "stops.", [item])
    if cc.crash_dump_enabled not in DUMP_TYPE_WORDS:
        return Outcome(UNKNOWN, f"CrashDumpEnabled = {cc.crash_dump_enabled} is not a documented dump type.",
                       [item])
    return Outcome(YES, f"Crash dumps are on: {_words(cc.crash_dump_enabled)}.", [item])


@readiness_check("page_file_for_dump")
def page_file_for_dump(_spec: CheckSpec, ctx: Context) -> Outcome:
    cc, reg = ctx.cc, ctx.evidence.registry
    dump_type = ctx.dump_type()
    if cc is None or reg is None:
        return _cc_missing()
    if dump_type == 0:
        return not_applicable("No dump is configured, so no page file is needed for one.")
    if cc.dedicated_dump_file:
        return not_applicable(f"A dedicated dump file ({cc.dedicated_dump_file}) takes the page "
                              f"file's place.")
    settings = reg.page_file_settings
    read = settings is not None and settings.paging_files is not None
    if not reg.page_files and not read:
        return Outcome(UNKNOWN, "The page file settings (Memory Management\\PagingFiles) were not in the "
                                "evidence.")
    ref = settings.ref if settings is not None else None
    listed = ", ".join(pf.path for pf in reg.page_files) or "none"
    boot = [pf for pf in reg.page_files if on_boot_volume(pf.path)]
    items = [EvidenceItem(f"Page files configured: {listed}", ref)]
    if not boot:
        return Outcome(NO, f"There is no page file on the boot volume ({BOOT_DRIVE}), so Windows has nowhere "
                           "to write the dump.", items)
    ignore = cc.ignore_pagefile_size == 1
    if any(pf.system_managed or pf.path.startswith("?:") for pf in boot):
        return _system_managed(ctx, dump_type, items)
    # A fixed size: the initial size is what Windows checks at boot (KB 949052).
    have = max(pf.initial_mb or pf.maximum_mb or 0 for pf in boot)
    items += [EvidenceItem(f"{pf.path}: initial {pf.initial_mb} MB, maximum {pf.maximum_mb} MB", ref)
              for pf in boot]
    ram = ctx.ram()
    if ram is not None:
        items.append(EvidenceItem(f"Installed RAM: {format_size(ram[0])}", ram[1]))
    if ignore:
        items.append(EvidenceItem("IgnorePagefileSize = 1", cc.ref))
    if dump_type is None:
        return Outcome(UNKNOWN, "The dump type is not known, so the page file size cannot be judged.", items)
    need = required_page_file_mb(dump_type, ram[0] if ram else None)
    if need is not None:
        if have >= need:
            return Outcome(YES, f"The page file on {BOOT_DRIVE} ({_mb(have)}) is big enough for a "
                                f"{_words(dump_type)} (needs {_mb(need)}).", items)
        return Outcome(NO, f"The page file on {BOOT_DRIVE} is {_mb(have)}; a {_words(dump_type)} needs "
                           f"{_mb(need)}.", items)
    if dump_type == COMPLETE:
        return Outcome(UNKNOWN, f"A complete memory dump needs RAM + 257 MB of page file; the RAM size is "
                                f"not in the evidence (the page file is {_mb(have)}).", items)
    if dump_type in (KERNEL, AUTOMATIC):
        if ram is None:
            return Outcome(UNKNOWN, f"The page file on {BOOT_DRIVE} has a fixed size ({_mb(have)}) and the "
                                    "RAM size is not known; a kernel dump is not written when the page file "
                                    "starts smaller than RAM (KB 949052).", items)
        if have * MB < ram[0] and not ignore:
            return Outcome(NO, f"The page file on {BOOT_DRIVE} starts at {_mb(have)}, smaller than the RAM "
                               f"({format_size(ram[0])}); Windows then does not write a kernel dump "
                               f"(KB 949052) "
                               "unless IgnorePagefileSize is 1.", items)
        note = " (IgnorePagefileSize = 1: Windows tries even though it is smaller than RAM)" if ignore else ""
        return Outcome(YES, f"The page file on {BOOT_DRIVE} ({_mb(have)}) should hold a "
                            f"{_words(dump_type)}{note}; the exact size needed depends on kernel memory use.",
                       items)
    return Outcome(UNKNOWN, f"No size rule is known for dump type {dump_type}.", items)


def _page_file_now(ctx: Context) -> tuple[int, EvidenceRef | None] | None:
    """The size (MB) the boot volume's page file has now: from the file itself (live, a mounted volume)
    or the collector's pagefiles.csv."""
    vf = ctx.evidence.volume_facts
    if vf is None:
        return None
    seen = vf.path(f"{BOOT_DRIVE}\\pagefile.sys")
    if seen is not None and seen.size:
        return seen.size // MB, seen.ref
    size = vf.page_file_sizes_mb.get(f"{BOOT_DRIVE.lower()}\\pagefile.sys")
    return (size, vf.page_file_sizes_ref) if size else None


def _system_managed(ctx: Context, dump_type: int | None, items: list[EvidenceItem]) -> Outcome:
    # The page-file article: at start-up a system-managed page file is sized for the dump setting,
    # "assuming enough free disk space exists" — so its size now shows whether that worked.
    now, ram = _page_file_now(ctx), ctx.ram()
    need = required_page_file_mb(dump_type, ram[0] if ram else None) if dump_type is not None else None
    if now is not None:
        items = [*items, EvidenceItem(f"{BOOT_DRIVE}\\pagefile.sys is {_mb(now[0])} now", now[1])]
        if ram is not None:
            items.append(EvidenceItem(f"Installed RAM: {format_size(ram[0])}", ram[1]))
        if need is not None and now[0] < need:
            return Outcome(NO, f"The system-managed page file on {BOOT_DRIVE} is {_mb(now[0])}; a "
                               f"{_words(dump_type or 0)} needs {_mb(need)}. Windows grows it at start-up "
                               "only when the volume has room, and it has not.", items)
    return Outcome(YES, f"A system-managed page file on {BOOT_DRIVE} is sized by Windows for the dump "
                        "setting (as long as the volume has room to grow it).", items)


@readiness_check("dedicated_dump_file")
def dedicated_dump_file(_spec: CheckSpec, ctx: Context) -> Outcome:
    cc = ctx.cc
    if cc is None:
        return _cc_missing()
    if not cc.dedicated_dump_file:
        return not_applicable("No dedicated dump file is configured; the page file is used.")
    path = cc.dedicated_dump_file
    items = [EvidenceItem(f"DedicatedDumpFile = {path}", cc.ref)]
    if cc.dump_file_size_mb:
        items.append(EvidenceItem(f"DumpFileSize = {cc.dump_file_size_mb} MB", cc.ref))
    failed = [e for e in ctx.events_since_last_boot() if e.dump_event == "volmgr/164"]
    if failed:
        return Outcome(NO, "Windows reported at start-up that it could not set up the dedicated dump file "
                           "(volmgr 164).", items + _event_items(failed))
    dump_type, ram = ctx.dump_type(), ctx.ram()
    need = required_page_file_mb(dump_type, ram[0] if ram else None) if dump_type is not None else None
    if cc.dump_file_size_mb and need is not None and cc.dump_file_size_mb < need:
        return Outcome(NO, f"DumpFileSize is {_mb(cc.dump_file_size_mb)}; a {_words(dump_type or 0)} needs "
                           f"{_mb(need)}.", items)
    seen = ctx.seen(path)
    if seen is not None and seen.exists is False:
        return Outcome(NO, f"The dedicated dump file {path} does not exist; Windows creates it at start-up, "
                           "so its absence means that failed.",
                       [*items, EvidenceItem(f"{path} not found", seen.ref)])
    if seen is not None and seen.exists:
        size = f" ({format_size(seen.size)})" if seen.size is not None else ""
        return Outcome(YES, f"The dedicated dump file {path} exists{size}.",
                       [*items, EvidenceItem(f"{path} exists{size}", seen.ref)])
    return Outcome(UNKNOWN, f"Whether {path} exists could not be seen in this evidence.", items)


def _dump_drive(ctx: Context, dump_type: int) -> tuple[str, str] | None:
    """(drive, what) that receives the dump file; None when its drive is not a letter we can read."""
    cc = ctx.cc
    if cc is None:
        return None
    target = cc.minidump_dir if dump_type == SMALL else cc.dump_file
    text = target.strip().strip('"')
    if text.lower().startswith("%systemroot%"):
        return BOOT_DRIVE, target
    if text[1:2] == ":":
        return text[:2].upper(), target
    return None


@readiness_check("free_space")
def free_space(_spec: CheckSpec, ctx: Context) -> Outcome:
    dump_type = ctx.dump_type()
    if ctx.cc is None:
        return _cc_missing()
    if dump_type == 0:
        return not_applicable("No dump is configured.")
    if dump_type is None:
        return Outcome(UNKNOWN, "The dump type is not known.")
    where = _dump_drive(ctx, dump_type)
    vf = ctx.evidence.volume_facts
    space = vf.space(where[0]) if vf is not None and where is not None else None
    if where is None or space is None:
        return Outcome(UNKNOWN, "The free space on the volume that receives the dump was not in "
                                "this evidence "
                                "(only the machine itself, or a bundle from the collector, can tell).")
    ram = ctx.ram()
    need = expected_dump_mb(dump_type, ram[0] if ram else None)
    items = [EvidenceItem(f"Free on {space.drive}: {format_size(space.free_bytes)}", space.ref)]
    if need is None:
        if ram is not None and space.free_bytes >= ram[0]:
            return Outcome(YES, f"{space.drive} has {format_size(space.free_bytes)} free, more than the RAM, "
                                "so any kernel dump fits.", items)
        return Outcome(UNKNOWN, f"{space.drive} has {format_size(space.free_bytes)} free; a "
                                f"{_words(dump_type)} can be up to the size of the RAM, and how big "
                                f"it will be "
                                "depends on kernel memory use.", items)
    if space.free_bytes >= need * MB:
        return Outcome(YES, f"{space.drive} has {format_size(space.free_bytes)} free; the "
                            f"{_words(dump_type)} "
                            f"needs about {_mb(need)}.", items)
    return Outcome(NO, f"{space.drive} has {format_size(space.free_bytes)} free; the "
                       f"{_words(dump_type)} needs "
                       f"about {_mb(need)}.", items)


@readiness_check("always_keep_memory_dump")
def always_keep_memory_dump(_spec: CheckSpec, ctx: Context) -> Outcome:
    cc, dump_type = ctx.cc, ctx.dump_type()
    if cc is None:
        return _cc_missing()
    if dump_type in (0, SMALL):
        return not_applicable("No MEMORY.DMP is written with this dump type.")
    items = [_setting("AlwaysKeepMemoryDump", cc.always_keep_memory_dump, cc.ref)]
    if cc.always_keep_memory_dump == 1:
        return Outcome(YES, "Windows is told to keep MEMORY.DMP even when disk space is low.", items)
    system = ctx.evidence.registry.system if ctx.evidence.registry else None
    if system is not None and system.is_server:
        return Outcome(YES, "This is Windows Server; the clean-up of MEMORY.DMP on low disk space is "
                            "described for client Windows (not confirmed for servers).", items)
    where = _dump_drive(ctx, dump_type or KERNEL)
    vf = ctx.evidence.volume_facts
    space = vf.space(where[0]) if vf is not None and where is not None else None
    if space is None:
        return Outcome(UNKNOWN, "AlwaysKeepMemoryDump is not 1, and the free space is not known: on a client "
                                "not joined to a domain Windows may delete MEMORY.DMP when space is "
                                "low.", items)
    items.append(EvidenceItem(f"Free on {space.drive}: {format_size(space.free_bytes)}", space.ref))
    if space.free_bytes >= KEEP_DUMP_FREE_BYTES:
        return Outcome(YES, f"{space.drive} has {format_size(space.free_bytes)} free, above the 25 GB the "
                            "clean-up is described to start at (threshold not confirmed).", items)
    return Outcome(NO, f"AlwaysKeepMemoryDump is not 1 and {space.drive} has only "
                       f"{format_size(space.free_bytes)} free: unless the machine is joined to a "
                       f"domain, Windows "
                       "may delete MEMORY.DMP after saving it (25 GB threshold not confirmed).", items)


@readiness_check("dump_filters")
def dump_filters(_spec: CheckSpec, ctx: Context) -> Outcome:
    cc = ctx.cc
    if cc is None:
        return _cc_missing()
    if not cc.dump_filters:
        return Outcome(YES, "No dump filter drivers are configured.", [EvidenceItem("DumpFilters is empty",
                                                                                    cc.ref)])
    items = [EvidenceItem(f"DumpFilters = {', '.join(cc.dump_filters)}", cc.ref)]
    missing, unknown = [], []
    for name in cc.dump_filters:
        seen = ctx.seen(filter_path(name))
        if seen is not None and seen.exists is False:
            missing.append(name)
            items.append(EvidenceItem(f"{name} not found in System32\\drivers", seen.ref, supports=False))
        elif seen is not None and seen.exists:
            items.append(EvidenceItem(f"{name} is present", seen.ref))
        else:
            unknown.append(name)
    failures = [e for e in ctx.events_since_last_boot() if e.dump_event == "volmgr/163"]
    if missing:
        return Outcome(NO, f"Dump filter {', '.join(missing)} is listed but missing, so the dump stack "
                           "cannot load it.", items + _event_items(failures))
    if unknown:
        return Outcome(UNKNOWN, f"Whether {', '.join(unknown)} is present could not be seen in this "
                                f"evidence.",
                       items)
    return Outcome(YES, "Every dump filter driver is present.", items)


@readiness_check("dump_stack")
def dump_stack(_spec: CheckSpec, ctx: Context) -> Outcome:
    ev = ctx.evidence
    if ctx.dump_type() == 0:
        return not_applicable("No dump is configured, so no dump stack is set up.")
    errors = [e for e in ctx.events_since_last_boot() if e.dump_event in ("volmgr/45", "volmgr/46",
                                                                          "volmgr/44", "volmgr/49")]
    if errors:
        return Outcome(NO, "At the last start-up Windows reported that the dump stack could not be set up: "
                           + "; ".join(_event_meaning(e) for e in errors) + ".", _event_items(errors))
    if ev.loaded_dump_modules:
        return Outcome(YES, f"The dump stack is loaded now: {', '.join(ev.loaded_dump_modules)}.",
                       [EvidenceItem(f"Loaded: {', '.join(ev.loaded_dump_modules)}",
                                     EvidenceRef("derived", "loaded drivers", "read live"))])
    if ev.loaded_dump_modules is not None and ev.elevated is False:
        return Outcome(UNKNOWN, "No dump_*.sys module was listed, but without administrator rights Windows "
                                "may hide driver names, so this proves nothing.")
    if ev.loaded_dump_modules is not None:
        return Outcome(NO, "No dump_*.sys module is loaded: Windows did not set up the dump stack "
                           "at start-up.",
                       [EvidenceItem("No dump_*.sys among the loaded drivers",
                                     EvidenceRef("derived", "loaded drivers", "read live"))])
    recorded = next((d for d in ev.dumps if d.dump_stack), None)
    if recorded is not None:
        return Outcome(YES, f"The last dump records the dump stack: {', '.join(recorded.dump_stack)}.",
                       [EvidenceItem(f"dump_*.sys in {recorded.path}", EvidenceRef("dump", recorded.path))])
    tl = ev.timeline
    boots = [e for e in tl.entries if e.kind is TimelineKind.BOOT] if tl is not None else []
    if tl is not None and boots and not tl.unreadable_records:
        # Windows logs volmgr 44/45/46/49 at start-up when it cannot set the dump stack up (KB 2756313);
        # a whole log with a start-up and none of them after it says the stack was set up at that boot.
        last = boots[-1]
        return Outcome(YES, f"The System log records a start-up at {last.time:%Y-%m-%d %H:%M} UTC and no "
                            "report after it that the dump stack could not be set up (volmgr 44, 45, 46 or "
                            "49).",
                       [EvidenceItem(f"Last start-up in the log: {last.summary}",
                                     last.events[0] if last.events else None)])
    return Outcome(UNKNOWN, "Which dump drivers are loaded can be seen only on the machine itself, in a "
                            "crash dump or from a System log read whole, and none was available.")


def _event_meaning(entry: TimelineEntry) -> str:
    provider, _, number = (entry.dump_event or "").partition("/")
    info = dump_event("volmgr" if provider == "volmgr" else "Microsoft-Windows-WER-SystemErrorReporting",
                      int(number)) if number.isdigit() else None
    return f"{entry.dump_event} ({info.wording})" if info else entry.summary


@readiness_check("dump_capable_miniport")
def dump_capable_miniport(_spec: CheckSpec, ctx: Context) -> Outcome:
    problems = [v for v in ctx.known_issues if v.is_problem]
    if problems:
        return Outcome(NO, "A known issue stops the storage driver from writing dumps: "
                           + "; ".join(v.issue_title for v in problems) + ".",
                       [EvidenceItem(v.headline, None, supports=False) for v in problems])
    # Only the primary issue's "can't tell" leaves this unknown: another article that cannot be told yet
    # (a guidance article whose symptom needs a log) is listed with the known issues, not here.
    unsure = [v for v in ctx.known_issues if v.id is VerdictId.CANT_TELL and v.primary]
    if unsure:
        return Outcome(UNKNOWN, "Whether a known issue applies can't be told yet: "
                                + "; ".join(v.headline for v in unsure))
    if not ctx.known_issues:
        return Outcome(UNKNOWN, "No known-issue rule was evaluated.")
    storage = ctx.evidence.storage
    boot = storage.boot_miniport if storage is not None else None
    where = f" ({boot.service})" if boot is not None and boot.service else ""
    return Outcome(YES, f"No known issue applies to the storage driver in the dump path{where}.")


@readiness_check("auto_reboot")
def auto_reboot(_spec: CheckSpec, ctx: Context) -> Outcome:
    cc = ctx.cc
    if cc is None:
        return _cc_missing()
    item = [_setting("AutoReboot", cc.auto_reboot, cc.ref)]
    if cc.auto_reboot is None:
        return Outcome(UNKNOWN, "AutoReboot is not set.", item)
    if cc.auto_reboot == 0:
        return Outcome(NO, "After a Stop error the machine stays at the blue screen (AutoReboot = "
                           "0): the dump is "
                           "saved only when someone restarts it.", item)
    return Outcome(YES, "Windows restarts by itself after a Stop error.", item)


@readiness_check("minidump_dir")
def minidump_dir(_spec: CheckSpec, ctx: Context) -> Outcome:
    cc, dump_type = ctx.cc, ctx.dump_type()
    if cc is None:
        return _cc_missing()
    if dump_type == 0:
        return not_applicable("No dump is configured.")
    seen = ctx.seen(cc.minidump_dir)
    if seen is None or seen.exists is None:
        return Outcome(UNKNOWN, f"Whether {cc.minidump_dir} exists could not be seen in this evidence.",
                       [_setting("MinidumpDir", cc.minidump_dir, cc.ref)])
    if seen.exists:
        return Outcome(YES, f"{cc.minidump_dir} exists.",
                       [EvidenceItem(f"{cc.minidump_dir} exists", seen.ref)])
    return Outcome(NO, f"{cc.minidump_dir} does not exist.", [EvidenceItem(f"{cc.minidump_dir} not found",
                                                                          seen.ref)])


@readiness_check("live_kernel_reports")
def live_kernel_reports(_spec: CheckSpec, ctx: Context) -> Outcome:
    reports = [d for d in ctx.evidence.dumps if "livekernelreports" in d.path.lower().replace("\\", "/")]
    items = [EvidenceItem(d.path, EvidenceRef("dump", d.path)) for d in reports[:5]]
    if reports:
        return Outcome(YES, f"{len(reports)} live kernel report(s) found: problems Windows survived "
                            f"without a "
                            "Stop error.", items)
    seen = ctx.seen(LIVE_KERNEL_REPORTS)
    if seen is not None and seen.exists:
        return Outcome(YES, "The LiveKernelReports folder exists; no report in it was read.", items)
    return Outcome(UNKNOWN, "No live kernel report was in the evidence.")


@readiness_check("hibernation_path")
def hibernation_path(_spec: CheckSpec, ctx: Context) -> Outcome:
    reg = ctx.evidence.registry
    hib = reg.hibernation if reg else None
    if hib is None or hib.enabled is None:
        return Outcome(UNKNOWN, "Whether hibernation is on was not in the evidence.")
    if not hib.enabled:
        return not_applicable("Hibernation is off.", [EvidenceItem("Hibernation is off", hib.ref)])
    items = [EvidenceItem("Hibernation is on", hib.ref)]
    tl = ctx.evidence.timeline
    restarts = tl.unexpected_restarts() if tl else []
    # A Stop code is required: a restart during hibernation without one may be a power loss.
    crashed = [e for e in restarts if e.during_hibernate and e.dump_written is False and e.bugcheck_code]
    if crashed:
        return Outcome(NO, "The machine stopped with an error while hibernating and left no dump: "
                           "hibernation writes memory through the same dump stack, so a crash dump is likely "
                           "to fail the same way.",
                       items + [EvidenceItem(e.summary, e.events[0] if e.events else None, supports=False)
                                for e in crashed[-3:]])
    triggered = [v for v in ctx.known_issues if v.is_problem and v.hibernation_triggers]
    if triggered:
        return Outcome(NO, "Hibernation uses the same dump stack as a crash dump, and a known issue that "
                           "hibernating can trigger applies: "
                           + "; ".join(v.issue_title for v in triggered) + ".",
                       items + [EvidenceItem(v.headline, None, supports=False) for v in triggered])
    if tl is None:  # a failure would be recorded in the System log: without it, nothing is known
        return Outcome(UNKNOWN, "Hibernation is on; whether it ever failed is not known: no System log "
                                "was read.", items)
    return Outcome(YES, "Hibernation is on and no failed hibernation was recorded.", items)
