"""Pick the registry keys a bundle carries (layout.REG_EXPORTS) out of a source's hives, learn the
identifiers in them for redaction, and render each as a `.reg` file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from core.bundle.layout import REG_EXPORTS, RegExport
from core.bundle.manifest import LeftOut
from core.bundle.redact import Redactor
from core.bundle.regwriter import OnError, encode_reg, guarded_iter, reg_text
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
    try:
        control_set = current_control_set(hives.system) if hives.system is not None else None
    except DumpDoctorError as exc:  # a damaged SYSTEM hive: the SOFTWARE keys can still be exported
        left_out.append(LeftOut("HKEY_LOCAL_MACHINE\\SYSTEM control sets", f"could not be read: {exc}"))
        control_set = None
    for spec in REG_EXPORTS:
        try:
            found = _find(spec, hives.system if spec.hive == "SYSTEM" else hives.software, control_set,
                          left_out)
        except DumpDoctorError as exc:
            left_out.append(LeftOut(spec.reg_path(), f"could not be read: {exc}"))
            continue
        if found is not None:
            out.append(found)
    return out


def _find(spec: RegExport, root: RegKey | None, control_set: RegKey | None,
          left_out: list[LeftOut]) -> RegFile | None:
    if root is None:
        left_out.append(LeftOut(spec.reg_path(), f"this source has no {spec.hive} hive"))
        return None
    key: RegKey | None
    if "{cs}" in spec.path:
        rest = spec.path.split("\\", 1)[1]
        key = control_set.subkey(rest) if control_set is not None else None
    else:
        key = root.subkey(spec.path)
    if key is None:
        left_out.append(LeftOut(spec.reg_path(), "this key does not exist in the source's registry"))
        return None
    return RegFile(spec, key)


def _walk(key: RegKey, path: str, recursive: bool, on_error: OnError) -> Iterator[tuple[RegKey, str]]:
    yield key, path
    if recursive:
        for sub in guarded_iter(key.subkeys(), path, on_error):
            yield from _walk(sub, f"{path}\\{sub.name}", True, on_error)


def _ignore(_path: str, _exc: DumpDoctorError) -> None:
    """Learning identifiers: what cannot be read is not written either (reg_file_bytes says so)."""


def learn_registry(redactor: Redactor, files: list[RegFile]) -> None:
    for reg in files:
        for key, path in _walk(reg.key, reg.spec.reg_path(), reg.spec.recursive, _ignore):
            redactor.learn_key(path)
            for value in guarded_iter(key.values(), path, _ignore):
                redactor.learn_value(path, value)


def reg_file_bytes(reg: RegFile, redactor: Redactor, left_out: list[LeftOut] | None = None) -> bytes:
    """The .reg file for one key. Parts of a damaged hive that cannot be read are skipped and listed
    in `left_out` (key path and reason); the file holds everything else."""
    def on_error(path: str, exc: DumpDoctorError) -> None:
        if left_out is not None:
            left_out.append(LeftOut(path, f"part of this key could not be read ({exc.message}); "
                                    f"{reg.spec.file} holds the rest"))

    keys = [(reg.key, reg.spec.reg_path(), reg.spec.recursive)]
    if redactor.enabled:
        text = reg_text(keys, map_value=redactor.value, map_name=redactor.text, on_error=on_error)
    else:
        text = reg_text(keys, on_error=on_error)
    return encode_reg(text)
