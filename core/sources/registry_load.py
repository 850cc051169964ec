"""Turning hive files and `.reg` exports into the SYSTEM / SOFTWARE roots a source hands out.

Errors here never stop a source: a hive that cannot be opened becomes a Problem and a Missing entry,
and the scan goes on with what it has. Several `.reg` exports (one per key, as the collector writes
them) merge into one tree per root, so the facts reader sees a single SYSTEM and a single SOFTWARE.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from core.errors import DumpDoctorError, unreadable
from core.evidence_ref import Problem, Severity
from core.registry import HiveRoot, identify_hive, open_hive
from core.registry.keys import MemoryKey, RegKey
from core.registry.reg_export import RegExport, read_reg_exports

Display = Callable[[Path], str]


def _problem(path: Path, exc: DumpDoctorError | OSError, display: Display) -> Problem:
    message = exc.message if isinstance(exc, DumpDoctorError) else unreadable(path, exc).message
    return Problem(display(path), message, step="registry")


def which_hive(path: Path, problems: list[Problem], display: Display) -> str | None:
    """"SYSTEM", "SOFTWARE", ... for a regf file, or None (recorded as a Problem when unreadable)."""
    try:
        return identify_hive(path)
    except (DumpDoctorError, OSError) as exc:
        problems.append(_problem(path, exc, display))
    return None


def load_hive(path: Path, problems: list[Problem], display: Display) -> RegKey | None:
    """Open one hive file; the registry reader replays .LOG1/.LOG2 beside it."""
    try:
        # The hive's own notes (dirty, logs replayed) travel on the key; read_registry_facts reports them.
        root = open_hive(path)
        if isinstance(root, HiveRoot):
            root.shown_as(display(path))
        return root
    except (DumpDoctorError, OSError) as exc:
        problems.append(_problem(path, exc, display))
    return None


def merge_reg_exports(paths: Iterable[Path], problems: list[Problem],
                      display: Display) -> dict[str, MemoryKey]:
    """Read every `.reg` export, in order, into one tree per root ("SYSTEM", "SOFTWARE"): later files
    win and `[-KEY]` lines delete, as `reg import` would. A file that cannot be read is a Problem; the
    others still count."""
    result = RegExport()
    for path in paths:
        skipped_before = len(result.skipped)
        try:
            read_reg_exports([path], result)
        except (DumpDoctorError, OSError) as exc:
            problems.append(_problem(path, exc, display))
            continue
        skipped = result.skipped[skipped_before:]
        if skipped:
            first = skipped[0]
            problems.append(Problem(display(path), f"{len(skipped)} line(s) could not be read and were "
                                    f"skipped (first: line {first.line}, {first.reason})",
                                    Severity.WARNING, "registry"))
    roots = {name.upper(): root for name, root in result.roots.items()}
    for root in roots.values():
        _show_origins(root, display)
    return roots


def _show_origins(root: MemoryKey, display: Display) -> None:
    """Keys cite the export they came from as the user names it (a bundle member, never the private
    folder it was extracted to)."""
    shown: dict[str, str] = {}
    stack: list[MemoryKey] = [root]
    while stack:
        key = stack.pop()
        if key.origin:
            key.origin = shown.setdefault(key.origin, display(Path(key.origin)))
        stack.extend(k for k in key.subkeys() if isinstance(k, MemoryKey))
