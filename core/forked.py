"""Work shared out to worker processes forked from this one: they see its memory as it is when
they start, without copying it, say what they log through it, and end with it.

A forked worker starts from a copy of this process, threads excepted: only a process with one
thread may fork workers safely (a lock another thread holds would stay held in the worker), so
callers check `can_fork()` first and otherwise do the work themselves.
"""

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from core.processes import start_worker

_work: Callable | None = None  # the work the workers inherit
_said: list[logging.LogRecord] = []  # what a worker logged during its current share


class WorkerLost(Exception):
    """A worker ended before its share was done: killed, or out of memory."""

    def __init__(self) -> None:
        super().__init__("một tiến trình phụ dừng đột ngột (máy có thể đã hết bộ nhớ); "
                         "hãy chạy lại")


def can_fork() -> bool:
    """True when this process has no thread but its main one (see the module's docstring)."""
    return threading.active_count() == 1


def cores() -> int:
    return os.cpu_count() or 1


def forked_map(work: Callable[[int], object], shares: int, workers: int) -> list:
    """`work(number)` for every share number, in `workers` forked processes; the results in the
    order of the shares. What a worker logs during a share is logged here, as if said here, as
    the shares come back. An exception raised by `work` is raised here, and the shares not
    started yet are not run; WorkerLost when a worker ends before its share is done."""
    global _work
    _work = work
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"),
                               initializer=_start_worker)
    results = []
    try:
        for said, result in pool.map(_run_share, range(shares)):
            for record in said:
                logging.getLogger(record.name).handle(record)
            results.append(result)
        return results
    except BrokenProcessPool:
        raise WorkerLost() from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _work = None


class _Keeper(logging.Handler):
    """A worker's only log handler: keeps each record, in a form that can be sent back."""

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        _said.append(record)


def _start_worker() -> None:
    start_worker()
    logging.getLogger().handlers = [_Keeper()]


def _run_share(number: int) -> tuple[list[logging.LogRecord], object]:
    _said.clear()
    result = _work(number)
    return list(_said), result
