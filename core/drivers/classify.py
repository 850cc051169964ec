"""Classify one storage driver from combined signals, each shown to the user as a sentence.

Port driver imports decide the family (Storport / SCSIport / ATA / monolithic). Within Storport, the
virtual-vs-physical question weighs: the knowledge table (strong when confirmed), the device's bus
(PCI is strong evidence of hardware; ROOT or a software bus is a medium hint), and the
StorPortInitialize heuristic (medium). Root\\LEGACY_* instances carry no weight (FACTS §7).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.drivers.init_data_scan import hint_is_virtual
from core.drivers.knowledge import KnownDriver
from core.drivers.model import Confidence, DriverKind, PeInfo
from core.registry.model import Device, Service

PORT_DRIVERS = {"storport.sys": "Storport", "scsiport.sys": "SCSIport", "ataport.sys": "ATA port"}
HARDWARE_BUSES = {"PCI", "PCIIDE", "ACPI", "PCMCIA", "USB", "HDAUDIO"}
SOFTWARE_BUSES = {"ROOT", "SWD"}
_WEIGHT = {"strong": 3, "medium": 2, "weak": 1}


@dataclass(frozen=True)
class Signal:
    virtual: bool  # points towards a virtual miniport (False: towards physical)
    strength: str  # "strong" | "medium" | "weak"
    sentence: str


@dataclass
class Classification:
    kind: DriverKind
    confidence: Confidence
    reasons: list[str]


def start_sentence(service: Service | None) -> str | None:
    if service is None or service.start is None:
        return None
    names = {0: "boot", 1: "system", 2: "automatic", 3: "on demand", 4: "disabled"}
    text = f"Start = {service.start} ({names.get(service.start, 'unknown')})"
    if service.raw_start is not None and service.raw_start != service.start:
        text += f"; the stored Start is {service.raw_start} but StartOverride changes it"
    if service.start == 0:
        return text + ": loaded at boot, so it can serve the boot disk."
    return text + ": not loaded at boot, so it cannot serve the boot disk."


def device_signals(devices: list[Device]) -> tuple[list[Signal], list[str]]:
    """Signals from the devices bound to the driver, plus neutral sentences."""
    signals: list[Signal] = []
    notes: list[str] = []
    for dev in devices:
        bus = dev.bus.upper()
        if dev.legacy:
            notes.append(f"{dev.instance_path} is a legacy (non-Plug and Play) instance Windows creates for "
                         "ordinary services; it is not evidence of a virtual adapter.")
        elif bus in HARDWARE_BUSES:
            signals.append(Signal(False, "strong", f"It drives {dev.instance_path}, a device on the {bus} "
                                  "bus: a physical adapter."))
        elif bus in SOFTWARE_BUSES:
            signals.append(Signal(True, "medium", f"It drives {dev.instance_path}, a root-enumerated "
                                  "(software) adapter, as virtual miniports usually do; not proof."))
        else:
            notes.append(f"It drives {dev.instance_path} on the {bus} bus, which says nothing certain "
                         "about virtual or physical.")
    return signals, notes


def _table_signal(entry: KnownDriver | None) -> tuple[list[Signal], list[str]]:
    if entry is None:
        return [], []
    if entry.model == "unconfirmed" or not entry.confirmed:
        return [], [f"{entry.reason} (unconfirmed; source: {entry.source})"]
    strength = "strong"
    return [Signal(entry.model == "virtual", strength, f"{entry.reason} (source: {entry.source})")], []


def _heuristic_signals(pe: PeInfo) -> tuple[list[Signal], list[str]]:
    signals: list[Signal] = []
    notes: list[str] = []
    for hint in pe.init_data_hints:
        where = f"at file offset 0x{hint.call_offset:X}"
        if hint_is_virtual(hint):
            what = (f"FeatureSupport 0x{hint.feature_support:X} with STOR_FEATURE_VIRTUAL_MINIPORT"
                    if hint.feature_support is not None and hint.structure != "VIRTUAL_HW_INITIALIZATION_DATA"
                    else f"size 0x{hint.size:X} ({hint.structure})")
            signals.append(Signal(True, "medium", f"Heuristic code scan: the StorPortInitialize call {where} "
                                  f"is preceded by a store of {what}, the virtual miniport interface."))
        elif hint.interface_type == 5:
            signals.append(Signal(False, "medium", "Heuristic code scan: the StorPortInitialize call "
                                  f"{where} passes {hint.structure} with AdapterInterfaceType = PCIBus."))
        else:
            notes.append(f"Heuristic code scan: the StorPortInitialize call {where} passes {hint.structure} "
                         "(size 0x{0:X}); no sign of the virtual miniport interface.".format(hint.size))
    return signals, notes


def _decide(signals: list[Signal]) -> tuple[bool, Confidence, list[str]]:
    if not signals:
        return False, Confidence.LOW, [
            "No sign of a virtual miniport was found; most Storport miniports drive physical adapters, "
            "so it is taken as physical (low confidence)."]
    score = sum(_WEIGHT[s.strength] * (1 if s.virtual else -1) for s in signals)
    virtual = score > 0
    agree = all(s.virtual == virtual for s in signals)
    extra: list[str] = []
    if not agree:
        extra.append("The signals disagree; the stronger ones decide, with low confidence.")
        return virtual, Confidence.LOW, extra
    if any(s.strength == "strong" for s in signals):
        return virtual, Confidence.HIGH, extra
    return virtual, Confidence.MEDIUM, extra


def classify(
    pe: PeInfo,
    *,
    storage_role: bool,
    entry: KnownDriver | None,
    service: Service | None,
    devices: list[Device],
    system_arch: str | None,
) -> Classification:
    """`storage_role`: the registry says this is a storage miniport (its group or device class). Without
    a port driver import it is called monolithic only when it also drives a present device or is a
    known storage driver; otherwise OTHER."""
    reasons: list[str] = []
    ports = [dll for dll in PORT_DRIVERS if pe.imports_dll(dll)]
    for dll in ports:
        reasons.append(f"It imports {dll} ({PORT_DRIVERS[dll]} miniport interface).")
    if pe.bits == 32 and (system_arch or "").upper() in {"X64", "IA64", "ARM64"}:
        reasons.append(f"The PE header says this is a 32-bit file ({pe.machine}) although Windows here is "
                       f"{system_arch}; it cannot load as this system's kernel driver.")
    else:
        reasons.append(f"The PE header says {pe.bits}-bit ({pe.machine}).")
    start = start_sentence(service)
    if start:
        reasons.append(start)

    dev_signals, dev_notes = device_signals(devices)
    if "storport.sys" in ports:
        table_signals, table_notes = _table_signal(entry)
        heur_signals, heur_notes = _heuristic_signals(pe)
        signals = table_signals + heur_signals + dev_signals
        reasons += [s.sentence for s in signals] + table_notes + heur_notes + dev_notes
        if pe.imports_dll("ntoskrnl.exe"):
            reasons.append("It also imports ntoskrnl.exe; virtual miniports often do, but so do most drivers "
                           "(a hint, not proof).")
        virtual, confidence, extra = _decide(signals)
        reasons += extra
        kind = DriverKind.STORPORT_VIRTUAL if virtual else DriverKind.STORPORT_PHYSICAL
        return Classification(kind, confidence, reasons)

    reasons += [s.sentence for s in dev_signals] + dev_notes
    if entry is not None:
        reasons.append(f"{entry.reason} (source: {entry.source}"
                       f"{'; unconfirmed' if not entry.confirmed else ''})")
    if "scsiport.sys" in ports:
        return Classification(DriverKind.SCSIPORT, Confidence.HIGH, reasons)
    if "ataport.sys" in ports:
        return Classification(DriverKind.ATA, Confidence.HIGH, reasons)
    has_device = any(not d.legacy for d in devices)
    if entry is not None or (storage_role and has_device):
        reasons.append("It imports no port driver (storport.sys, scsiport.sys or ataport.sys) although it is "
                       "registered as a storage miniport: a monolithic miniport (like some Intel RST iaStor "
                       "builds), which the virtual Storport defect does not concern.")
        return Classification(DriverKind.MONOLITHIC, Confidence.MEDIUM, reasons)
    reasons.append("It imports no port driver and drives no present storage adapter, so it is not "
                   "treated as a disk miniport.")
    return Classification(DriverKind.OTHER, Confidence.MEDIUM, reasons)


_PORT_KINDS = {
    ("storport", "virtual"): DriverKind.STORPORT_VIRTUAL,
    ("storport", "physical"): DriverKind.STORPORT_PHYSICAL,
    ("scsiport", "physical"): DriverKind.SCSIPORT,
    ("ataport", "physical"): DriverKind.ATA,
}


def classify_without_file(entry: KnownDriver | None, devices: list[Device]) -> Classification | None:
    """When the driver file is not in the evidence (a bundle with the registry only), the knowledge
    table and the device's bus can still say what it is — with medium confidence at best, because
    the file's imports were not checked. None when neither says enough."""
    if entry is None or not entry.confirmed or entry.port is None:
        return None
    kind = _PORT_KINDS.get((entry.port, entry.model))
    if kind is None:
        return None
    signals, _notes = device_signals(devices)
    contradicted = any(s.virtual != (entry.model == "virtual") for s in signals)
    reasons = [f"Known driver table: {entry.reason} (source: {entry.source})."]
    if contradicted:
        reasons.append("Its device placement disagrees with the table, so this is uncertain.")
    reasons.append("The file itself was not in the evidence, so its imports were not checked; add "
                   "the driver file (Windows\\System32\\drivers) to confirm.")
    return Classification(kind, Confidence.LOW if contradicted else Confidence.MEDIUM, reasons)
