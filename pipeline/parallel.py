"""`fork_map`: map a function over items in worker processes forked from this one, results in order.

Forking (rather than starting fresh interpreters) lets the workers share what the parent has loaded, such
as the spaCy model, copy-on-write, with nothing to pickle but the items and the results."""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from pipeline.errors import WorkerDied

T = TypeVar("T")
R = TypeVar("R")

# The function the forked workers call: set just before the workers start, inherited by the fork.
_INHERITED: Callable | None = None


def _call_inherited(item):  # noqa: ANN001, ANN202 - runs in the worker
    assert _INHERITED is not None, "worker started without a function"
    return _INHERITED(item)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def fork_map(function: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """`function(item)` for each item, in the order of `items`. With `workers` > 1 (and a platform that
    can fork) the calls run in that many worker processes; otherwise here, one by one. An exception raised
    in a worker is raised here; a worker that dies without one raises WorkerDied naming the items that were
    in progress, instead of waiting for it forever."""
    items = list(items)
    workers = min(workers, len(items))
    if workers <= 1 or not can_fork():
        yield from map(function, items)
        return
    global _INHERITED
    _INHERITED = function
    # Objects that exist now are left out of the workers' garbage collections: a collection writes to every
    # object it visits, which would copy the parent's pages (the model's) into each worker for nothing.
    gc.freeze()
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        # at most a few items per worker in flight, so results waiting for their turn stay few
        window = 4 * workers
        pending: deque = deque()
        for index in range(len(items)):
            while len(pending) < window and index + len(pending) < len(items):
                pending.append(executor.submit(_call_inherited, items[index + len(pending)]))
            try:
                result = pending.popleft().result()
            except BrokenProcessPool:
                # items are handed out in order, so the one that was running is among the next few
                suspects = ", ".join(str(item) for item in items[index : index + workers])
                raise WorkerDied(
                    "a worker process stopped without a word (out of memory? killed?) while handling one "
                    f"of: {suspects}. With --n-process 1 a run needs less memory and shows any error itself."
                ) from None
            yield result
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        _INHERITED = None
        gc.unfreeze()
