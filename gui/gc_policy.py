"""Keep Python's cyclic garbage collector from stalling the window while a scan runs.

A full (generation 2) collection walks every tracked object while holding the GIL. A scan of a
folder with 6,400 drivers grows the heap by some 150,000 objects, and each full collection the
growth set off stopped the GUI thread for 70-250 ms (benchmarks/bench_gui_stall.py). While a scan
runs, automatic full collections are off; every tick (250 ms) the young generations are collected
(cheap: only objects made since the last tick) and what survived is moved to the permanent
generation (gc.freeze), where no later collection walks it. The evidence model is acyclic dataclasses,
which reference counting frees whether frozen or not; only a reference cycle that is still alive at a
tick and dropped later waits until the program ends (the benchmark reports how many objects that is).
"""

from __future__ import annotations

import gc


class QuietCollector:
    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    @property
    def active(self) -> bool:
        return self._saved is not None

    def start(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.collect(1)
            gc.freeze()
            first, second, _third = self._saved
            gc.set_threshold(first, second, 1_000_000)  # no automatic full collection

    def tick(self) -> None:
        if self._saved is not None:
            gc.collect(1)
            gc.freeze()

    def stop(self) -> None:
        if self._saved is not None:
            self.tick()
            gc.set_threshold(*self._saved)
            self._saved = None


QUIET = QuietCollector()
