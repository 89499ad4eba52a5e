"""A message that asks two things (「締め切りはいつですか？それと参加費は？」): each part matched alone.

The message is cut at its sentence ends and at the words that add a question (それと, あと,
另外, 还有…), else at its commas; it asks several things only when every piece is shaped as a
question. A later piece that names no topic of its own (「どこに送ればいい」) borrows the topics the
first one named (サンプル). Every piece whose topic is clearly ahead is answered, each topic once.
"""

from __future__ import annotations

import re

from conversations.faq.index import Index, Match
from conversations.faq.normalise import SYNONYM_PREFIX, terms
from conversations.faq.questions import Signal, question_signal

_SENTENCES = re.compile(
    r"[？?。!！\n]+|(?:それと|それから|あと|また|ついでに|另外|还有|以及|顺便问一下|再问一下)"
)
_COMMAS = re.compile(r"[、，,]")
MIN_PART = 3  # characters: a shorter piece is no question of its own


def parts(text: str) -> list[str]:
    """The pieces of a message that are each shaped as a question, in order (「我们是跨境直邮的商品，
    能报名吗」 is one question: its first piece tells, it does not ask)."""
    pieces = [piece.strip() for piece in _SENTENCES.split(text) if piece and piece.strip()]
    if len(pieces) < 2:
        pieces = [piece.strip() for piece in _COMMAS.split(text) if piece.strip()]
    asking = [
        piece for piece in pieces if len(piece) >= MIN_PART and question_signal(piece) is not Signal.NONE
    ]
    return asking if len(asking) == len([piece for piece in pieces if len(piece) >= MIN_PART]) else []


def topics(index: Index, text: str) -> list[tuple[str, Match]]:
    """The topics clearly ahead in each part of a message that asks more than one thing; empty
    when it asks one (or only one part is clear: the whole message is then matched as one)."""
    pieces = parts(text)
    if len(pieces) < 2:
        return []
    first_topics = " ".join(term for term in terms(pieces[0]) if term.startswith(SYNONYM_PREFIX))
    found: dict[str, Match] = {}
    for number, piece in enumerate(pieces):
        match = index.match(piece)
        if not match.confident and number and first_topics:
            match = index.match(f"{first_topics} {piece}")
        if match.confident and match.best is not None:
            found.setdefault(match.best, match)
    return list(found.items()) if len(found) >= 2 else []
