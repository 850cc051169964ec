"""Small helpers shared by the fact readers: evidence references and the current control set."""

from __future__ import annotations

import re

from core.evidence_ref import EvidenceRef
from core.registry.keys import RegKey


def ref(key: RegKey, value: str | None = None, detail: str = "") -> EvidenceRef:
    location = f"{key.path}\\{value}" if value else key.path
    origin = getattr(key, "origin", "") or ""
    # The live registry has no file; every other origin is the hive or export the key was read from.
    return EvidenceRef("registry", location, detail, "" if origin == "live registry" else origin)


def current_control_set(system: RegKey) -> tuple[RegKey | None, EvidenceRef | None]:
    """The control set Windows booted with. Live registries and .reg exports have CurrentControlSet
    (a link Windows creates at boot); an offline hive has only ControlSet00N and Select\\Current
    naming it (FACTS §5)."""
    ccs = system.subkey("CurrentControlSet")
    if ccs is not None:
        return ccs, ref(ccs)
    select = system.subkey("Select")
    if select is not None:
        for name in ("Current", "Default", "LastKnownGood"):
            number = select.get_int(name)
            if number is not None and 0 < number < 1000:
                cs = system.subkey(f"ControlSet{number:03d}")
                if cs is not None:
                    return cs, ref(select, name, f"{number} → ControlSet{number:03d}")
    candidates = sorted((k for k in system.subkeys() if re.fullmatch(r"(?i)controlset\d{3}", k.name)),
                        key=lambda k: k.name)
    if candidates:
        return candidates[0], ref(candidates[0], detail="no Select key; first control set used")
    return None, None
