"""Who answers a WeChat message, and how: passively, or by customer service after `success`.

WeChat waits 5 seconds for the passive reply, then retries, maybe on another process. The core
acts once per message key and stores the reply with it; what is left to agree on is the MODE:

- The request that ran the step (the owner) and got the reply within the budget answers
  passively. This is the normal path and writes nothing more.
- An owner whose budget ran out has already answered `success`; it then claims the mode "cs"
  (an insert-if-absent in `kv`) and, if it wins, sends the reply as customer-service messages.
- A retry (the core said duplicate) mirrors the mark: "cs" → `success`; "passive" → the same
  passive reply; no mark → it claims "passive" and answers passively. A retry whose own budget
  ran out does nothing: someone else answers.

Both claims are the same compare-and-set, so an owner that ran late and a retry that came early
can never both deliver. Within one request the worker thread and the event loop agree through
`InFlight`'s lock on whether the reply arrived before the loop gave up waiting.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine

from conversations import Reply
from storage import kv

PASSIVE, CUSTOMER_SERVICE, NOBODY = "passive", "cs", "none"
MARK_PREFIX = "wechat:reply_mode:"
MARK_TTL = timedelta(days=2)


class InFlight:
    """One request's step: did the reply arrive before the event loop stopped waiting?"""

    __slots__ = ("abandoned", "lock", "reply")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reply: Reply | None = None
        self.abandoned = False

    def arrived(self, reply: Reply) -> bool:
        """Worker thread: the step is done. Returns True if the request already answered `success`."""
        with self.lock:
            self.reply = reply
            return self.abandoned

    def give_up(self) -> bool:
        """Event loop: the budget ran out. True if the request now answers `success` (no reply yet)."""
        with self.lock:
            if self.reply is None:
                self.abandoned = True
            return self.abandoned


def mark_key(message_key: str) -> str:
    key = MARK_PREFIX + message_key
    if len(key) <= 128:
        return key
    return MARK_PREFIX + hashlib.sha256(message_key.encode("utf-8")).hexdigest()


class ReplyModes:
    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def settle(self, message_key: str, *, duplicate: bool, abandoned: bool, follow_up: bool = True) -> str:
        """The mode this request acts on (see the module docstring). Without customer service
        (`follow_up` False: no app secret), a late owner claims nothing: WeChat's own retry then
        finds the stored reply and no mark, and answers passively."""
        if not duplicate and not abandoned:
            return PASSIVE
        if not duplicate and not follow_up:
            return NOBODY
        key = mark_key(message_key)
        now = self.clock()
        with self.engine.begin() as conn:
            if not duplicate:
                held = kv.insert_if_absent(conn, key, CUSTOMER_SERVICE, now, now + MARK_TTL)
                return CUSTOMER_SERVICE if held == CUSTOMER_SERVICE else NOBODY
            entry = kv.get(conn, key)
            if entry is not None:
                return entry.value if entry.value == CUSTOMER_SERVICE or not abandoned else NOBODY
            if abandoned:
                return NOBODY
            return kv.insert_if_absent(conn, key, PASSIVE, now, now + MARK_TTL)

    def purge(self) -> int:
        with self.engine.begin() as conn:
            return kv.purge_expired(conn, MARK_PREFIX, self.clock())
