"""The Official Account's menu: CLICK buttons whose keys stand for the core's commands.

WeChat shows one default menu (Chinese here, most WeChat clients) and a conditional menu to
clients set to Japanese (`matchrule.language = "ja"`). A top-level name holds at most 16 bytes, a
sub-button's 60 (WeChat's limits); `check_limits` says which label breaks them.
"""

from __future__ import annotations

from typing import Any

from conversations import Texts

TOP_BYTES, SUB_BYTES = 16, 60
LAYOUT: list[tuple[str, list[str]]] = [
    ("apply_group", ["check", "apply", "form", "status"]),
    ("ask_group", ["ask", "help"]),
    ("lang", []),
]


def menu_definition(texts: Texts, lang: str) -> dict[str, Any]:
    def label(key: str) -> str:
        return texts.render(lang, f"wechat.menu.{key}")

    buttons: list[dict[str, Any]] = []
    for top, subs in LAYOUT:
        if subs:
            sub_buttons = [{"type": "click", "name": label(key), "key": key} for key in subs]
            buttons.append({"name": label(top), "sub_button": sub_buttons})
        else:
            buttons.append({"type": "click", "name": label(top), "key": top})
    return {"button": buttons}


def check_limits(menu: dict[str, Any]) -> list[str]:
    problems = []
    for button in menu["button"]:
        if len(button["name"].encode("utf-8")) > TOP_BYTES:
            problems.append(f"{button['name']!r} is longer than {TOP_BYTES} bytes")
        for sub in button.get("sub_button", []):
            if len(sub["name"].encode("utf-8")) > SUB_BYTES:
                problems.append(f"{sub['name']!r} is longer than {SUB_BYTES} bytes")
    return problems


def menus(texts: Texts) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the default menu, the conditional menu for Japanese clients)."""
    japanese = menu_definition(texts, "ja")
    japanese["matchrule"] = {"language": "ja"}
    return menu_definition(texts, "zh"), japanese
