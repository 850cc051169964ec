"""Worker functions for triage tests. Workers run in spawned processes, so these must be importable."""

from __future__ import annotations

import os
import time

from core.triage.examine import Examined
from core.triage.run import _worker, time_limit


def dies_on_crash_bundles(path: str | None, kind: str, shown: str, with_report: bool) -> tuple[Examined, int]:
    """As the real worker, except that a bundle named like "crash*" kills the process, as a native
    reader's segfault or the OS's out-of-memory killer would."""
    if path is not None and os.path.basename(path).startswith("crash"):
        os._exit(70)
    return _worker(path, kind, shown, with_report)



def hangs_on_hang_bundles(path: str | None, kind: str, shown: str, with_report: bool) -> tuple[Examined, int]:
    """As the real worker, except that a bundle named like "hang*" never finishes (within the same
    time limit the real worker runs under)."""
    if path is not None and os.path.basename(path).startswith("hang"):
        with time_limit():
            time.sleep(3600)
    return _worker(path, kind, shown, with_report)


def reports_memory_ceiling(path: str | None, kind: str, shown: str,
                           with_report: bool) -> tuple[Examined, int]:
    """Allocates 1 GiB the way a runaway reader would, and says whether the worker's ceiling stopped it."""
    from core.triage.examine import OUT_OF_MEMORY
    from core.triage.row import problem_row

    try:
        hog = bytearray(1 << 30)
        del hog
        said = "no ceiling"
    except MemoryError:
        said = OUT_OF_MEMORY
    return Examined(problem_row(shown, said)), os.getpid()
