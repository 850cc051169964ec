"""Which computer each piece of evidence comes from, and which pieces belong together.

People send whatever files they were given: a SYSTEM hive from one computer, a System log from a
second and a crash dump from a third. Each piece shows some identity — the hive's ComputerName and
Tcpip Hostname, the Computer field of event records, a dump header's build and architecture — and
pieces are put together only when nothing they show disagrees. Named pieces (hive, log) belong together
when they share a name; unnamed pieces (dumps) join the one named machine they are compatible with, and
stand alone when they contradict it, could belong to more than one, or could not be confirmed to
belong to it (kept apart then, with the reason: see _doubt).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.drivers.storage import dump_miniports
from core.dumps.model import DumpInfo
from core.errors import DumpDoctorError
from core.events.model import EventReadResult
from core.evidence_ref import EvidenceRef
from core.osversion import build_to_version, from_events
from core.registry.keys import RegKey
from core.registry.model import RegistryFacts

NETBIOS_LENGTH = 15
LOG_SLACK = timedelta(days=1)  # a log read a little before the dump was copied still belongs with it


def short_name(name: str) -> str:
    """The comparable form of a computer name: no DNS suffix, case-folded, at most 15 characters
    (ComputerName is the NetBIOS form of a possibly longer host name)."""
    return name.strip().split(".")[0].casefold()[:NETBIOS_LENGTH]


@dataclass(frozen=True)
class IdentityClaim:
    kind: str  # "name" | "build" | "architecture"
    value: str
    source: str  # "ComputerName in the SYSTEM hive", "Computer field of 1601 event records"
    ref: EvidenceRef | None = None


@dataclass
class Piece:
    """One piece of evidence and the identity it shows."""

    label: str  # the file, as shown to the user
    kind: str  # "registry" | "events" | "dump"
    names: list[str] = field(default_factory=list)  # as found, the most recent/most used first
    build: int | None = None
    architecture: str | None = None
    claims: list[IdentityClaim] = field(default_factory=list)
    when: datetime | None = None  # when the build was seen: the newest boot, the crash of a dump
    last_seen: datetime | None = None  # a log's last record: a crash of this machine comes before it
    dump_miniports: list[str] = field(default_factory=list)  # a dump: the miniports it wrote through
    disk_drivers: set[str] | None = None  # a hive: services (and their files) bound to a device
    of: object = None  # the evidence object this piece describes (labels need not be unique)

    @property
    def keys(self) -> set[str]:
        return {short_name(n) for n in self.names if n.strip()}


@dataclass
class MachineIdentity:
    """A computer as the evidence shows it, and the pieces that come from it."""

    label: str  # "WKS-WIN732BITA", or "the computer that wrote x.dmp (build 19041, x64)"
    pieces: list[Piece] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "could not confirm x.dmp comes from this computer"
    # Kept apart only because nothing confirmed it is the same computer as the others (see _doubt): it
    # may be the same, so the user is told "may come from N computers", not "come from".
    unconfirmed: bool = False

    @property
    def names(self) -> list[str]:
        seen: dict[str, str] = {}
        for piece in self.pieces:
            for name in piece.names:
                seen.setdefault(short_name(name), name)
        return list(seen.values())

    @property
    def builds(self) -> set[int]:
        return {p.build for p in self.pieces if p.build is not None}

    @property
    def architectures(self) -> set[str]:
        return {p.architecture for p in self.pieces if p.architecture}

    def has(self, label: str) -> bool:
        return any(p.label == label for p in self.pieces)

    def holds(self, evidence: object) -> bool:
        """True when `evidence` (the RegistryFacts, EventReadResult or DumpInfo a piece was made from)
        is one of this machine's pieces."""
        return any(p.of is evidence for p in self.pieces)


# -- identity of each piece ------------------------------------------------------------------------


def _value(key: RegKey | None, path: str, value: str) -> tuple[str, EvidenceRef] | None:
    sub = key.subkey(path) if key is not None else None
    text = sub.get_str(value) if sub is not None else None
    if sub is None or not text or not text.strip():
        return None
    return text.strip(), EvidenceRef("registry", f"{sub.path}\\{value}", text.strip())


