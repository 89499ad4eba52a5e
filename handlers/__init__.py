"""Channel adapters: they translate platform events into the core's events and send its answers.

What other packages may use (each module is imported where it is needed: a channel's library is
loaded only when that channel is on):

- `handlers.app.App` — what a channel is handed (bot/wiring.App satisfies it);
- `handlers.sender.Sender`, `Transport`, `Unconfigured` — the outbox's one sender;
- `handlers.telegram.TelegramChannel`, `configured`; `handlers.telegram_out.TelegramOutbox`,
  `open_bot` — Telegram in and out;
- `handlers.wechat.WeChatChannel`; `handlers.wechat_out.WeChatOutbound`, `outbound`,
  `send_to_user`, `Template` — WeChat in and out;
- `handlers.console.run` — the terminal; `handlers.files.file_routes` — GET /files/<token>.

None of them imports bot/ (tests/test_layers.py).
"""

__all__: list[str] = []
