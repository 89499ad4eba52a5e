"""The one sender of the outbox: it delivers the queued `deliveries` rows (storage/deliveries.py)
of every channel, within the platforms' limits, and writes what became of them.

- One lane per channel. A lane sends only while it holds the channel's lease in the kv table,
  so two processes never both send a channel's rows; a lane that newly holds the lease first
  takes back what a dead sender had claimed (storage/deliveries.hold_lease).
- A lane claims due rows in batches, oldest first, and keeps at most `in_flight` of them; the
  rows of one user are sent one after another in their order, different users concurrently (at
  most `Transport.concurrency` at once; the platform's own limiter sets the pace).
- A transport (handlers/telegram_out.py, handlers/wechat_out.py) turns one row into a
  `Settlement`: sent, or a permanent outcome (blocked, unsubscribed, failed, waiting), or
  QUEUED with `retry_at` for a transient failure (network, 5xx, 429: `retry_failure`).
- Outcomes are written in batches, one transaction per turn (not one per message): on
  PostgreSQL the round trips, not the sends, had set the pace of a large broadcast.

It runs inside `japanmall serve` (started with the server), and in `japanmall staff …` and
`reminders run` when they have written rows (bot/outbound.py), so that the same code delivers.
No database work runs on the event loop: it goes through the step runner; blocking platform
calls through the runner's I/O pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine

from storage import deliveries
from storage.deliveries import FAILED, QUEUED, Claimed, Settlement
from storage.runner import StepRunner

__all__ = ["Sender", "Transport", "Unconfigured", "retry_failure"]
log = logging.getLogger(__name__)

WINDOW = 500  # rows read at a time while waiting for outcomes
LEASE_TTL = timedelta(seconds=15)  # a dead sender's lane is taken over this long after its last turn


class Transport(Protocol):
    """Sends one claimed row of its channel."""

    channel: str
    concurrency: int

    async def send(self, item: Claimed) -> Settlement: ...


def retry_failure(
    item: Claimed, error: str, now: datetime, *, at_least: float = 0.0, max_attempts: int | None = None
) -> Settlement:
    """A transient failure: tried again after the backoff (or `at_least` seconds, a 429's
    retry_after), or failed once the row has been tried MAX_ATTEMPTS times."""
    row = item.row
    attempts = row.attempts + 1
    if attempts >= (max_attempts or deliveries.MAX_ATTEMPTS):
        return Settlement(row.id, FAILED, attempts, row.payload, f"{error} (after {attempts} attempts)")
    wait = max(deliveries.backoff(attempts), timedelta(seconds=at_least))
    return Settlement(row.id, QUEUED, attempts, row.payload, error, retry_at=now + wait)


class Unconfigured:
    """A channel whose credentials are not set: its rows fail at once, saying which setting."""

    concurrency = 1

    def __init__(self, channel: str, error: str) -> None:
        self.channel = channel
        self.error = error

    async def send(self, item: Claimed) -> Settlement:
        row = item.row
        return Settlement(row.id, FAILED, row.attempts, row.payload, self.error)


class _Lane:
    def __init__(self, sender: Sender, transport: Transport) -> None:
        self.sender = sender
        self.transport = transport
        self.channel = transport.channel
        self.held = False
        self.renewed_at: datetime | None = None
        self.queues: dict[int, deque[Claimed]] = {}
        self.workers: dict[int, asyncio.Task[None]] = {}
        self.in_flight = 0
        self.gate = asyncio.Semaphore(max(1, transport.concurrency))
        self.requeued_at: datetime | None = None
        self.tried_at = -1e9  # when this lane last asked for the lease (monotonic seconds)

    async def turn(self) -> bool:
        """Renew the lease, claim what is due (within `in_flight`); True when rows were claimed."""
        sender = self.sender
        now = sender.clock()
        if not self.held and time.monotonic() - self.tried_at < sender.idle:
            return False  # another process sends this channel: ask again in a moment, not at every wake
        if not self.held or self.renewed_at is None or now - self.renewed_at > sender.lease_ttl / 3:
            self.tried_at = time.monotonic()
            held, _newly = await sender.runner.run(
                self._transaction, deliveries.hold_lease, self.channel, sender.holder, now, sender.lease_ttl
            )
            self.held = held
            self.renewed_at = now if held else None
        if not self.held:
            return False
        if self.channel == "wechat" and (
            self.requeued_at is None or now - self.requeued_at > timedelta(seconds=5)
        ):
            from handlers.wechat_delivery import WINDOW

            self.requeued_at = now
            await sender.runner.run(self._transaction, deliveries.requeue_waiting, self.channel, now, WINDOW)
        room = sender.in_flight - self.in_flight
        if room <= 0 or (self.in_flight and room < min(sender.batch, sender.in_flight) // 4):
            return False  # claim in batches: one claim per quarter of the window, not per freed row
        claimed = await sender.runner.run(
            self._transaction, deliveries.claim, self.channel, sender.holder, now, min(room, sender.batch)
        )
        for item in claimed:
            self.in_flight += 1
            self.queues.setdefault(item.row.user_id, deque()).append(item)
            if item.row.user_id not in self.workers:
                task = asyncio.get_running_loop().create_task(self._user(item.row.user_id))
                self.workers[item.row.user_id] = task
        return bool(claimed)

    def _transaction(self, function: Callable[..., object], *args: object) -> object:
        with self.sender.engine.begin() as conn:
            return function(conn, *args)

    async def _user(self, user_id: int) -> None:
        """One user's rows, one after another, in their order."""
        queue = self.queues[user_id]
        try:
            while queue:
                item = queue.popleft()
                if self.sender.stopping:
                    queue.appendleft(item)
                    break
                async with self.gate:
                    try:
                        settlement = await self.transport.send(item)
                    except Exception as exc:  # a bug or an unexpected error: retried, bounded
                        log.exception("delivery %s: the %s transport failed", item.row.id, self.channel)
                        settlement = retry_failure(item, f"{type(exc).__name__}", self.sender.clock())
                settlement.user_id = item.row.user_id
                self.sender.record(settlement, item, self)
                if settlement.outcome == QUEUED:
                    break  # the rest waits behind this one's retry: the chat keeps its order
            # What was not sent (a retry ahead of it, or the sender stopping) goes back to the queue.
            retry_at = self.sender.clock()
            while queue:
                item = queue.popleft()
                row = item.row
                self.sender.record(
                    Settlement(row.id, QUEUED, row.attempts, row.payload, row.error, retry_at=retry_at),
                    item,
                    self,
                )
        finally:
            self.queues.pop(user_id, None)
            self.workers.pop(user_id, None)
            self.sender.wake()

    async def stop(self) -> None:
        workers = list(self.workers.values())
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)
        if self.held:
            await self.sender.runner.run(
                self._transaction, deliveries.release_lease, self.channel, self.sender.holder
            )
            self.held = False


