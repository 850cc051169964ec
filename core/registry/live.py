"""The registry of the running Windows machine as RegKey trees (HKLM\\SYSTEM, HKLM\\SOFTWARE).

`winreg` is imported only when a live root is asked for, so this module imports on Linux; tests inject
a fake `winreg`. Keys are opened read-only and closed as soon as they have been listed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from core.errors import UnreadableError
from core.registry.keys import RegData, RegKey, RegValue

log = logging.getLogger(__name__)

ORIGIN = "live registry"
_ENUM_LIMIT = 1_000_000  # guards a misbehaving registry provider that never reports the end


def _winreg() -> ModuleType:
    try:
        return importlib.import_module("winreg")
    except ImportError as exc:
        raise UnreadableError("the live registry exists only on Windows", path=ORIGIN) from exc


class LiveKey(RegKey):
    def __init__(self, winreg: ModuleType, root: Any, subpath: str, name: str, path: str) -> None:
        self._winreg = winreg
        self._root = root
        self._subpath = subpath  # relative to HKEY_LOCAL_MACHINE
        self.name = name
        self.path = path
        self.origin = ORIGIN

    def _open(self) -> Any:
        return self._winreg.OpenKey(self._root, self._subpath, 0, self._winreg.KEY_READ)

    def subkeys(self) -> Iterator[RegKey]:
        names: list[str] = []
        try:
            with self._open() as handle:
                for index in range(_ENUM_LIMIT):
                    try:
                        names.append(self._winreg.EnumKey(handle, index))
                    except OSError:  # ERROR_NO_MORE_ITEMS ends the enumeration
                        break
        except OSError as exc:
            log.info("%s: cannot list subkeys: %s", self.path, exc)
            return iter(())
        return iter([LiveKey(self._winreg, self._root, f"{self._subpath}\\{n}", n, f"{self.path}\\{n}")
                     for n in names])

    def _child(self, name: str) -> RegKey | None:
        # Opening by name is one call; listing every sibling (Enum has hundreds) is not needed.
        sub = LiveKey(self._winreg, self._root, f"{self._subpath}\\{name}", name, f"{self.path}\\{name}")
        try:
            with sub._open():
                return sub
        except OSError:
            return None

    def values(self) -> Iterator[RegValue]:
        out: list[RegValue] = []
        try:
            with self._open() as handle:
                for index in range(_ENUM_LIMIT):
                    try:
                        name, data, type_ = self._winreg.EnumValue(handle, index)
                    except OSError:
                        break
                    out.append(RegValue(str(name), int(type_), _normalise(data)))
        except OSError as exc:
            log.info("%s: cannot list values: %s", self.path, exc)
        return iter(out)


def _normalise(data: Any) -> RegData:
    """winreg returns str/int/list/bytes/None already; keep the RegData shapes the other readers use."""
    if isinstance(data, list):
        return [str(s) for s in data if s]
    if isinstance(data, (str, int, bytes)) or data is None:
        return data
    return bytes(data)


def live_root(hive: str) -> LiveKey | None:
    """HKLM\\SYSTEM or HKLM\\SOFTWARE of this computer; None when it cannot be opened (not elevated,
    policy). Raises UnreadableError off Windows."""
    winreg = _winreg()
    name = hive.upper()
    key = LiveKey(winreg, winreg.HKEY_LOCAL_MACHINE, name, name, f"HKLM\\{name}")
    try:
        with key._open():
            return key
    except OSError as exc:
        log.warning("HKLM\\%s cannot be opened: %s", name, exc)
        return None
