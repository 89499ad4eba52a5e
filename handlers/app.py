"""What a channel is handed: the running bot's parts, as a protocol (bot/wiring.App satisfies it).

Channels import nothing from bot/ (tests/test_layers.py); bot/server.py hands them this.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Engine

from conversations import Dialog, Services, Texts
from conversations.programme import Programme

__all__ = ["App"]


class App(Protocol):
    settings: Any  # bot/config.Settings: the channel's own settings (tokens, URLs, files_dir)
    programme: Programme
    texts: Texts
    engine: Engine
    services: Services
    dialog: Dialog
    wechat_outbound: Any  # kept here by handlers/wechat_out.outbound (one HTTP session per app)
