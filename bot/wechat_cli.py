"""`japanmall wechat ...`: publish the Official Account's menu."""

from __future__ import annotations

import json
import sys

import click


@click.group()
def wechat() -> None:
    """The WeChat Official Account."""


@wechat.command("menu")
@click.option("--dry-run", is_flag=True, help="Print the menus as JSON; publish nothing.")
def menu(dry_run: bool) -> None:
    """Publish the menu (Chinese by default, Japanese for clients set to Japanese)."""
    from bot.cli import fail, load_app
    from handlers.wechat_menu import check_limits, menus
    from handlers.wechat_out import NotConfigured, outbound

    app = load_app()
    default, japanese = menus(app.texts)
    problems = check_limits(default) + check_limits(japanese)
    if problems:
        fail("japanmall: the menu breaks WeChat's limits:\n" + "\n".join(problems))
    if dry_run:
        click.echo(json.dumps({"default": default, "conditional": japanese}, ensure_ascii=False, indent=2))
        return
    try:
        client = outbound(app).client
        client.call(lambda: client.menu.create(default))
        result = client.call(lambda: client.menu.add_conditional(japanese))
    except NotConfigured as exc:
        fail(f"japanmall: {exc}")
    except Exception as exc:  # WeChatClientException, network errors: one clear line
        code, message = getattr(exc, "errcode", ""), getattr(exc, "errmsg", exc)
        fail(f"japanmall: WeChat refused the menu: {code} {message}", 1)
    click.echo(f"Menu published (conditional menu id {result.get('menuid', '?')}).")
    sys.exit(0)
