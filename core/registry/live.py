"""The registry of the running Windows machine as RegKey trees (HKLM\\SYSTEM, HKLM\\SOFTWARE).

`winreg` is imported only when a live root is asked for, so this module imports on Linux; tests inject
a fake `winreg`. Keys are opened read-only, with KEY_WOW64_64KEY so that a 32-bit build (or a 32-bit
Python) reads HKLM\\SOFTWARE itself and not its WOW6432Node view, and closed as soon as they have been
listed (the handles are context managers).

Value data comes back from winreg already typed: REG_SZ/REG_EXPAND_SZ as str (EXPAND_SZ unexpanded,
which is what ImagePath must be), REG_MULTI_SZ as list[str], REG_DWORD/REG_QWORD as unsigned int,
REG_BINARY and the other types as bytes (None when empty).

Some keys grant no read access even to administrators (parts of Enum are SYSTEM-only). Such a key is
skipped, counted, and summed up in one note; the walk never stops for it.
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
_NO_MORE_ITEMS = 259  # ERROR_NO_MORE_ITEMS: the normal end of RegEnumKeyEx / RegEnumValue
_KEY_WOW64_64KEY = 0x0100  # used when a (fake) winreg lacks the constant


def _winreg() -> ModuleType:
    try:
        return importlib.import_module("winreg")
    except ImportError as exc:
        raise UnreadableError("the live registry exists only on Windows", path=ORIGIN) from exc


class DeniedTally:
    """Keys that could not be read, summed up in one line of the caller's notes list."""

    def __init__(self, notes: list[str] | None) -> None:
        self.notes = notes
        self.paths: list[str] = []
        self._index: int | None = None

    def add(self, path: str, exc: OSError) -> None:
        log.info("%s: skipped: %s", path, exc)
        if path in self.paths:
            return
        self.paths.append(path)
        if self.notes is None:
            return
        text = (f"{len(self.paths)} live registry key(s) could not be read and were skipped (access "
                f"denied or unreadable), e.g. {self.paths[0]}")
        if self._index is None:
            self._index = len(self.notes)
            self.notes.append(text)
        else:
            self.notes[self._index] = text


def _is_end(exc: OSError) -> bool:
    return getattr(exc, "winerror", None) == _NO_MORE_ITEMS or exc.errno == _NO_MORE_ITEMS or (
        getattr(exc, "winerror", None) is None and exc.errno is None)


class LiveKey(RegKey):
    def __init__(self, winreg: ModuleType, root: Any, subpath: str, name: str, path: str,
                 tally: DeniedTally | None = None) -> None:
        self._winreg = winreg
        self._root = root
        self._subpath = subpath  # relative to HKEY_LOCAL_MACHINE
        self._tally = tally or DeniedTally(None)
        self.name = name
        self.path = path
        self.origin = ORIGIN

    def _access(self) -> int:
        wow64_64 = getattr(self._winreg, "KEY_WOW64_64KEY", _KEY_WOW64_64KEY)
        return int(self._winreg.KEY_READ) | int(wow64_64)

    def _open(self) -> Any:
        return self._winreg.OpenKey(self._root, self._subpath, 0, self._access())

    def _sub(self, name: str) -> LiveKey:
        return LiveKey(self._winreg, self._root, f"{self._subpath}\\{name}", name, f"{self.path}\\{name}",
                       self._tally)

    def subkeys(self) -> Iterator[RegKey]:
        names: list[str] = []
        try:
            with self._open() as handle:
                for index in range(_ENUM_LIMIT):
                    try:
                        names.append(self._winreg.EnumKey(handle, index))
                    except OSError as exc:
                        if not _is_end(exc):
                            self._tally.add(self.path, exc)
                        break
        except OSError as exc:
            self._tally.add(self.path, exc)
            return iter(())
        return iter([self._sub(n) for n in names])

    def _child(self, name: str) -> RegKey | None:
        # Opening by name is one call; listing every sibling (Enum has hundreds) is not needed.
        sub = self._sub(name)
        try:
            with sub._open():
                return sub
        except PermissionError as exc:
            # It exists but we may not read it: present (empty), and counted, never "absent".
            self._tally.add(sub.path, exc)
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
                    except OSError as exc:
                        if not _is_end(exc):
                            self._tally.add(self.path, exc)
                        break
                    out.append(RegValue(str(name), int(type_), _normalise(data)))
        except OSError as exc:
            self._tally.add(self.path, exc)
        return iter(out)


def _normalise(data: Any) -> RegData:
    """winreg returns str/int/list/bytes/None already; keep the RegData shapes the other readers use."""
    if isinstance(data, list):
        return [str(s) for s in data if s]
    if isinstance(data, int) and data < 0:
        return data & 0xFFFFFFFF  # a DWORD read back as signed by some winreg builds
    if isinstance(data, (str, int, bytes)) or data is None:
        return data
    return bytes(data)


def live_root(hive: str, notes: list[str] | None = None) -> LiveKey | None:
    """HKLM\\SYSTEM or HKLM\\SOFTWARE of this computer; None when it cannot be opened (not elevated,
    policy). Keys skipped later during the walk are summed up in `notes`. Raises UnreadableError off
    Windows."""
    winreg = _winreg()
    name = hive.upper()
    key = LiveKey(winreg, winreg.HKEY_LOCAL_MACHINE, name, name, f"HKLM\\{name}", DeniedTally(notes))
    try:
        with key._open():
            return key
    except OSError as exc:
        log.warning("HKLM\\%s cannot be opened: %s", name, exc)
        return None