def registry_piece(label: str, facts: RegistryFacts, control_set: RegKey | None) -> Piece:
    """The hive's names (ComputerName and Tcpip Hostname), architecture and, with SOFTWARE, build.
    Reading stops quietly at damage: a name that cannot be read is simply not a claim."""
    piece = Piece(label, "registry", of=facts)
    found = []
    for path, value, what in ((r"Control\ComputerName\ComputerName", "ComputerName", "ComputerName"),
                              (r"Services\Tcpip\Parameters", "Hostname", "Tcpip Hostname")):
        try:
            got = _value(control_set, path, value)
        except DumpDoctorError:  # a damaged key is no identity claim, nothing more
            got = None
        if got is not None:
            found.append(got)
            piece.claims.append(IdentityClaim("name", got[0], f"{what} in the SYSTEM hive", got[1]))
    if not found and facts.system is not None and facts.system.computer_name:
        found.append((facts.system.computer_name, EvidenceRef("registry", "ComputerName")))
    piece.names = list(dict.fromkeys(name for name, _ in found))
    if facts.devices and not {"services", "enum", "control-set"} & set(facts.unreadable):
        bound = {d.service.casefold() for d in facts.devices if d.service and not d.legacy}
        files = {(s.image_path or "").replace("/", "\\").rsplit("\\", 1)[-1].casefold().removesuffix(".sys")
                 for key, s in facts.services.items() if key in bound}
        piece.disk_drivers = bound | {f for f in files if f}
    system = facts.system
    if system is not None and system.architecture:
        piece.architecture = system.architecture
        piece.claims.append(IdentityClaim("architecture", system.architecture, "the SYSTEM hive"))
    if system is not None and system.build is not None and any(
            "currentversion" in r.location.casefold() for r in system.refs):
        piece.build = system.build
        piece.claims.append(IdentityClaim("build", str(system.build), "the SOFTWARE hive"))
    return piece


def events_piece(result: EventReadResult) -> Piece:
    """A log's Computer names, the name of its newest records first (a log can hold a machine's older
    names from before a rename or domain join), and the build of its newest boot."""
    piece = Piece(result.origin, "events", last_seen=result.last_event, of=result)
    counts = Counter(r.computer.strip() for r in result.records if r.computer and r.computer.strip())
    newest = {}
    for rec in result.records:
        if rec.computer and rec.computer.strip():
            newest[rec.computer.strip()] = rec.time
    piece.names = sorted(counts, key=lambda n: newest[n], reverse=True)
    # Only the records the diagnosis reads are kept, so the count is of those, not of the whole log.
    relevant = len(result.records)
    whole = f" (of {result.records_read} in the log)" if result.records_read > relevant else ""
    for name in piece.names:
        piece.claims.append(IdentityClaim(
            "name", name, f"Computer field of {counts[name]} of the {relevant} event records Dump Doctor "
                          f"reads{whole}"))
    dated = [c for c in from_events(result.records) if c.when is not None]
    if dated:
        newest_boot = max(dated, key=lambda c: c.when or datetime.min)
        piece.build, piece.when = newest_boot.build, newest_boot.when
        piece.claims.append(IdentityClaim("build", str(newest_boot.build), newest_boot.source,
                                          newest_boot.ref))
    return piece


def dump_piece(dump: DumpInfo) -> Piece:
    piece = Piece(dump.path, "dump", build=dump.build or None, architecture=dump.machine,
                  when=dump.system_time, dump_miniports=dump_miniports(dump.dump_stack, ["dumpfve.sys"]),
                  of=dump)
    if dump.build:
        piece.claims.append(IdentityClaim("build", str(dump.build), "the dump header",
                                          EvidenceRef("dump", dump.path, "header build")))
    if dump.machine:
        piece.claims.append(IdentityClaim("architecture", dump.machine, "the dump header"))
    return piece


# -- grouping --------------------------------------------------------------------------------------


def _contradiction(piece: Piece, machine: MachineIdentity) -> str | None:
    """Why `piece` cannot come from `machine`, or None when nothing disagrees."""
    archs = machine.architectures
    if piece.architecture and archs and piece.architecture not in archs:
        return (f"{piece.label} is from {piece.architecture} Windows, the other files from "
                f"{', '.join(sorted(archs))} Windows")
    if piece.build is not None and machine.builds:
        newest = max(machine.builds)
        if build_to_version(piece.build) != build_to_version(newest):
            return f"{piece.label} is from Windows build {piece.build}, the other files from build {newest}"
        if piece.build > newest:
            # A newer build of the same Windows is possible after an update, but not before a boot that
            # still ran the older one.
            seen = [p.when for p in machine.pieces if p.build == newest and p.when is not None]
            if piece.when is not None and seen and piece.when < max(seen):
                return (f"{piece.label} is from Windows build {piece.build}, but the other files show build "
                        f"{newest} running after it")
    disks = [p.disk_drivers for p in machine.pieces if p.disk_drivers is not None]
    if piece.dump_miniports and disks and not any(set(piece.dump_miniports) & d for d in disks):
        return (f"{piece.label} wrote its dump through {', '.join(piece.dump_miniports)}, a disk driver no "
                "device uses in the other files' registry")
    return None


