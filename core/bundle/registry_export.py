"""Pick the registry keys a bundle carries (layout.REG_EXPORTS) out of a source's hives, learn the
identifiers in them for redaction, and render each as a `.reg` file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from core.bundle.layout import REG_EXPORTS, RegExport
from core.bundle.manifest import LeftOut
from core.bundle.redact import Redactor
from core.bundle.regwriter import encode_reg, reg_text
from core.errors import DumpDoctorError
from core.registry.keys import RegKey
from core.sources.base import EvidenceSource


@dataclass(frozen=True)
class RegFile:
    spec: RegExport
    key: RegKey


def current_control_set(system: RegKey) -> RegKey | None:
    """The live CurrentControlSet, else the set HKLM\\SYSTEM\\Select\\Current names, else 001."""
    live = system.subkey("CurrentControlSet")
    if live is not None:
        return live
    select = system.subkey("Select")
    current = select.get_int("Current") if select is not None else None
    if current is not None:
        found = system.subkey(f"ControlSet{current:03d}")
        if found is not None:
            return found
    return system.subkey("ControlSet001")


def collect_reg_files(source: EvidenceSource, left_out: list[LeftOut]) -> list[RegFile]:
    try:
        hives = source.registry()
    except DumpDoctorError as exc:
        left_out.append(LeftOut("registry", f"could not be read: {exc}"))
        return []
    out: list[RegFile] = []
    control_set = current_control_set(hives.system) if hives.system is not None else None
    for spec in REG_EXPORTS:
        root = hives.system if spec.hive == "SYSTEM" else hives.software
        if root is None:
            left_out.append(LeftOut(spec.reg_path(), f"this source has no {spec.hive} hive"))
            continue
        key: RegKey | None
        if "{cs}" in spec.path:
            rest = spec.path.split("\\", 1)[1]
            key = control_set.subkey(rest) if control_set is not None else None
        else:
            key = root.subkey(spec.path)
        if key is None:
            left_out.append(LeftOut(spec.reg_path(), "this key does not exist in the source's registry"))
            continue
        out.append(RegFile(spec, key))
    return out


def _walk(key: RegKey, path: str, recursive: bool) -> Iterator[tuple[RegKey, str]]:
    yield key, path
    if recursive:
        for sub in key.subkeys():
            yield from _walk(sub, f"{path}\\{sub.name}", True)


def learn_registry(redactor: Redactor, files: list[RegFile]) -> None:
    for reg in files:
        for key, path in _walk(reg.key, reg.spec.reg_path(), reg.spec.recursive):
            redactor.learn_key(path)
            for value in key.values():
                redactor.learn_value(path, value)


def reg_file_bytes(reg: RegFile, redactor: Redactor) -> bytes:
    if redactor.enabled:
        text = reg_text([(reg.key, reg.spec.reg_path(), reg.spec.recursive)],
                        map_value=redactor.value, map_name=redactor.text)
    else:
        text = reg_text([(reg.key, reg.spec.reg_path(), reg.spec.recursive)])
    return encode_reg(text)
