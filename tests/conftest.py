"""Suite-wide setup (after qutebrowser's): Qt offscreen, Qt warnings fail tests (pytest-qt's
qt_log_level_fail in pyproject), GUI tests marked automatically, real samples found or skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# CI runs the same generated cases every time, so a submission is judged on what was run before it;
# developers' runs keep exploring new cases at random (and DUMPDOCTOR_FUZZ_SCALE runs longer
# campaigns). Every failure found that way is kept as a regression case in the fuzz tests.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
REALDATA = Path(os.environ.get("DUMPDOCTOR_REALDATA", ROOT.parent / "shared" / "realdata"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    gui_dir = Path(__file__).parent / "gui"
    for item in items:
        if gui_dir in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def realdata():
    """Return a function mapping a MANIFEST path (e.g. 'hives/SYSTEM_win7sp1') to the sample,
    skipping the test with a clear reason when ../shared/realdata does not hold it."""

    def get(relative: str) -> Path:
        path = REALDATA / relative
        if not path.is_file():
            pytest.skip(f"real sample {relative} not present (looked in {REALDATA}); "
                        "tests with generated fixtures still cover this code path")
        return path

    return get


def _sharing_violation(path: Path) -> OSError:
    exc = OSError(13, "The process cannot access the file because it is being used by another process",
                  str(path))
    exc.winerror = 32  # type: ignore[attr-defined]  # what Windows reports for a locked file
    return exc


@pytest.fixture
def deny_open(monkeypatch: pytest.MonkeyPatch):
    """`deny_open(path, how="permission" | "locked")`: opening that file fails as it would for a user
    without rights, or for a file another program holds locked. Works as root, where chmod 000 does
    not stop reads, and on Linux, where files are never locked."""
    import builtins
    import io

    denied: dict[str, str] = {}
    real_path_open = Path.open
    real_open = builtins.open

    def error_for(target: object) -> OSError | None:
        how = denied.get(str(Path(str(target)).resolve())) if isinstance(target, (str, Path)) else None
        if how is None:
            return None
        if how == "locked":
            return _sharing_violation(Path(str(target)))
        return PermissionError(13, "Permission denied", str(target))

    def path_open(self: Path, *args: object, **kwargs: object) -> io.IOBase:
        exc = error_for(self)
        if exc is not None:
            raise exc
        return real_path_open(self, *args, **kwargs)  # type: ignore[arg-type]

    def open_(file: object, *args: object, **kwargs: object) -> io.IOBase:
        exc = error_for(file)
        if exc is not None:
            raise exc
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    real_os_open = os.open

    def os_open(file: object, flags: int, *args: object, **kwargs: object) -> int:
        exc = error_for(file)
        if exc is not None:
            raise exc
        return real_os_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", path_open)
    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(os, "open", os_open)  # core.safefs opens evidence with os.open

    def deny(path: Path, how: str = "permission") -> None:
        denied[str(path.resolve())] = how

    return deny
