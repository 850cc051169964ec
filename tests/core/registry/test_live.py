"""The live-registry backend, driven by a fake `winreg` so it runs (not skips) on Linux."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from core.errors import UnreadableError
from core.registry import read_registry_facts
from core.registry.keys import REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_QWORD, REG_SZ
from core.registry.live import live_root

KEY_READ = 0x20019
KEY_WOW64_64KEY = 0x0100

TREE: dict[str, Any] = {
    "SYSTEM": {
        "CurrentControlSet": {
            "Control": {"CrashControl": {"@values": [("CrashDumpEnabled", 3, REG_DWORD),
                                                     ("DumpFilters", ["dumpfve.sys", ""], REG_MULTI_SZ)]}},
            "Services": {"viostor": {"@values": [("Start", 0, REG_DWORD),
                                                 ("Group", "SCSI miniport", REG_SZ),
                                                 ("ImagePath", r"%SystemRoot%\System32\drivers\viostor.sys",
                                                  REG_EXPAND_SZ),
                                                 ("Stamp", 2**40, REG_QWORD),
                                                 ("Blob", b"\x01\x02", REG_BINARY),
                                                 ("Signed", -1, REG_DWORD)]}},
            "Enum": {"PCI": {"@values": [("x", 1, REG_DWORD)]},
                     "Root": {"@denied": True},
                     "SWD": {"@denied": True}},
        },
    },
}


OPENED: list[tuple[str, int]] = []


class _Handle:
    def __init__(self, node: dict[str, Any]) -> None:
        self.node = node

    def __enter__(self) -> _Handle:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def fake_winreg() -> types.ModuleType:
    mod = types.ModuleType("winreg")
    mod.HKEY_LOCAL_MACHINE = "HKLM"  # type: ignore[attr-defined]
    mod.KEY_READ = KEY_READ  # type: ignore[attr-defined]
    mod.KEY_WOW64_64KEY = KEY_WOW64_64KEY  # type: ignore[attr-defined]

    def open_key(root: str, sub: str, reserved: int = 0, access: int = 0) -> _Handle:
        OPENED.append((sub, access))
        node: dict[str, Any] = TREE
        for part in sub.split("\\"):
            match = next((k for k in node if k.casefold() == part.casefold() and not k.startswith("@")),
                         None)
            if match is None:
                raise FileNotFoundError(2, "not found")
            node = node[match]
        if node.get("@denied"):
            exc = PermissionError(13, "Access is denied")
            exc.winerror = 5  # type: ignore[attr-defined]
            raise exc
        return _Handle(node)

    def enum_key(handle: _Handle, index: int) -> str:
        names = [k for k in handle.node if not k.startswith("@")]
        if index >= len(names):
            raise OSError(259, "no more items")
        return names[index]

    def enum_value(handle: _Handle, index: int) -> tuple[str, Any, int]:
        vals = handle.node.get("@values", [])
        if index >= len(vals):
            raise OSError(259, "no more items")
        return vals[index]

    mod.OpenKey = open_key  # type: ignore[attr-defined]
    mod.EnumKey = enum_key  # type: ignore[attr-defined]
    mod.EnumValue = enum_value  # type: ignore[attr-defined]
    return mod


def test_live_registry_through_fake_winreg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "winreg", fake_winreg())
    system = live_root("system")
    assert system is not None and system.path == r"HKLM\SYSTEM" and system.origin == "live registry"
    assert live_root("SOFTWARE") is None  # cannot be opened → None, not an exception
    facts = read_registry_facts(system, None)
    assert facts.system is not None and facts.system.control_set == "CurrentControlSet"
    assert facts.crash_control is not None and facts.crash_control.crash_dump_enabled == 3
    assert facts.crash_control.dump_filters == ["dumpfve.sys"]
    assert facts.services["viostor"].boot_start
    assert facts.services["viostor"].ref is not None
    assert facts.services["viostor"].ref.location == r"HKLM\SYSTEM\CurrentControlSet\Services\viostor"


def test_off_windows_is_a_project_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "winreg", None)  # import fails as on Linux
    with pytest.raises(UnreadableError, match="only on Windows"):
        live_root("SYSTEM")


def test_every_key_is_opened_read_only_in_the_64_bit_view(monkeypatch: pytest.MonkeyPatch) -> None:
    # A 32-bit build on 64-bit Windows would otherwise read SOFTWARE\WOW6432Node.
    monkeypatch.setitem(sys.modules, "winreg", fake_winreg())
    OPENED.clear()
    system = live_root("SYSTEM")
    assert system is not None
    read_registry_facts(system, None)
    assert OPENED
    assert all(access == KEY_READ | KEY_WOW64_64KEY for _sub, access in OPENED)


def test_value_types_come_through_as_the_hive_readers_give_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "winreg", fake_winreg())
    system = live_root("SYSTEM")
    assert system is not None
    svc = system.subkey(r"CurrentControlSet\Services\viostor")
    assert svc is not None
    assert svc.get("ImagePath") == r"%SystemRoot%\System32\drivers\viostor.sys"  # unexpanded
    assert svc.get("Stamp") == 2**40
    assert svc.get("Blob") == b"\x01\x02"
    assert svc.get("Signed") == 0xFFFFFFFF  # DWORDs are unsigned, whatever winreg hands back


def test_unreadable_keys_are_skipped_and_counted_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "winreg", fake_winreg())
    notes: list[str] = []
    system = live_root("SYSTEM", notes)
    assert system is not None
    enum = system.subkey(r"CurrentControlSet\Enum")
    assert enum is not None
    names = []
    for key in enum.subkeys():
        names.append(key.name)
        list(key.values())
        list(key.subkeys())
    assert names == ["PCI", "Root", "SWD"]  # the walk went past both denied keys
    root = enum.subkey("Root")
    assert root is not None and list(root.values()) == []  # exists, unreadable: not "absent"
    assert len(notes) == 1 and notes[0].startswith("2 live registry key(s) could not be read")
    assert r"HKLM\SYSTEM\CurrentControlSet\Enum\Root" in notes[0]
