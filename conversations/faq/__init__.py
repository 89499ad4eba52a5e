"""Questions in free text, answered from the programme's facts in Japanese and Chinese.

The knowledge base lives in locales/<lang>/faq.yaml; `register` adds the "faq" flow (menu →
"ask") and the question hook that answers a question wherever it comes.
"""

from conversations.context import Context
from conversations.faq.flow import faq, reply
from conversations.faq.hook import question_hook
from conversations.faq.index import CONFIDENT, Index, Match
from conversations.faq.knowledge import build_index, default_index, entry_ids
from conversations.faq.questions import Signal, question_signal
from conversations.registry import Registry

__all__ = [
    "CONFIDENT",
    "Index",
    "Match",
    "Signal",
    "build_index",
    "default_index",
    "entry_ids",
    "faq",
    "question_hook",
    "question_signal",
    "register",
    "reply",
]


def ask_command(ctx: Context, _args: str) -> None:
    """/ask (the WeChat menu's 「提问／質問する」): the FAQ, from wherever the user is."""
    ctx.state.context.pop("return", None)
    ctx.go("faq")


def register(registry: Registry) -> None:
    default_index()  # built now, once, so that no user waits for it
    registry.add_flow(faq)
    registry.add_command("ask", ask_command)
    registry.question_hooks.append(question_hook)
