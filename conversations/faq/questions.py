"""Is a text a question, or an answer to the form's question? Decided from its shape alone.

STRONG: it ends with a question mark or a question ending (…ですか, …吗, …呢).
WEAK:   it begins with a question word (什么, 怎么, いつ, どう, 何…); a company called 何氏食品 or
        a plain "可以" begins the same way, so a weak question is only taken when the knowledge
        base is sure what it is about.
NONE:   anything else ("はい", a number, a company name).
"""

from __future__ import annotations

import enum
import unicodedata

MAX_QUESTION = 500  # characters; a longer text is not taken as a question


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# not "没有", "不是", "好吧", "かね": those are answers too ("不是" = no; おかね = money)
_ENDINGS = _words("? ですか ますか でしょうか ませんか のか るか 吗 呢 么")
_OPENINGS = _words(
    "什么 怎么 怎样 如何 为什么 为何 是否 可以 可不可以 能否 能不能 有没有 是不是 哪 多少 几"
    " 请问 请教 想问 谁 何 なに なん いつ どう どの どこ どれ どんな どうして なぜ 誰 だれ"
    " いくら 教えて 質問 すみません ちなみに もし"
)
_TRAILING = "。．.！!～~ 　」』)）"


class Signal(enum.Enum):
    NONE = 0
    WEAK = 1
    STRONG = 2


def question_signal(text: str) -> Signal:
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded or len(folded) > MAX_QUESTION:
        return Signal.NONE
    body = folded.rstrip(_TRAILING)
    if body.endswith(_ENDINGS):
        return Signal.STRONG
    if folded.startswith(_OPENINGS) and len(folded) > 2:
        return Signal.WEAK
    return Signal.NONE
