"""Small views over the Evidence that several rules need (OS build, RAM, Stop-code names, missing)."""

from __future__ import annotations

from dataclasses import dataclass

from core.advice import HOW_TO_GET
from core.diagnosis.model import EvidenceItem, MissingEvidence
from core.diagnosis.wording import MISSING_MESSAGES
from core.dumps import bugchecks
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef
from core.osversion import derive_version


@dataclass(frozen=True)
class OsBuild:
    build: int
    text: str  # "Windows 7 Enterprise 6.1.7600"
    item: EvidenceItem


def os_build(ev: Evidence) -> OsBuild | None:
    """The Windows build from every source the scan compared (core.osversion), citing the one it came
    from: the SOFTWARE hive, a boot event, a dump header or Diskdump.sys."""
    version = ev.os_version or derive_version(ev.registry, [], ev.dumps, ev.storage)
    if version is None:
        return None
    chosen = version.chosen
    system = ev.registry.system if ev.registry else None
    if chosen.source == "the SOFTWARE hive" and system is not None:
        name = system.product_name or "Windows"
        text = f"{name} {system.version_text}"
        if system.csd_version:
            text += f" ({system.csd_version})"
    else:
        text = f"Windows {chosen.text}"
    item = EvidenceItem(f"Windows version: {text} (from {chosen.source})", chosen.ref)
    return OsBuild(chosen.build, text, item)


def version_contradictions(ev: Evidence) -> list[EvidenceItem]:
    version = ev.os_version or derive_version(ev.registry, [], ev.dumps, ev.storage)
    if version is None:
        return []
    return [EvidenceItem(f"Sources disagree: {c}.", None, supports=False) for c in version.contradictions]


def physical_memory(ev: Evidence) -> tuple[int, EvidenceRef] | None:
    """RAM size: read from the machine where the source could (live, or a bundle's memory.csv), else
    from a crash dump header's physical memory description."""
    vf = ev.volume_facts
    if vf is not None and vf.ram_bytes:
        return vf.ram_bytes, vf.ram_ref or EvidenceRef("derived", "installed RAM")
    for dump in ev.dumps:
        if dump.physical_memory_bytes:
            return dump.physical_memory_bytes, EvidenceRef("dump", dump.path, "physical memory block")
    return None


def bugcheck_words(code: int) -> tuple[str, str]:
    """(name, plain meaning) for a Stop code; an undocumented code is named by its hex value and has no
    meaning (stop_label already says it is undocumented)."""
    info = bugchecks.lookup(code)
    return info.name, info.meaning if info.documented else ""


def stop_label(code: int) -> str:
    """'0x000000D1 DRIVER_IRQL_NOT_LESS_OR_EQUAL', or '0x00010001 (not a documented code)' — never the
    hex value twice."""
    info = bugchecks.lookup(code)
    code_text = bugchecks.format_code(code)
    return f"{code_text} {info.name}" if info.documented else f"{code_text} (not a documented code)"


def missing_evidence(ev: Evidence, wanted: list[str]) -> list[MissingEvidence]:
    """Missing items for the given ids, using the source's own words where it recorded them."""
    recorded = {m.what: m for m in ev.missing}
    result = []
    for what in wanted:
        m = recorded.get(what)
        if m is not None:
            result.append(MissingEvidence(what, m.message, m.how_to_get or HOW_TO_GET.get(what, "")))
        else:
            result.append(MissingEvidence(what, MISSING_MESSAGES.get(what, what), HOW_TO_GET.get(what, "")))
    if ev.elevated is False and "admin" not in wanted:
        result.append(missing_evidence(ev, ["admin"])[0])
    return result


def nothing_readable(ev: Evidence) -> bool:
    """True when the scan produced no usable evidence at all (exit code 3)."""
    has_storage = ev.storage is not None and (bool(ev.storage.drivers) or bool(ev.storage.dump_stack_files))
    has_events = ev.timeline is not None and ev.timeline.records_read > 0
    return ev.registry is None and not ev.dumps and not has_storage and not has_events
