"""`--self-check`: run every evidence reader on the small samples shipped with the executable
(generated at build time by build_spec/selfcheck_samples.py) and fail loudly when one cannot read.

A frozen build can lose a module the readers import lazily (python-registry was once excluded as
"dev-only"); the scan then degrades every answer to "can't tell" without crashing, and only a check
that compares what was read with what the sample holds notices.
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

# Every third-party module a reader needs, imported up front so a missing one is named outright.
REQUIRED_MODULES = ("Registry.Registry", "Registry.RegistryLog", "evtx", "pefile", "capstone", "construct",
                    "platformdirs")


def samples_dir() -> Path:
    from core.resources import resources_dir

    return resources_dir().parent / "selfcheck"


def _scan(path: Path) -> Any:
    from core.scan import scan
    from core.sources import open_source

    with open_source([path]) as source:
        return scan(source)


def _crash_dump_enabled(evidence: Any) -> object:
    registry = evidence.registry
    return registry.crash_control.crash_dump_enabled if registry and registry.crash_control else None


def _problems(evidence: Any) -> str:
    return "; ".join(str(p) for p in evidence.problems) or "no problem recorded"


def _check_hive(folder: Path, expected: dict[str, Any]) -> str:
    evidence = _scan(folder / "hive" / "SYSTEM")
    got = _crash_dump_enabled(evidence)
    want = expected["hive_crash_dump_enabled"]
    if got != want:
        raise AssertionError(f"CrashDumpEnabled {got!r}, expected {want} from the replayed log "
                             f"({_problems(evidence)})")
    return f"CrashDumpEnabled {got} (transaction log replayed)"


def _check_reg(folder: Path, expected: dict[str, Any]) -> str:
    evidence = _scan(folder / "reg" / "system.reg")
    got = _crash_dump_enabled(evidence)
    if got != expected["reg_crash_dump_enabled"]:
        raise AssertionError(f"CrashDumpEnabled {got!r} ({_problems(evidence)})")
    return f"CrashDumpEnabled {got}"


def _check_events(path: Path) -> str:
    from core.events.reader import read_events
    from core.sources.base import EventInput

    result = read_events(EventInput("evtx" if path.suffix == ".evtx" else "xml", path, path.name))
    records = list(result.records)
    if not records:
        raise AssertionError(f"no event read ({getattr(result, 'problems', '')})")
    return f"{len(records)} events"


def _check_pe(folder: Path, expected: dict[str, Any]) -> str:
    from core.drivers import inspect_pe

    info = inspect_pe(folder / "pe" / "lsi_sas.sys")
    if (info.file_version, info.original_filename) != (expected["pe_version"],
                                                       expected["pe_original_filename"]):
        raise AssertionError(f"version {info.file_version!r}, original name {info.original_filename!r}")
    return f"{info.original_filename} {info.file_version}"


def _check_dump(folder: Path, expected: dict[str, Any]) -> str:
    from core.dumps import read_dump

    info = read_dump(folder / "dump" / "Mini.dmp")
    code = info.bugcheck.code if info.bugcheck else None
    if code != expected["dump_bugcheck"]:
        raise AssertionError(f"bug check {code!r}")
    return f"bug check 0x{code:X}"


def _temp_entries() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("dumpdoctor-*")}


def _check_bundle(folder: Path, expected: dict[str, Any]) -> str:
    before = _temp_entries()
    evidence = _scan(folder / "bundle.zip")
    got = _crash_dump_enabled(evidence)
    if got != expected["bundle_crash_dump_enabled"] or len(evidence.dumps) != expected["bundle_dumps"]:
        raise AssertionError(f"CrashDumpEnabled {got!r}, {len(evidence.dumps)} dumps "
                             f"({_problems(evidence)})")
    if not evidence.timeline or not evidence.timeline.entries:
        raise AssertionError("the bundle's event log gave no timeline")
    left = _temp_entries() - before
    if left:
        raise AssertionError(f"temporary folder(s) left behind: {', '.join(sorted(left))}")
    return f"CrashDumpEnabled {got}, {len(evidence.dumps)} dumps, extraction folder removed"


def run(folder: Path | None = None, out: TextIO | None = None) -> int:
    """Print one line per reader; 0 when every reader read its sample right, 1 otherwise."""
    out = out or sys.stdout
    folder = folder or samples_dir()
    failures = 0
    for name in REQUIRED_MODULES:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            failures += 1
            print(f"FAILED module {name}: missing from this build ({exc})", file=out)
    try:
        expected: dict[str, Any] = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"FAILED: the self-check samples are missing ({folder}: {exc})", file=out)
        return 1
    checks: list[tuple[str, Callable[[], str]]] = [
        ("hive with log replay", lambda: _check_hive(folder, expected)),
        (".reg export", lambda: _check_reg(folder, expected)),
        (".evtx log", lambda: _check_events(folder / "evtx" / "System.evtx")),
        ("event XML", lambda: _check_events(folder / "xml" / "System.xml")),
        ("driver (PE)", lambda: _check_pe(folder, expected)),
        ("crash dump", lambda: _check_dump(folder, expected)),
        ("bundle zip", lambda: _check_bundle(folder, expected)),
    ]
    for label, check in checks:
        try:
            print(f"ok     {label}: {check()}", file=out)
        except Exception as exc:
            failures += 1
            print(f"FAILED {label}: {type(exc).__name__}: {exc}", file=out)
    print("self-check passed" if not failures else f"self-check FAILED ({failures})", file=out)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
