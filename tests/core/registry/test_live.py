"""The live-registry backend, driven by a fake `winreg` so it runs (not skips) on Linux."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from core.errors import UnreadableError
from core.registry import read_registry_facts
from core.registry.keys import REG_DWORD, REG_MULTI_SZ, REG_SZ
from core.registry.live import live_root

TREE: dict[str, Any] = {
    "SYSTEM": {
        "CurrentControlSet": {
            "Control": {"CrashControl": {"@values": [("CrashDumpEnabled", 3, REG_DWORD),
                                                     ("DumpFilters", ["dumpfve.sys", ""], REG_MULTI_SZ)]}},
            "Services": {"viostor": {"@values": [("Start", 0, REG_DWORD),
                                                 ("Group", "SCSI miniport", REG_SZ)]}},
        },
    },
}


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
    mod.KEY_READ = 0x20019  # type: ignore[attr-defined]

    def open_key(root: str, sub: str, reserved: int = 0, access: int = 0) -> _Handle:
        node: dict[str, Any] = TREE
        for part in sub.split("\\"):
            match = next((k for k in node if k.casefold() == part.casefold() and k != "@values"), None)
            if match is None:
                raise FileNotFoundError(2, "not found")
            node = node[match]
        return _Handle(node)

    def enum_key(handle: _Handle, index: int) -> str:
        names = [k for k in handle.node if k != "@values"]
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
