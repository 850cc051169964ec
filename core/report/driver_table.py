"""The storage-driver table as every front end shows it (`dumpdoctor drivers` and the wizard's drivers
page): rows in the order that matters, kinds and fix states in words. Nothing here judges: the kinds and
fix states come from core.drivers."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.drivers.kind_words import KIND_WORDS, in_use_words
from core.drivers.model import DriverKind, FixCheck, FixState, StorageDriver, StorageReport

# Which evidence decided a driver's kind, in helpdesk words (StorageDriver.decided_by).
DECIDED_WORDS = {"code": "from its code", "bus": "from its device's bus", "name table": "from its name only",
                 "imports": "from its imports", "content": "from its content", "name": "from its name"}


def _kind_text(d: StorageDriver) -> str:
    if d.kind is DriverKind.UNKNOWN and d.pe is not None:
        return "Storport miniport, virtual or physical unknown"
    base = KIND_WORDS.get(d.kind, str(d.kind))
    how = DECIDED_WORDS.get(d.decided_by or "")
    if d.kind in (DriverKind.STORPORT_VIRTUAL, DriverKind.STORPORT_PHYSICAL) and how:
        return f"{base} ({how}; {d.confidence.value} confidence)"
    return base


FIX_WORDS: dict[FixState, str] = {
    FixState.FIXED: "Fixed version",
    FixState.NOT_FIXED: "NOT the fixed version",
    FixState.NOT_COVERED: "Not covered by the article",
    FixState.UNKNOWN: "Unknown",
}


@dataclass(frozen=True)
class DriverRow:
    name: str
    file_name: str
    version: str
    vendor: str
    kind: str
    why: str
    in_use: bool
    virtual: bool  # a virtual Storport miniport: the kind the article is about
    in_use_known: bool = True  # False for files given on their own: only the registry can tell
    in_use_words: str = ""  # "yes" / "no" / "unknown" / "only while a dump is written"


@dataclass(frozen=True)
class FixRow:
    file_name: str
    version: str
    status: str
    message: str
    needs_attention: bool


@dataclass
class DriverTable:
    drivers: list[DriverRow] = field(default_factory=list)
    fixes: list[FixRow] = field(default_factory=list)
    boot_miniport: str = ""

    @property
    def focus_row(self) -> int:
        """The row to show first: a virtual miniport (what the article is about), else one in use."""
        return next((i for i, r in enumerate(self.drivers) if r.virtual),
                    next((i for i, r in enumerate(self.drivers) if r.in_use), 0))


def _fix_row(fix: FixCheck) -> FixRow:
    return FixRow(fix.file_name, fix.version or "unknown", FIX_WORDS[fix.state], fix.message,
                  needs_attention=fix.state is FixState.NOT_FIXED)


def _driver_order(d: StorageDriver) -> tuple[int, str]:
    """What matters first: drivers in use, then any virtual miniport, then boot-start ones; the dump
    stack files last (they are reported again under the fix check)."""
    if d.kind is DriverKind.DUMP_STACK:
        rank = 4
    elif d.in_use:
        rank = 0
    elif d.kind is DriverKind.STORPORT_VIRTUAL:
        rank = 1
    elif d.start == 0:
        rank = 2
    else:
        rank = 3
    return rank, d.service.casefold()


def driver_table(storage: StorageReport | None) -> DriverTable:
    table = DriverTable()
    if storage is None:
        return table
    for d in sorted(storage.drivers, key=_driver_order):
        pe = d.pe
        why = " ".join(d.reasons) if d.reasons else (d.error or "")
        table.drivers.append(DriverRow(
            name=d.service,
            file_name=d.file_name,
            version=(pe.file_version if pe and pe.file_version else "unknown"),
            vendor=(pe.company if pe and pe.company else "unknown"),
            kind=_kind_text(d),
            why=why,
            in_use=d.in_use,
            virtual=d.kind is DriverKind.STORPORT_VIRTUAL,
            in_use_known=not d.loose or d.in_use,
            in_use_words=in_use_words(d),
        ))
    table.fixes += [_fix_row(fix) for fix in storage.dump_stack_files]
    bm = storage.boot_miniport
    if bm is not None:
        who = bm.service or "could not be determined"
        table.boot_miniport = f"Boot disk miniport: {who} ({bm.how}; {bm.confidence} confidence)"
    return table
