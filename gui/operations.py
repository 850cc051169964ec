"""The one way the GUI runs long work: off the GUI thread, with progress, cancel and callbacks
that run back on the GUI thread (the shape of Anki's QueryOp: op + success + failure).

Progress reports are coalesced: the worker only keeps the latest update per step and the GUI
thread picks them up, so a chatty scan cannot flood the event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from core.errors import Cancelled
from core.progress import CancelToken, ProgressUpdate

log = logging.getLogger(__name__)

Work = Callable[[Callable[[ProgressUpdate], None], CancelToken], Any]


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    progressed = Signal()


class _Runnable(QRunnable):
    def __init__(self, op: BackgroundOp) -> None:
        super().__init__()
        self._op = op
        self.setAutoDelete(False)  # the op keeps us; Qt must not delete a Python-owned object

    def run(self) -> None:
        op = self._op
        try:
            result = op.work(op.report, op.token)
        except Cancelled:
            op.signals.cancelled.emit()
        except Exception as exc:  # every failure goes to the failure callback, logged, never lost
            log.exception("background operation %r failed", op.name)
            op.signals.failed.emit(exc)
        else:
            op.signals.succeeded.emit(result)
        finally:
            op.finished_event.set()


class BackgroundOp(QObject):
    """Run `work(progress, cancel)` on the thread pool.

    `success(result)`, `failure(exception)`, `cancelled()` and `progress(updates)` are called on the
    GUI thread; `progress` receives the newest update of each step since the last call.
    """

    def __init__(self, work: Work, *, parent: QObject | None, name: str,
                 success: Callable[[Any], None], failure: Callable[[Exception], None],
                 cancelled: Callable[[], None] | None = None,
                 progress: Callable[[list[ProgressUpdate]], None] | None = None) -> None:
        super().__init__(parent)
        self.work = work
        self.name = name
        self.token = CancelToken()
        self.finished_event = threading.Event()
        self._success, self._failure = success, failure
        self._on_cancelled, self._on_progress = cancelled, progress
        self._lock = threading.Lock()
        self._pending: dict[str, ProgressUpdate] = {}
        self._started = False
        self.signals = _Signals()
        # receivers are slots of this QObject, which lives on the GUI thread: queued delivery
        self.signals.succeeded.connect(self._done_ok)
        self.signals.failed.connect(self._done_failed)
        self.signals.cancelled.connect(self._done_cancelled)
        self.signals.progressed.connect(self._deliver_progress)
        self._runnable = _Runnable(self)

    @property
    def running(self) -> bool:
        return self._started and not self.finished_event.is_set()

    def start(self, pool: QThreadPool | None = None) -> None:
        self._started = True
        (pool or QThreadPool.globalInstance()).start(self._runnable)

    def cancel(self) -> None:
        self.token.cancel()

    def wait(self, timeout: float) -> bool:
        """Block until the work has returned (used when closing); True if it did."""
        return not self._started or self.finished_event.wait(timeout)

    def report(self, update: ProgressUpdate) -> None:
        """Called on the worker thread."""
        with self._lock:
            first = not self._pending
            self._pending[update.step] = update
        if first:
            self.signals.progressed.emit()

    @Slot()
    def _deliver_progress(self) -> None:
        with self._lock:
            updates = list(self._pending.values())
            self._pending.clear()
        if updates and self._on_progress is not None and not self.token.cancelled:
            self._on_progress(updates)

    @Slot(object)
    def _done_ok(self, result: object) -> None:
        self._deliver_progress()
        if self.token.cancelled:
            # cancelled after the last check: the user asked to stop, honour that
            self._done_cancelled()
            return
        self._success(result)

    @Slot(object)
    def _done_failed(self, exc: Exception) -> None:
        self._failure(exc)

    @Slot()
    def _done_cancelled(self) -> None:
        if self._on_cancelled is not None:
            self._on_cancelled()
