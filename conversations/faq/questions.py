"""Is a text a question? Its shape, as the FAQ judges it (the hook adds what the text means to the
question being asked, and whether the knowledge base knows its topic).

STRONG: it ends as a question ends (…ですか, …でしょうか, …吗, …呢), or it holds a question word
        and ends with a question mark or a question's 「の」「か」 (「法人番号ってどこで調べるの」), or
        it stops at a topic with a question mark (「今日の天気は？」).
WEAK:   a question word somewhere (什么, 怎么, 哪, 几, いつ, どこ, 何…), or only a question mark:
        a company called 何氏食品 or 「いつもの食品」 holds one too, so a weak question is taken only
        when the text is no answer to the question asked, or the knowledge base is sure of its topic.
NONE:   anything else ("はい", a number, a company name).
A question mark alone never decides.
"""

from __future__ import annotations

import enum
import re
import unicodedata

MAX_QUESTION = 500  # characters; a longer text is not taken as a question


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# not "没有", "不是", "好吧", "かね": those are answers too ("不是" = no; おかね = money)
_ENDINGS = _words(
    "ですか ますか でしょうか ませんか ないか のか のですか んですか かな かなあ っけ 吗 呢 么 嘛"
)
_QUESTION_WORDS = re.compile(
    "什么|怎么|怎样|如何|为什么|为何|是否|能否|能不能|可不可以|有没有|是不是|哪|多少|几|谁"
    "|なに|なん[でだの]|いつ|どう|どの|どこ|どれ|どんな|どうして|なぜ|誰|だれ|いくら|何"
)
# words that hold a question word and ask nothing (いつも "always", どうぞ "please", 何氏 a surname)
_NOT_ASKING = re.compile(
    "いつも|いつでも|どこでも|どれでも|どちらでも|どっちでも|なにわ|何でも|なんでも|だれでも|誰でも|どうぞ|どうも"
    "|どうか|何卒|何らか|何とか|几乎|何氏|何家"
)
_MARKS = "?？"
_TRAILING = "。．.！!～~ 　」』)）"


class Signal(enum.Enum):
    NONE = 0
    WEAK = 1
    STRONG = 2


def asks(text: str) -> bool:
    """It ends as a question ends (「ですか」「吗」), whatever its words."""
    body = unicodedata.normalize("NFKC", text).strip().rstrip(_TRAILING + _MARKS)
    return body.endswith(_ENDINGS)


def question_signal(text: str) -> Signal:
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded or len(folded) > MAX_QUESTION:
        return Signal.NONE
    if asks(folded):
        return Signal.STRONG
    body = folded.rstrip(_TRAILING)
    marked = body.endswith(tuple(_MARKS))
    body = body.rstrip(_MARKS)
    worded = bool(_QUESTION_WORDS.search(_NOT_ASKING.sub(" ", body)))
    if worded and (marked or body.endswith(("の", "か", "っけ"))):
        return Signal.STRONG
    if marked and body.endswith(("は", "って", "とは", "の")):  # 「今日の天気は？」: the rest left unsaid
        return Signal.STRONG
    if worded or (marked and len(body) > 1):
        return Signal.WEAK
    return Signal.NONE
