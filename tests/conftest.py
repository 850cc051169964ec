"""Suite-wide setup (after qutebrowser's): Qt offscreen, Qt warnings fail tests (pytest-qt's
qt_log_level_fail in pyproject), GUI tests marked automatically, real samples found or skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