def _doubt(piece: Piece, machine: MachineIdentity) -> str | None:
    """Why it could not be confirmed that `piece` comes from `machine`, when nothing contradicts it.

    A dump whose crash comes after the last record of the machine's log, with a newer build of the same
    Windows than the log shows: the log may simply have been copied before the crash (the normal case:
    people export the log, then the machine crashes), and the update may have come after it. Nothing read
    says it is another computer, so this is never a firm "not the same computer"; but nothing read
    confirms it is the same either, and a dump decides a machine's verdict. The piece is therefore kept
    apart (diagnosed on its own, so it can never decide the log's computer's verdict) and the user is
    told it could not be confirmed, and why."""
    logs_end = [p.last_seen for p in machine.pieces if p.kind == "events" and p.last_seen is not None]
    crashed = piece.when
    upgraded = piece.build is not None and machine.builds and piece.build not in machine.builds
    if (piece.kind == "dump" and upgraded and crashed is not None and logs_end
            and crashed > max(logs_end) + LOG_SLACK):
        return (f"{piece.label} records a crash on {crashed:%Y-%m-%d} with Windows build {piece.build}, "
                f"after the last record of the other files' event log, which never shows that build (a log "
                "copied before the crash looks the same)")
    return None


def _label(machine: MachineIdentity) -> str:
    names = machine.names
    if names:
        return names[0].split(".")[0]
    what = []
    if machine.builds:
        what.append(f"Windows build {max(machine.builds)}")
    what += sorted(machine.architectures)
    first = machine.pieces[0].label.replace("\\", "/").rsplit("/", 1)[-1] if machine.pieces else "these files"
    return f"the computer that wrote {first}" + (f" ({', '.join(what)})" if what else "")


def group_pieces(pieces: list[Piece]) -> list[MachineIdentity]:
    """Pieces into machines. Named pieces sharing a name are one machine; a name that is shared with
    nothing else starts a new one. Unnamed pieces join the only machine they do not contradict."""
    machines: list[MachineIdentity] = []
    for piece in (p for p in pieces if p.keys):
        matching = [m for m in machines if any(piece.keys & p.keys for p in m.pieces)]
        if not matching:
            machines.append(MachineIdentity("", [piece]))
            continue
        target = matching[0]
        for other in matching[1:]:  # the piece bridges two machines: they are one
            target.pieces += other.pieces
            machines.remove(other)
        reason = _contradiction(piece, target) or _doubt(piece, target)
        if reason:
            target.notes.append(f"The files share the computer name but {reason[0].lower()}{reason[1:]} "
                                "(perhaps Windows was upgraded between them).")
        target.pieces.append(piece)
    for piece in (p for p in pieces if not p.keys):
        fits = [m for m in machines if _contradiction(piece, m) is None and _doubt(piece, m) is None]
        confirmed = [m for m in fits if (piece.build is not None and piece.build in m.builds)
                     or (piece.architecture is not None and piece.architecture in m.architectures)]
        if len(fits) == 1 or len(confirmed) == 1:
            target = fits[0] if len(fits) == 1 else confirmed[0]
            if target not in confirmed:
                target.notes.append(f"{piece.label} shows no computer name; nothing in it contradicts "
                                    "the other files, so it is taken to come from the same computer.")
            target.pieces.append(piece)
            continue
        # Unnamed pieces that could belong to several computers: the same build and architecture go
        # together (one "unassigned" computer, not one per dump).
        alike = [m for m in fits if not m.names and m.builds == {piece.build}
                 and m.architectures <= {piece.architecture}]
        if alike:
            alike[0].pieces.append(piece)
            continue
        note = ""
        doubtful = False
        if not fits and machines:
            firm = [r for r in (_contradiction(piece, m) for m in machines) if r]
            doubts = [r for m in machines if _contradiction(piece, m) is None
                      for r in [_doubt(piece, m)] if r]
            parts = []
            if firm:
                parts.append("Not the same computer as the other files: " + "; ".join(firm) + ".")
            if doubts:
                parts.append("Dump Doctor could not confirm it is the same computer as the other files: "
                             + "; ".join(doubts) + ". It is diagnosed on its own.")
            note = " ".join(parts)
            doubtful = not firm and bool(doubts)
        if len(fits) > 1:
            for m in fits:
                m.label = m.label or _label(m)
            note = (f"{piece.label} shows no computer name and could come from "
                    + " or ".join(m.label for m in fits) + "; it is diagnosed on its own.")
        machines.append(MachineIdentity("", [piece], [note] if note else [], unconfirmed=doubtful))
    for machine in machines:
        machine.label = _label(machine)  # after grouping: names may have been added
    return machines
