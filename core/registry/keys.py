"""One read-only registry key interface over every backend: hive files, `.reg` exports, live winreg.

Names are matched case-insensitively, as Windows does. `MemoryKey` is the in-memory backend used by
the `.reg` reader, by snapshots of the live registry and by tests.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from core.errors import DumpDoctorError
from core.paths import split_windows_path

REG_NONE = 0
REG_SZ = 1
REG_EXPAND_SZ = 2
REG_BINARY = 3
REG_DWORD = 4
REG_DWORD_BIG_ENDIAN = 5
REG_LINK = 6
REG_MULTI_SZ = 7
REG_RESOURCE_LIST = 8
REG_FULL_RESOURCE_DESCRIPTOR = 9
REG_RESOURCE_REQUIREMENTS_LIST = 10
REG_QWORD = 11

RegData = str | int | bytes | list[str] | None


@dataclass(frozen=True)
class RegValue:
    name: str  # "" is the key's default value
    type: int
    data: RegData


class RegKey(ABC):
    """A registry key. `path` is the full path used in evidence (e.g. HKLM\\SYSTEM\\Select)."""

    name: str
    path: str
    origin: str  # the file (hive, .reg) or "live registry" the key was read from

    @abstractmethod
    def subkeys(self) -> Iterator[RegKey]: ...

    @abstractmethod
    def values(self) -> Iterator[RegValue]: ...

    def subkey(self, relative: str) -> RegKey | None:
        """A descendant by backslash-separated relative path, ignoring case; None when absent."""
        key: RegKey | None = self
        for part in split_windows_path(relative):
            assert key is not None
            key = key._child(part)
            if key is None:
                return None
        return key

    # Each key's subkeys and values are walked and decoded once, then looked up by folded name: the
    # facts readers ask a service key for five to ten values, and every walk through python-registry
    # decodes every value cell of the key again (issue 18: 9,800 walks for 2,400 lookups).
    _child_index: dict[str, RegKey] | None = None
    _child_list: list[RegKey] | None = None
    _value_index: dict[str, RegValue] | None = None

    def children(self) -> list[RegKey]:
        """subkeys(), walked once per key: the facts readers list Services and then look names up
        in it (a second walk of 6,400 service keys cost a tenth of a second). Raises as subkeys()
        does when the list is damaged."""
        if self._child_list is None:
            subs = list(self.subkeys())
            index: dict[str, RegKey] = {}
            for sub in subs:
                index.setdefault(sub.name.casefold(), sub)  # the first of duplicate names wins
            self._child_list, self._child_index = subs, index
        return self._child_list

    def _child(self, name: str) -> RegKey | None:
        wanted = name.casefold()
        index = self._child_index
        if index is None:
            try:
                self.children()
            except DumpDoctorError:
                # A subkey list broken part-way: find the name the slow way, so a readable key before
                # the damage is still found and the damage is reported only when it is reached.
                return self._scan_children(wanted)
            index = self._child_index
            assert index is not None
        return index.get(wanted)

    def _scan_children(self, wanted: str) -> RegKey | None:
        for sub in self.subkeys():
            if sub.name.casefold() == wanted:
                return sub
        return None

    def value(self, name: str) -> RegValue | None:
        index = self._value_index
        if index is None:
            index = {}
            for val in self.values():
                index.setdefault(val.name.casefold(), val)
            self._value_index = index
        return index.get(name.casefold())

    def get(self, name: str, default: RegData = None) -> RegData:
        val = self.value(name)
        return default if val is None else val.data

    def get_int(self, name: str) -> int | None:
        data = self.get(name)
        if isinstance(data, int):
            return data
        if isinstance(data, str):  # some tools store numbers as strings
            try:
                return int(data, 0)
            except ValueError:
                return None
        return None

    def get_str(self, name: str) -> str | None:
        data = self.get(name)
        if isinstance(data, str):
            return data
        if isinstance(data, list):
            return "\n".join(data)
        return None

    def get_multi(self, name: str) -> list[str]:
        data = self.get(name)
        if isinstance(data, list):
            return [s for s in data if s]
        if isinstance(data, str):
            return [data] if data else []
        return []


class MemoryKey(RegKey):
    """A registry key held in memory (from a .reg export, a live snapshot, or a test)."""

    def __init__(self, name: str, path: str | None = None, origin: str = "") -> None:
        self.name = name
        self.path = path or name
        self.origin = origin
        self._subkeys: dict[str, MemoryKey] = {}
        self._values: dict[str, RegValue] = {}

    def subkeys(self) -> Iterator[RegKey]:
        return iter(list(self._subkeys.values()))

    def values(self) -> Iterator[RegValue]:
        return iter(list(self._values.values()))

    def _child(self, name: str) -> RegKey | None:
        return self._subkeys.get(name.casefold())

    def value(self, name: str) -> RegValue | None:
        return self._values.get(name.casefold())

    def ensure(self, relative: str) -> MemoryKey:
        """Create (or return) a descendant by relative path."""
        key = self
        for part in split_windows_path(relative):
            child = key._subkeys.get(part.casefold())
            if child is None:
                child = MemoryKey(part, f"{key.path}\\{part}", key.origin)
                key._subkeys[part.casefold()] = child
            key = child
        return key

    def set(self, name: str, type_: int, data: RegData) -> None:
        self._values[name.casefold()] = RegValue(name, type_, data)

    def delete_value(self, name: str) -> None:
        self._values.pop(name.casefold(), None)

    def delete_subkey(self, name: str) -> None:
        self._subkeys.pop(name.casefold(), None)
