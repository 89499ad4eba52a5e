"""Yes, no or "I don't know" as people write them: 「はい。」「ええ、できます」「問題ありません」「是的」.

An answer is read clause by clause (cut where its writer paused). A clause that is only a word of
yes, no or "I don't know" (with a polite ending: 「大丈夫です」) says it plainly; when the plain
clauses disagree (「いいえ、大丈夫です」) both readings are returned and the bot asks back. Without
a plain clause the first statement decides: a negated verb (「予定はありません」「没有参加」) is no,
an affirmative one (「協力します」「七天内能发货」) yes, and a statement that repeats the question's
own words (「日本のブランドです」 to 「日本ブランドの商品ですか」) yes. Anything else is not read at all.

Negation is read where each language puts it: after the word in Japanese (「同意しない」), before it
in Chinese (「还没确认」); words that carry a negation of their own (「問題ありません」「没问题」) are
declared whole, and the longest word is always taken first.
"""

from __future__ import annotations

import re
from functools import cache

from conversations.answers.matching import Hit, Terms, residue
from conversations.answers.text import clauses, plain
from conversations.answers.words import words

YES, NO, UNKNOWN = "yes", "no", "unknown"
READINGS = (YES, NO, UNKNOWN)

# polite endings and particles that add nothing to a plain yes or no
_FILLER = re.compile(
    r"(?:でございます|ございます|いたしました|いたします|しました|します|でした|です|ました|ます|だ|ね|よ|の|さ"
    r"|的|了|啊|吧|呀|哦|呢|嘛|啦|哈)+$"
)
_JA_NEGATIVE_END = re.compile(r"(?:ない|なかった|ず|ないです|ないでした|なくて|ないと思う)$")
_JA_AFFIRMATIVE_END = re.compile(r"(?:ます|ました|ている|ていた|てある|ておる|ある|いる|します)$")
_ZH_NEGATION = re.compile(r"[不没未无别非]")
_ECHO_FILLER = re.compile(r"です$|だ$|する|して|いる|[のはがをにで]")
# Japanese negations that follow what they negate (「同意しない」)
_SUFFIX_NEGATIONS = frozenset(plain(word) for word in ("ない", "しない", "できない", "なし"))


@cache
def _terms(vocabulary: str, lang: str) -> Terms:
    return Terms({reading: words(vocabulary, reading, lang) for reading in READINGS})


def _only(hit: Hit) -> str:
    return next(iter(hit.values))


def _combine(hits: list[Hit]) -> set[str]:
    """The readings of one clause's hits, negations applied (Chinese before, Japanese after)."""
    found: list[str] = []
    previous: Hit | None = None
    for hit in hits:
        reading = _only(hit)
        negates = previous is not None and (
            (
                _only(previous) == NO
                and reading == YES
                and previous.end == hit.start
                and bool(_ZH_NEGATION.search(previous.word))
            )  # 还没 + 确认
            or (_only(previous) == YES and reading == NO and hit.word in _SUFFIX_NEGATIONS)  # 同意 + しない
        )
        if negates:
            found[-1] = NO
        else:
            found.append(reading)
        previous = hit
    return set(found)


def _statement(clause: str, question: str) -> str | None:
    """A clause with no word of yes or no: a negated or affirmative verb, or the question's words."""
    if _JA_NEGATIVE_END.search(clause):
        return NO
    if re.search(r"[\u3040-\u30ff]", clause):  # Japanese
        if _JA_AFFIRMATIVE_END.search(clause):
            return YES
    elif _ZH_NEGATION.search(clause):
        return NO
    core = _ECHO_FILLER.sub("", clause)
    if len(core) >= 2 and core in _ECHO_FILLER.sub("", plain(question)):
        return YES
    return None


def polarity(text: str, lang: str, vocabulary: str = "", question: str = "") -> frozenset[str]:
    """The readings of an answer among yes / no / unknown: one, several (ask back), or none."""
    terms = _terms(vocabulary, lang)
    said_plainly: set[str] = set()
    statements: list[set[str]] = []
    for clause in clauses(text):
        hits = terms.find(clause)
        if not hits:
            reading = _statement(clause, question)
            statements.append({reading} if reading else set())
        elif not _FILLER.sub("", residue(clause, hits)):
            said_plainly |= _combine(hits)
        else:
            statements.append(_combine(hits))
    if said_plainly:
        return frozenset(said_plainly)
    return frozenset(next((found for found in statements if found), set()))
