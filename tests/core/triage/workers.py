"""Worker functions for triage tests. Workers run in spawned processes, so these must be importable."""

from __future__ import annotations

import os

from core.triage.examine import Examined
from core.triage.run import _worker


def dies_on_crash_bundles(path: str | None, kind: str, shown: str, with_report: bool) -> tuple[Examined, int]:
    """As the real worker, except that a bundle named like "crash*" kills the process, as a native
    reader's segfault or the OS's out-of-memory killer would."""
    if path is not None and os.path.basename(path).startswith("crash"):
        os._exit(70)
    return _worker(path, kind, shown, with_report)
