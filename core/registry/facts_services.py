"""Services (with StartOverride applied, FACTS §7) and Plug and Play device instances from Enum."""

from __future__ import annotations

import logging

from core.errors import DumpDoctorError
from core.registry.facts_common import ref
from core.registry.keys import RegKey
from core.registry.model import Device, Service

log = logging.getLogger(__name__)

# Enumerator → bus. PCIIDE/PCMCIA/ACPI enumerate hardware children (an IDE channel sits on a PCI IDE
# controller); SWD is the software-device enumerator (Windows 8+), a software bus like ROOT.
_BUSES = {"pci": "PCI", "pciide": "PCIIDE", "acpi": "ACPI", "pcmcia": "PCMCIA", "usb": "USB",
          "root": "ROOT", "swd": "SWD", "vmbus": "VMBUS", "scsi": "SCSI"}


def effective_start(svc: RegKey, raw_start: int | None) -> int | None:
    """Windows 8+ marks in-box miniports Start=0 and disables most of them with a StartOverride
    subkey whose value "0" holds the start type actually used (FACTS §7)."""
    override = svc.subkey("StartOverride")
    if override is not None:
        value = override.get_int("0")
        if value is not None:
            return value
    return raw_start


def read_services(cs: RegKey, notes: list[str], unreadable: list[str] | None = None) -> dict[str, Service]:
    root = cs.subkey("Services")
    if root is None:
        return {}
    out: dict[str, Service] = {}
    skipped = 0
    for svc in root.children():
        try:
            raw = svc.get_int("Start")
            out[svc.name.casefold()] = Service(
                name=svc.name, type=svc.get_int("Type"), start=effective_start(svc, raw), raw_start=raw,
                group=svc.get_str("Group"), image_path=svc.get_str("ImagePath"),
                error_control=svc.get_int("ErrorControl"), display_name=svc.get_str("DisplayName"),
                ref=ref(svc))
        except DumpDoctorError as exc:
            skipped += 1
            log.info("service skipped: %s", exc)
    if skipped:
        notes.append(f"{skipped} service keys could not be read and were skipped")
        if unreadable is not None:
            unreadable.append("services")
    return out


def _description(text: str | None) -> str | None:
    # "@oem3.inf,%device%;LSI Adapter, SAS 3000 series" → the text after the resource reference
    if text and text.startswith("@") and ";" in text:
        return text.rsplit(";", 1)[1]
    return text


def read_devices(cs: RegKey, notes: list[str], unreadable: list[str] | None = None) -> list[Device]:
    root = cs.subkey("Enum")
    if root is None:
        return []
    out: list[Device] = []
    skipped = 0
    for enumerator in root.subkeys():
        bus = _BUSES.get(enumerator.name.casefold(), "OTHER")
        try:
            for device in enumerator.subkeys():
                legacy = bus == "ROOT" and device.name.upper().startswith("LEGACY_")
                for inst in device.subkeys():
                    out.append(Device(
                        instance_path=f"{enumerator.name}\\{device.name}\\{inst.name}", bus=bus,
                        class_guid=inst.get_str("ClassGUID"), service=inst.get_str("Service"),
                        legacy=legacy, description=_description(inst.get_str("DeviceDesc")),
                        ref=ref(inst)))
        except DumpDoctorError as exc:
            skipped += 1
            log.info("device enumerator skipped: %s", exc)
    if skipped:
        notes.append(f"{skipped} Enum branches could not be read and were skipped")
        if unreadable is not None:
            unreadable.append("enum")
    return out
