"""Running blocking work off the event loop: core steps and database calls, and platform API calls.

On SQLite, ONE writer thread runs every step in arrival order (several SQLite writers wait on each
other's locks for seconds; docs/architecture.md, "Storage speed"); on PostgreSQL, a pool of threads.
Calls to platforms' APIs run in a separate I/O pool so that they never hold up the writer.
The server (bot/) creates one runner; the channels (handlers/) are handed it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Engine

__all__ = ["StepRunner", "Writer"]

T = TypeVar("T")


class Writer:
    """ONE thread running blocking steps in arrival order (SQLite's one writer). Up to BATCH steps
    that were already waiting run back to back and are handed to the event loop together: fewer
    wake-ups and GIL hand-overs (a fifth more messages a second when a step took ~1 ms; within
    the noise, 1 to 16, since the SQLite hot path takes ~0.2 ms: benchmarks/wechat_webhook.py)."""

    BATCH = 4

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="step-writer", daemon=True)
        self._thread.start()

    def submit(self, loop: asyncio.AbstractEventLoop, call: Callable[[], T]) -> asyncio.Future[T]:
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put((loop, future, call))
        return future

    def _serve(self) -> None:
        stop = False
        while not stop:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < self.BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            done: dict[asyncio.AbstractEventLoop, list[tuple[Any, Any, BaseException | None]]] = {}
            for loop, future, call in batch:
                try:
                    outcome: tuple[Any, Any, BaseException | None] = (future, call(), None)
                except Exception as exc:
                    outcome = (future, None, exc)
                done.setdefault(loop, []).append(outcome)
            for loop, outcomes in done.items():
                with contextlib.suppress(RuntimeError):  # the loop has closed
                    loop.call_soon_threadsafe(_resolve, outcomes)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()


def _resolve(outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    for future, result, error in outcomes:
        if future.done():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)


class StepRunner:
    """Runs blocking work (a core step, a database call) off the event loop."""

    def __init__(self, engine: Engine, workers: int | None = None, io_workers: int = 8) -> None:
        if workers is None:
            workers = 1 if engine.dialect.name == "sqlite" else 8
        self.workers = workers
        self._writer = Writer() if workers == 1 else None
        self._pool = (
            None if workers == 1 else ThreadPoolExecutor(max_workers=workers, thread_name_prefix="step")
        )
        self._io = ThreadPoolExecutor(max_workers=io_workers, thread_name_prefix="io")

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Database work: on SQLite this is the one writer thread."""
        return await self.submit(function, *args, **kwargs)

    def submit(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> asyncio.Future[T]:
        """`run` as a future of its own: a caller that waits with a time limit needs no task."""
        loop = asyncio.get_running_loop()
        call = partial(contextvars.copy_context().run, function, *args, **kwargs)
        if self._writer is not None:
            return self._writer.submit(loop, call)
        return loop.run_in_executor(self._pool, call)

    async def io(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Network calls to a platform's API (which may write a little to the database too)."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return await loop.run_in_executor(self._io, context.run, partial(function, *args, **kwargs))

    def close(self) -> None:
        self._io.shutdown(wait=True, cancel_futures=False)
        if self._writer is not None:
            self._writer.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=False)
