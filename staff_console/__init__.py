"""The staff console: a web page for JETRO staff under /staff/ of `japanmall serve`.

`bot/server.py` mounts it with `mount(Console(...))`, handing it what it needs (the engine, the
texts, the programme, the clock, the step runner, the settings' values, and the actions). The
console itself imports nothing from bot/ except in `staff_console/actions.py`, the one module
through which it changes anything (the same code as the CLI and the chat commands).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from starlette.routing import Mount

from conversations.i18n import Texts
from conversations.programme import Programme
from storage.runner import StepRunner

if TYPE_CHECKING:
    from staff_console.actions import Actions
    from staff_console.auth import Auth

__all__ = ["Console", "mount"]


@dataclass
class Console:
    engine: Engine
    texts: Texts
    programme: Programme
    clock: Callable[[], datetime]
    runner: StepRunner
    actions: Actions
    files_dir: Path
    public_url: str | None = None
    auth: Auth = field(init=False)

    def __post_init__(self) -> None:
        from staff_console.auth import Auth

        secure = (self.public_url or "").startswith("https://")
        self.auth = Auth(self.engine, self.clock, self.runner, secure=secure)


def mount(console: Console) -> Mount:
    """The console's routes under /staff, with its security headers."""
    from starlette.applications import Starlette

    from staff_console.routes import routes
    from staff_console.security import SecurityHeaders

    asgi = Starlette(routes=routes())
    asgi.state.console = console
    asgi.add_middleware(SecurityHeaders)
    return Mount("/staff", app=asgi)
