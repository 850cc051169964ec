"""Classify one storage driver from its own content first, each signal shown to the user as a sentence.

Port driver imports decide the family (Storport / SCSIport / ATA / monolithic). Within Storport, virtual
or physical is decided, in this order, by:
  1. the code: the structure DriverEntry passes to StorPortInitialize (core.drivers.init_data_scan) is
     what Storport itself uses to tell a virtual miniport, so it decides whenever it could be read;
  2. the bus of the bound device (registry): PCI, PCIIDE or ACPI is physical hardware — virtio, VMware
     PVSCSI and Xen PV block are physical-model miniports of virtual PCI devices; ROOT\\, SWD\\ or a
     {GUID}\\ software bus created by another driver is evidence for a virtual miniport, not proof;
  3. the name table (resources/known_drivers.json), never alone when 1 or 2 say something, and
     disagreements are said.
Root\\LEGACY_* instances carry no weight (FACTS §7). When nothing decides, the kind is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.drivers.init_data import (
    PCI_BUS,
    UNREAD_STRUCT,
    VIRTUAL_STRUCT,
    hint_is_physical,
    hint_is_virtual,
)
from core.drivers.knowledge import KnownDriver
from core.drivers.model import Confidence, DriverKind, InitDataHint, PeInfo
from core.registry.model import Device, Service

PORT_DRIVERS = {"storport.sys": "Storport", "scsiport.sys": "SCSIport", "ataport.sys": "ATA port"}
HARDWARE_BUSES = {"PCI", "PCIIDE", "ACPI", "PCMCIA", "USB", "HDAUDIO"}
SOFTWARE_BUSES = {"ROOT", "SWD"}
NATIVE_SUBSYSTEM = 1
_CALL_WORDS = {"direct": "a direct call", "thunk": "a call through an import thunk",
               "register": "a call through a register"}


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
    decided_by: str | None = None  # "code" | "bus" | "name table" | "imports" | None


def _software_bus(instance_path: str) -> str | None:
    """'ROOT' / 'SWD' or '{GUID}' when the device was created by software rather than found on hardware."""
    enumerator = instance_path.split("\\", 1)[0]
    if enumerator.startswith("{") and enumerator.endswith("}"):
        return enumerator
    return enumerator.upper() if enumerator.upper() in SOFTWARE_BUSES else None


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
        elif bus in SOFTWARE_BUSES or _software_bus(dev.instance_path):
            signals.append(Signal(True, "medium", f"It drives {dev.instance_path}, an adapter created by "
                                  "software (not found on a hardware bus), as virtual miniports usually "
                                  "do; not proof."))
        else:
            notes.append(f"It drives {dev.instance_path} on the {bus} bus, which says nothing certain "
                         "about virtual or physical.")
    return signals, notes


def _where(hint: InitDataHint) -> str:
    return f"{_CALL_WORDS.get(hint.call_kind, 'a call')} at file offset 0x{hint.call_offset:X}"


def code_evidence(pe: PeInfo) -> tuple[bool | None, list[str]]:
    """(True virtual / False physical / None undecided, sentences) from the StorPortInitialize calls."""
    if pe.code_scan_error:
        return None, [f"Its code could not be read: {pe.code_scan_error}."]
    if not pe.init_data_hints:
        return None, ["It imports StorPortInitialize, but no call to it was found in its code, so the code "
                      "does not tell whether it is a virtual miniport."]
    sentences: list[str] = []
    virtual = [h for h in pe.init_data_hints if hint_is_virtual(h)]
    physical = [h for h in pe.init_data_hints if hint_is_physical(h)]
    for h in virtual:
        if h.structure == VIRTUAL_STRUCT:
            what = f"a VIRTUAL_HW_INITIALIZATION_DATA (size 0x{h.size:X})"
        else:
            what = (f"a HW_INITIALIZATION_DATA whose FeatureSupport has the virtual miniport flag set "
                    f"(0x{h.feature_support or 0:X})")
        sentences.append(f"Its code registers it with Storport as a virtual miniport: it passes {what} to "
                         f"StorPortInitialize ({_where(h)}).")
    for h in physical:
        bus = " for a PCI adapter" if h.interface_type == PCI_BUS else ""
        flag = "" if h.structure != "HW_INITIALIZATION_DATA (Windows 8 and later)" else \
            " without the virtual miniport flag"
        sentences.append(f"Its code registers it with Storport as a hardware miniport{bus}: it passes "
                         f"{h.structure} (size 0x{h.size:X}){flag} to StorPortInitialize ({_where(h)}).")
    for h in pe.init_data_hints:
        if h in virtual or h in physical:
            continue
        if h.structure == UNREAD_STRUCT:
            why = h.note or "the structure could not be read"
        elif h.feature_support is None or not h.feature_known_mask & 1:
            why = f"it passes {h.structure} but its FeatureSupport virtual flag is not set in that function"
        else:
            why = f"it passes {h.structure}"
        sentences.append(f"Its code calls StorPortInitialize ({_where(h)}), but {why}; "
                         "that call does not tell virtual from physical.")
    if virtual:
        return True, sentences
    if physical:
        return False, sentences
    return None, sentences


def _table_sentence(entry: KnownDriver) -> str:
    unconfirmed = "; unconfirmed" if not entry.confirmed or entry.model == "unconfirmed" else ""
    reason = entry.reason.rstrip(".")
    return f"Known driver table (by file name): {reason} (source: {entry.source}{unconfirmed})"


def _table_model(entry: KnownDriver | None) -> bool | None:
    if entry is None or not entry.confirmed or entry.model not in ("virtual", "physical"):
        return None
    return entry.model == "virtual"


def _model_word(virtual: bool) -> str:
    return "virtual" if virtual else "physical"


def decide_storport(pe: PeInfo, entry: KnownDriver | None, dev_signals: list[Signal],
                    registry_read: bool) -> tuple[bool | None, Confidence, list[str], str | None]:
    """(virtual?, confidence, sentences, which evidence decided). See the module docstring for the order."""
    code, sentences = code_evidence(pe)
    bus_virtual = [s for s in dev_signals if s.virtual]
    bus_physical = [s for s in dev_signals if not s.virtual]
    table = _table_model(entry)
    sentences = sentences + [s.sentence for s in dev_signals]
    if entry is not None:
        sentences.append(_table_sentence(entry) + ".")
    if code is not None:
        confidence = Confidence.HIGH
        against = bus_physical if code else bus_virtual
        if against:
            sentences.append(f"Its code says {_model_word(code)} but its device placement suggests "
                             "otherwise; the code decides, because Storport acts on what the code registers.")
            confidence = Confidence.MEDIUM
        if table is not None and table != code:
            sentences.append(f"Its code and the known driver table disagree (the table says "
                             f"{_model_word(table)}); the code decides.")
            confidence = Confidence.MEDIUM
        return code, confidence, sentences, "code"
    if bus_physical and not bus_virtual:
        if table is not None and table:
            sentences.append("The known driver table says virtual, but its device is on a hardware bus; "
                             "the bus decides.")
        return False, Confidence.HIGH if table in (None, False) else Confidence.MEDIUM, sentences, "bus"
    if bus_virtual and not bus_physical:
        if table is False:
            sentences.append("The known driver table says physical, but its device was created by "
                             "software; this is uncertain.")
            return True, Confidence.LOW, sentences, "bus"
        return True, Confidence.MEDIUM, sentences, "bus"
    if table is not None:
        sentences.append(f"Only its file name decides ({_model_word(table)}): its code and its device "
                         "did not tell.")
        return table, Confidence.MEDIUM if table is False else Confidence.LOW, sentences, "name table"
    sentences.append("Nothing read tells whether it is a virtual or a physical Storport miniport, so that is "
                     "left unknown.")
    return None, Confidence.LOW, sentences, None


def classify(
    pe: PeInfo,
    *,
    storage_role: bool,
    entry: KnownDriver | None,
    service: Service | None,
    devices: list[Device],
    system_arch: str | None,
    registry_read: bool = True,
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
        virtual, confidence, sentences, decided = decide_storport(pe, entry, dev_signals, registry_read)
        reasons += sentences + dev_notes
        if pe.imports_dll("ntoskrnl.exe") and decided != "code":
            reasons.append("It also imports ntoskrnl.exe; virtual miniports often do, but so do most drivers "
                           "(a hint, not proof).")
        if virtual is None:
            return Classification(DriverKind.UNKNOWN, Confidence.LOW, reasons, None)
        kind = DriverKind.STORPORT_VIRTUAL if virtual else DriverKind.STORPORT_PHYSICAL
        return Classification(kind, confidence, reasons, decided)

    reasons += [s.sentence for s in dev_signals] + dev_notes
    if entry is not None:
        reasons.append(f"{entry.reason} (source: {entry.source}"
                       f"{'; unconfirmed' if not entry.confirmed else ''})")
    if "scsiport.sys" in ports:
        return Classification(DriverKind.SCSIPORT, Confidence.HIGH, reasons, "imports")
    if "ataport.sys" in ports:
        return Classification(DriverKind.ATA, Confidence.HIGH, reasons, "imports")
    has_device = any(not d.legacy for d in devices)
    if entry is not None or (storage_role and has_device):
        reasons.append("It imports no port driver (storport.sys, scsiport.sys or ataport.sys) although it is "
                       "registered as a storage miniport: a monolithic miniport (like some Intel RST iaStor "
                       "builds), which the virtual Storport defect does not concern.")
        decided = "name table" if entry else "bus"
        return Classification(DriverKind.MONOLITHIC, Confidence.MEDIUM, reasons, decided)
    if not registry_read:
        reasons.append("It imports no port driver (storport.sys, scsiport.sys or ataport.sys), so it is not "
                       "a disk miniport the crash dump path goes through.")
    else:
        reasons.append("It imports no port driver and drives no present storage adapter, so it is not "
                       "treated as a disk miniport.")
    return Classification(DriverKind.OTHER, Confidence.MEDIUM, reasons, "imports")


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
