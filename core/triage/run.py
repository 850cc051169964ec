"""Triage many machines: discover them, examine the new ones in worker processes, reuse the rest.

Workers are separate processes so that one bundle cannot take the others down: each has a memory
ceiling (an address-space limit on POSIX, a job object's process memory limit on Windows,
core/triage/winjob.py) and a time limit per bundle, and is replaced after a number of bundles, so
memory one bundle kept does not carry over.
A bundle that kills its worker (out of memory, a crash in a native library) becomes a row with that
problem; the pool is rebuilt and the run goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from core.resources import resource_path
from core.triage.cache import ResultCache, default_cache_dir
from core.triage.discover import Candidate, discover
from core.triage.examine import Examined, examine, peak_rss_kb
from core.triage.row import TriageRow, problem_row

log = logging.getLogger(__name__)

DEFAULT_MAX_MEMORY_MB = 2048
DEFAULT_TIMEOUT_S = 600  # per bundle; a whole 64 GB dump takes about a second, so this is only a guard
DEFAULT_TASKS_PER_CHILD = 100
LIVE = "this computer"
TIMEOUT_EXIT = 75


@dataclass
class TriageOptions:
    jobs: int = 1
    cache_dir: Path | None = None  # None: the user's cache folder
    use_cache: bool = True
    with_reports: bool = False  # make each machine's full HTML report (for the HTML overview)
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    tasks_per_child: int = DEFAULT_TASKS_PER_CHILD
    timeout_s: float = DEFAULT_TIMEOUT_S  # a bundle that takes longer ends its worker and gets a row


@dataclass
class TriageResult:
    rows: list[TriageRow] = field(default_factory=list)
    reports: list[bytes | None] = field(default_factory=list)  # parallel to rows
    examined: int = 0  # bundles scanned in this run
    from_cache: int = 0
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    worker_peak_kb: dict[int, int] = field(default_factory=dict)  # worker pid → peak RSS
    seconds: float = 0.0


Progress = Callable[[int, int, str], None]  # (done, total, what)


def _no_progress(done: int, total: int, what: str) -> None:
    pass


_worker_timeout: float | None = None  # set in each worker by _init_worker


def _init_worker(max_memory_mb: int, timeout_s: float) -> None:
    global _worker_timeout
    _worker_timeout = timeout_s if timeout_s > 0 else None
    _limit_memory(max_memory_mb)


def _limit_memory(max_memory_mb: int) -> None:
    """A ceiling on this process's memory: its address space on POSIX, a job object on Windows."""
    limit = max_memory_mb * 1024 * 1024
    try:
        import resource
    except ImportError:
        from core.triage.winjob import limit_this_process

        try:
            limit_this_process(limit)
        except (OSError, AttributeError, ValueError) as exc:  # no ceiling is better than no worker
            log.info("cannot limit worker memory: %s", exc)
        return
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError) as exc:
        log.info("cannot limit worker memory: %s", exc)


@contextlib.contextmanager
def time_limit() -> Iterator[None]:
    """In a worker: past the time limit the process ends itself. A reader that never returns must not
    stall the run; a thread can end a process on every OS (an alarm signal is POSIX only), and the
    parent turns the ended worker into the bundle's row."""
    timer = None
    if _worker_timeout is not None:
        timer = threading.Timer(_worker_timeout, os._exit, args=(TIMEOUT_EXIT,))
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()


def _worker(path: str | None, kind: str, shown: str, with_report: bool) -> tuple[Examined, int]:
    with time_limit():
        return examine(Path(path) if path is not None else None, kind, shown, with_report), os.getpid()


