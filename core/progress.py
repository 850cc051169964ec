"""Progress reporting and cancellation shared by every long operation (scan, export).

Core code calls `report(...)` and `token.check()` between units of work; the GUI turns reports into
signals on its own thread. Nothing here knows about Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import Cancelled


@dataclass(frozen=True)
class ProgressUpdate:
    step: str  # stable id: "dumps", "registry", "drivers", "events", "diagnosis", "export"
    done: int
    total: int | None  # None when the amount of work is not known yet
    message: str = ""


ProgressSink = Callable[[ProgressUpdate], None]


def no_progress(_update: ProgressUpdate) -> None:
    """Default sink: ignore updates."""


class CancelToken:
    """Thread-safe cancel flag; `check()` raises Cancelled once `cancel()` was called."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


NEVER_CANCELLED = CancelToken()
