"""What every report shows, gathered once: the technical appendix rows and text clean-up."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.diagnosis.facts import nothing_readable
from core.diagnosis.model import MissingEvidence, Verdict
from core.diagnosis.wording import DUMP_TYPE_WORDS
from core.drivers.kind_words import KIND_WORDS, in_use_words
from core.dumps.bugchecks import format_code
from core.evidence import Evidence
from core.evidence_ref import EvidenceRef
from core.formatting import format_time

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    """Remove control characters (terminal escapes in hostile file names or event data)."""
    return _CONTROL.sub("\ufffd", str(text))


def ref_text(ref: EvidenceRef | None) -> str:
    return clean(str(ref)) if ref is not None else ""


@dataclass
class Table:
    title_key: str  # wording.SECTION_TITLES key
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    empty: str = "none"


def aligned_columns(rows: Sequence[Sequence[str]], cap: int | None = None) -> list[str]:
    """Plain-text table lines: each column as wide as its widest cell (at most `cap`, cut there)."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    if cap is not None:
        widths = [min(cap, w) for w in widths]
    def fit(c: str, w: int) -> str:  # a cut cell ends in "…", so nobody reads it as whole
        return c.ljust(w) if len(c) <= w else c[:max(w - 1, 0)] + "\u2026"

    return ["  ".join(fit(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def system_rows(ev: Evidence) -> list[tuple[str, str]]:
    rows = [("Source", ev.source_description)]
    reg = ev.registry
    s = reg.system if reg else None
    version = ev.os_version
    if s is not None:
        windows = f"{s.product_name or 'Windows'} {s.version_text}"
        windows += f" {s.csd_version}" if s.csd_version else ""
        if version is not None and version.chosen.source != "the SOFTWARE hive":
            windows = f"Windows {version.chosen.text} (from {version.chosen.source})"
        elif version is None:
            windows = "unknown (no SOFTWARE hive, boot event, crash dump header or Diskdump.sys says which)"
        rows += [("Windows", windows),
                 ("Architecture", s.architecture or "unknown"),
                 ("Computer name", s.computer_name or "unknown")]
    elif ev.os_version is not None:
        rows.append(("Windows", f"{ev.os_version.chosen.text} (from {ev.os_version.chosen.source})"))
    else:
        rows.append(("Windows", "unknown (no registry evidence)"))
    if ev.os_version is not None:
        rows += [("Windows version sources disagree", c) for c in ev.os_version.contradictions]
    if ev.machine is not None:
        for piece in ev.machine.pieces:
            shown = "; ".join(f"{c.kind} {c.value} ({c.source})" for c in piece.claims)
            rows.append(("Identity", f"{piece.label}: {shown or 'no computer name, build or architecture'}"))
    cc = reg.crash_control if reg else None
    if cc is not None:
        rows.append(("Crash dump setting", DUMP_TYPE_WORDS.get(cc.crash_dump_enabled, cc.dump_type_name)))
        rows.append(("Dump file", cc.dump_file))
    if reg is not None:
        rows.append(("Page files", ", ".join(
            f"{p.path} ({'system managed' if p.system_managed else f'{p.initial_mb}-{p.maximum_mb} MB'})"
            for p in reg.page_files) or "none"))
        hib = reg.hibernation
        rows.append(("Hibernation", "unknown" if hib is None or hib.enabled is None
                     else ("on" if hib.enabled else "off")))
        rows += [("Registry note", n) for n in reg.hive_notes]
    if ev.storage and ev.storage.boot_miniport:
        bm = ev.storage.boot_miniport
        rows.append(("Dump-path miniport", f"{bm.service or 'unknown'} ({bm.how}; {bm.confidence.value})"))
    for fix in ev.storage.dump_stack_files if ev.storage else []:
        rows.append((fix.file_name.capitalize(), fix.message))
    if ev.scanned_at:
        rows.append(("Scanned at", format_time(ev.scanned_at, seconds=True)))
    return [(k, clean(v)) for k, v in rows]


def dumps_table(ev: Evidence) -> Table:
    t = Table("dumps", ["File", "Time (UTC)", "Stop code", "Faulting driver", "Type", "State"],
              empty="No crash dump files were found.")
    for d in ev.dumps:
        t.rows.append([clean(x) for x in (
            d.path, format_time(d.system_time, zone=False) if d.system_time else "",
            f"{format_code(d.bugcheck.code)} {d.bugcheck.name}" if d.bugcheck else d.kind.value,
            d.faulting_driver or "", d.dump_type or "", d.integrity.status.value if d.integrity else "")])
    return t


def drivers_table(ev: Evidence) -> Table:
    # "In use", as the wizard and the CSV say it: several candidates can be in use while only one
    # serves the boot disk, so "in dump path" would claim what the boot-miniport line leaves open.
    t = Table("drivers", ["Service", "File", "Version", "Kind", "Confidence", "In use"],
              empty="No storage drivers were inspected.")
    if ev.storage is None:
        return t
    for d in ev.storage.drivers:
        version = d.pe.file_version if d.pe and d.pe.file_version else ("missing" if not d.file_path else "")
        t.rows.append([clean(x) for x in (d.service, d.file_path or d.file_name, version or "",
                                          KIND_WORDS.get(d.kind, d.kind.value), d.confidence.value,
                                          in_use_words(d))])
    return t


def timeline_table(ev: Evidence) -> Table:
    t = Table("timeline", ["Time (UTC)", "What happened", "Stop code", "Dump written"],
              empty="No event log evidence.")
    if ev.timeline is None:
        return t
    for e in ev.timeline.entries[-200:]:
        written = {True: "yes", False: "no", None: ""}[e.dump_written]
        t.rows.append([clean(x) for x in (format_time(e.time, seconds=True, zone=False), e.summary,
                                          format_code(e.bugcheck_code) if e.bugcheck_code is not None else "",
                                          written)])
    return t


def problems_table(ev: Evidence) -> Table:
    """Files that were there but could not be (fully) read. Evidence that is absent altogether is the
    verdict's "Evidence that would help", not a row here."""
    # "Every file could be read" beside "The evidence could not be read" contradicted itself
    empty = ("No file that Dump Doctor reads was found." if nothing_readable(ev)
             else "Every file could be read.")
    t = Table("problems", ["File", "Problem", "Step"], empty=empty)
    for p in ev.problems:
        t.rows.append([clean(p.path), clean(p.message), clean(p.step)])
    return t


def missing_not_in_steps(v: Verdict) -> list[MissingEvidence]:
    """Missing evidence the next steps do not already ask for (a can't-tell verdict's steps are
    exactly how to get it), so a report says each thing once."""
    asked = {s.title for s in v.next_steps}
    return [m for m in v.missing if m.message not in asked]


def appendix_tables(ev: Evidence) -> list[Table]:
    return [dumps_table(ev), drivers_table(ev), timeline_table(ev), problems_table(ev)]
