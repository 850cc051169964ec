"""The one way the GUI runs long work: off the GUI thread, with progress, cancel and callbacks
that run back on the GUI thread (the shape of Anki's QueryOp: op + success + failure).

Progress reports are coalesced: the worker only keeps the latest update per step and the GUI
thread picks them up, so a chatty scan cannot flood the event loop.

While work runs, the GIL's switch interval is shortened (see `GilShare`): the GUI thread gives the GIL
up around every call into Qt and needs it back for every call out of Qt into Python (a slot, a
model's data(), a timer), and each time it waits until the working thread is made to drop it.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from core.errors import Cancelled
from core.progress import CancelToken, ProgressUpdate

log = logging.getLogger(__name__)

Work = Callable[[Callable[[ProgressUpdate], None], CancelToken], Any]


class GilShare:
    """Shorten the interpreter's switch interval while background work runs.

    A thread that wants the GIL waits one switch interval (5 ms by default) before the thread holding
    it is asked to let go. The GUI thread releases the GIL whenever it goes back into Qt and takes it
    again for each Python callback, so with a CPU-bound scan running, one pass of the event loop that
    calls Python ten times waited some 50 ms (benchmarks/bench_gui_stall.py measured event-loop gaps of
    60-150 ms at 6,400 drivers while the GUI thread itself worked under 10 ms). With 1 ms each wait is
    short; the worker is only interrupted when the GUI thread asks, so the scan itself is not slowed.
    """

    WHILE_WORKING = 0.001  # seconds

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._saved: float | None = None

    @property
    def active(self) -> bool:
        return self._running > 0

    def enter(self) -> None:
        with self._lock:
            if self._running == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, self.WHILE_WORKING))
            self._running += 1

    def leave(self) -> None:
        """Called when the work has returned (on the worker thread): a cancelled scan that has not
        noticed the cancel yet still competes with the GUI thread."""
        with self._lock:
            if self._running == 0:
                return
            self._running -= 1
            if self._running == 0 and self._saved is not None:
                sys.setswitchinterval(self._saved)
                self._saved = None


GIL_SHARE = GilShare()


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
            GIL_SHARE.leave()
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
        GIL_SHARE.enter()  # left by the runnable when the work returns
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
