"""The exe's version resource is generated from the package version and must say the same thing."""

from __future__ import annotations

from typing import Any

import pytest

from build_spec.versioninfo import version_info_text, version_tuple
from core.version import __version__


def _evaluate(text: str) -> dict[str, Any]:
    """Evaluate the VSVersionInfo text with recording stand-ins for PyInstaller's classes (the real
    ones import win32api and exist only on Windows)."""
    found: dict[str, Any] = {"strings": {}}

    def record(name: str):
        def make(*args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
            if name == "StringStruct":
                found["strings"][args[0]] = args[1]
            if name == "FixedFileInfo":
                found["ffi"] = kwargs
            return (name, args, kwargs)
        return make

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct"]
    eval(text, {n: record(n) for n in names})  # our own generated text
    return found


def test_version_resource_matches_package_version() -> None:
    info = _evaluate(version_info_text("Dump Doctor", "DumpDoctor.exe"))
    assert info["strings"]["ProductVersion"] == __version__
    assert info["strings"]["OriginalFilename"] == "DumpDoctor.exe"
    assert info["ffi"]["filevers"] == version_tuple(__version__)
    assert info["strings"]["FileVersion"] == ".".join(map(str, version_tuple(__version__)))


@pytest.mark.parametrize(("text", "expected"), [
    ("1.2.3", (1, 2, 3, 0)), ("0.1", (0, 1, 0, 0)), ("2.0.1rc2", (2, 0, 1, 2)),
    ("1.2.3.4+local", (1, 2, 3, 4)),
])
def test_version_tuple_gives_windows_four_numbers(text: str, expected: tuple[int, ...]) -> None:
    assert version_tuple(text) == expected


def test_version_part_too_large_for_windows_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        version_tuple("1.70000.0")