def knowledge_salt() -> str:
    """What the cached rows depend on besides the bundle: the knowledge data files."""
    digest = hashlib.sha256()
    for name in ("knowledge/known_issues.json", "known_drivers.json", "bugchecks.json"):
        try:
            digest.update(resource_path(name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


class _Pool:
    """A process pool that is rebuilt when a worker dies."""

    def __init__(self, options: TriageOptions) -> None:
        self.options = options
        self.executor: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                max_workers=max(1, self.options.jobs), mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(self.options.max_memory_mb, self.options.timeout_s))
        return self.executor

    def reset(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def triage_live(with_report: bool = False) -> TriageResult:
    """This computer, in this process (fleet tools run one command per machine)."""
    start = time.perf_counter()
    done = examine(None, "live", LIVE, with_report)
    return TriageResult(done.rows, [done.report_html] * len(done.rows), examined=1,
                        seconds=time.perf_counter() - start)


Worker = Callable[[str | None, str, str, bool], tuple[Examined, int]]


def triage(paths: list[Path], options: TriageOptions | None = None,
           progress: Progress = _no_progress, *, worker: Worker | None = None) -> TriageResult:
    """Examine every machine under `paths`. `worker` replaces the per-bundle function (tests use it
    to make a worker die); it must be importable by name, as workers are separate processes."""
    options = options or TriageOptions()
    start = time.perf_counter()
    found = discover(paths)
    result = TriageResult(skipped=list(found.skipped))
    total = len(found.candidates)
    # One slot per candidate while examining; a bundle of several computers fills its slot with
    # several rows, flattened at the end (rows stay in discovery order).
    slots: list[list[TriageRow]] = [[problem_row(str(c.path), "not examined")] for c in found.candidates]
    reports: list[bytes | None] = [None] * total
    cache = None
    if options.use_cache:
        from core.diagnosis.knowledge import load_knowledge

        cache = ResultCache(options.cache_dir or default_cache_dir(),
                            f"{load_knowledge().version}|{knowledge_salt()}")
    keys: list[str | None] = [None] * total
    todo: list[int] = []
    for index, cand in enumerate(found.candidates):
        if cache is not None and cand.kind != "empty":
            try:
                keys[index] = cache.key(cand.path)
            except OSError as exc:
                log.info("cannot hash %s: %s", cand.path, exc)
            key = keys[index]
            hit = cache.get(key, options.with_reports, cand.path) if key is not None else None
            if hit is not None:
                slots[index], reports[index] = hit
                result.from_cache += 1
                progress(result.from_cache, total, f"{cand.path} (cached)")
                continue
        todo.append(index)
    _run_pool(found.candidates, todo, options, result, keys, cache, progress, total, worker or _worker,
              slots, reports)
    if cache is not None:
        cache.save_index()
    for rows, report in zip(slots, reports, strict=True):
        result.rows.extend(rows)
        result.reports.extend([report] * len(rows))  # the same full report for each computer in it
    result.seconds = time.perf_counter() - start
    return result


def _run_pool(cands: list[Candidate], todo: list[int], options: TriageOptions, result: TriageResult,
              keys: list[str | None], cache: ResultCache | None, progress: Progress, total: int,
              worker: Worker, slots: list[list[TriageRow]], reports: list[bytes | None]) -> None:
    if not todo:
        return
    pool = _Pool(options)
    state = {"done": result.from_cache}

    def finish(index: int, examined: Examined, pid: int) -> None:
        slots[index], reports[index] = examined.rows, examined.report_html
        _store(result, index, examined, pid, keys, cache, cands[index].path)
        state["done"] += 1
        progress(state["done"], total, str(cands[index].path))

    def submit(index: int) -> Future[tuple[Examined, int]]:
        c = cands[index]
        return pool.get().submit(worker, str(c.path), c.kind, str(c.path), options.with_reports)

    def collect(future: Future[tuple[Examined, int]], index: int) -> bool:
        """False when the pool broke before this bundle was done."""
        try:
            examined, pid = future.result()
        except BrokenProcessPool:
            return False
        except Exception as exc:  # pickling or similar: one row, never the run
            examined, pid = Examined(problem_row(str(cands[index].path),
                                                 f"internal error ({type(exc).__name__}: {exc})")), 0
        finish(index, examined, pid)
        return True

    # Workers are recycled by hand, a fresh pool for every batch of `tasks_per_child` bundles per
    # worker: ProcessPoolExecutor's own max_tasks_per_child hangs on Python 3.11 once a worker retires.
    batch_size = max(1, options.jobs) * max(1, options.tasks_per_child)
    queue = list(todo)
    try:
        while queue:
            batch, queue = queue[:batch_size], queue[batch_size:]
            _run_batch(batch, cands, options, pool, submit, collect, finish)
            pool.close()
    finally:
        pool.close()


Submit = Callable[[int], "Future[tuple[Examined, int]]"]
Collect = Callable[["Future[tuple[Examined, int]]", int], bool]
Finish = Callable[[int, Examined, int], None]


def _run_batch(batch: list[int], cands: list[Candidate], options: TriageOptions, pool: _Pool, submit: Submit,
               collect: Collect, finish: Finish) -> None:
    pending = batch
    while pending:
        futures: list[tuple[Future[tuple[Examined, int]], int]] = []
        broken: list[int] = []
        for index in pending:
            try:
                futures.append((submit(index), index))
            except BrokenProcessPool:
                broken.append(index)
        for future, index in futures:  # submission order: rows keep discovery order
            if not collect(future, index):
                broken.append(index)
        order = {index: n for n, index in enumerate(pending)}
        broken.sort(key=order.__getitem__)
        if not broken:
            return
        # A worker died. Only bundles that were running can have killed it, and those are the
        # earliest unfinished ones: each is tried again alone, so the culprit is found for sure.
        pool.reset()
        suspects, pending = broken[: options.jobs + 1], broken[options.jobs + 1:]
        for index in suspects:
            try:
                alone = submit(index)
            except BrokenProcessPool:
                pool.reset()
                alone = submit(index)
            if not collect(alone, index):
                pool.reset()
                why = (f"the worker examining this bundle stopped: it took longer than "
                       f"{options.timeout_s:g} s, ran out of memory (the limit is "
                       f"{options.max_memory_mb} MB per worker) or a reader crashed")
                finish(index, Examined(problem_row(str(cands[index].path), why)), 0)


def _store(result: TriageResult, index: int, examined: Examined, pid: int, keys: list[str | None],
           cache: ResultCache | None, path: Path) -> None:
    result.examined += 1
    if examined.peak_rss_kb is not None and pid:
        result.worker_peak_kb[pid] = max(result.worker_peak_kb.get(pid, 0), examined.peak_rss_kb)
    key = keys[index]
    # A bundle that could not be read stays unreadable while its content is the same, so its row is
    # cached too; only a worker that died (pid 0: memory limit, crash) is tried again next time, as
    # the limit may have been raised.
    if cache is not None and key is not None and pid:
        cache.put(key, examined.rows, examined.report_html, path)


__all__ = ["LIVE", "TriageOptions", "TriageResult", "peak_rss_kb", "triage", "triage_live"]