class Sender:
    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime],
        runner: StepRunner,
        transports: Sequence[Transport],
        *,
        holder: str | None = None,
        batch: int = 200,
        in_flight: int = 400,
        idle: float = 1.0,
        lease_ttl: timedelta = LEASE_TTL,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.runner = runner
        self.holder = holder or f"{socket.gethostname()[:32]}:{os.getpid()}:{os.urandom(3).hex()}"
        self.batch = batch
        self.in_flight = in_flight
        self.idle = idle
        self.lease_ttl = lease_ttl
        self.lanes = [_Lane(self, transport) for transport in transports]
        self.stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._pending: list[tuple[Settlement, _Lane]] = []
        self._flushing: asyncio.Task[None] | None = None
        self.settled = 0  # rows written with a final outcome by this sender (benchmarks read it)

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self.stopping = False
        self._task = self._loop.create_task(self._run())
        log.info("sender started", extra={"channels": ",".join(lane.channel for lane in self.lanes)})

    async def stop(self) -> None:
        """Finish the sends in flight, put back what was claimed and not sent, write outcomes."""
        self.stopping = True
        self.wake()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for lane in self.lanes:
            await lane.stop()
        await self._flush()

    def wake(self) -> None:
        """Something was enqueued: look now (safe from any thread, e.g. after a step commits)."""
        loop, event = self._loop, self._wake
        if loop is None or event is None:
            return
        try:
            if asyncio.get_running_loop() is loop:
                event.set()
                return
        except RuntimeError:
            pass
        with contextlib.suppress(RuntimeError):  # the loop has closed
            loop.call_soon_threadsafe(event.set)

    async def _run(self) -> None:
        assert self._wake is not None
        while not self.stopping:
            self._wake.clear()
            busy = False
            for lane in self.lanes:
                try:
                    busy = await lane.turn() or busy
                except Exception:
                    log.exception("sender: the %s lane's turn failed; trying again", lane.channel)
            if not busy and not self.stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle)

    # -- outcomes --------------------------------------------------------------------------------
    def record(self, settlement: Settlement, item: Claimed, lane: _Lane) -> None:
        """A row's outcome, written with the others of this turn; the row counts as in flight
        (and keeps the lane from claiming more) until it is written."""
        self._pending.append((settlement, lane))
        if settlement.outcome != QUEUED:
            level = logging.INFO if settlement.outcome in ("sent", "waiting") else logging.WARNING
            extra = {"delivery_id": item.row.id, "kind": item.row.kind, "channel": item.row.channel}
            log.log(level, "delivery %s", settlement.outcome, extra={**extra, "error": settlement.error})
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(0.02)  # gather the outcomes of one turn's sends into one transaction
        await self._flush()

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            now = self.clock()
            settlements = [settlement for settlement, _lane in batch]

            def write(settlements: list[Settlement] = settlements, now: datetime = now) -> None:
                with self.engine.begin() as conn:
                    deliveries.settle(conn, settlements, now)

            try:
                await self.runner.run(write)
            except Exception:
                log.exception("sender: %d outcomes not written; their rows are taken back later", len(batch))
            for settlement, lane in batch:
                lane.in_flight -= 1
                if settlement.outcome != QUEUED:
                    self.settled += 1
        self.wake()

    # -- waiting for rows ------------------------------------------------------------------------
    async def wait_for(
        self,
        ids: Sequence[int],
        *,
        timeout: float,
        poll: float = 0.1,
        on_progress: Callable[[dict[int, str]], None] | None = None,
    ) -> dict[int, str]:
        """Wait until every row has a final outcome or `timeout` passes; id -> outcome now."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wanted = list(ids)
        known: dict[int, deliveries.State] = {}  # rows seen settled: not read again
        gone: set[int] = set()

        def read(open_ids: list[int]) -> dict[int, deliveries.State]:
            with self.engine.connect() as conn:
                return deliveries.outcomes_of(conn, open_ids)

        while True:
            # Rows settle roughly in id order: read the oldest open ones a window at a time, and
            # stop at the first window that is not all settled (a large broadcast's poll stays small).
            open_ids = sorted(key for key in wanted if key not in known and key not in gone)
            found: dict[int, deliveries.State] = {}
            left = deadline - loop.time()
            for start in range(0, len(open_ids), WINDOW):
                window = open_ids[start : start + WINDOW]
                # a read only: off the writer thread (SQLite in WAL mode reads beside its one writer)
                read_now = await self.runner.io(read, window)
                found.update(read_now)
                settled_here = [key for key, state in read_now.items() if self._settled(state, left)]
                known.update((key, read_now[key]) for key in settled_here)
                gone.update(key for key in window if key not in read_now)  # no such row: nothing to wait for
                if len(settled_here) + sum(key in gone for key in window) < len(window):
                    break
            outcomes = {key: state.outcome for key, state in {**found, **known}.items()}
            if on_progress is not None:
                on_progress(outcomes)
            done = all(key in known or key in gone for key in wanted)
            if left <= 0 or done:
                return outcomes
            self.wake()
            await asyncio.sleep(min(poll, left))

    def _settled(self, state: deliveries.State | None, left: float) -> bool:
        """Final, or waiting for a retry that comes after we stop waiting."""
        if state is None or state.outcome in deliveries.FINAL:
            return True
        if state.outcome != QUEUED or not state.attempts or state.next_attempt_at is None:
            return False
        return (state.next_attempt_at - self.clock()).total_seconds() > left
