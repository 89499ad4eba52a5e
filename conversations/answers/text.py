"""Text as the readers compare it: one form for the many ways the same words are typed.

`fold` makes full-width and half-width one (NFKC), lower case, and folds the Japanese and
traditional forms of common characters to simplified Chinese (発送/發送 → 发送), so that a word
declared once matches however it was typed. `plain` also drops spaces and writes the polite
endings as the plain ones (ありません/ません → ない, ています → ている), so that 「問題ありません」 and
「問題ない」, 「登録しています」 and 「登録している」 are one word each. `clauses` cuts an answer where
its writer paused (、，。 and the like).
"""

from __future__ import annotations

import re
import unicodedata

# Japanese shinjitai / traditional -> simplified, for characters the programme's texts use.
_FOLD_FROM = (
    "団團様樣発發売賣買録錄為爲関關価價際過連絡締約經経済濟営營從従會來時間問題員數圓請応應資條國貨運輸"
    "達銷販場産產類標権權專専門開閉証證認識報訊話電郵號費無単單個週計劃參與選擇択決優規則務義議論説說書寫"
    "圖図調査訪談実實現対對戦災難損責負擔補償險険稅庫倉機構貿興処處東亞紹級體驗験試萬億額総總廣広傳伝視頻紅"
    "網帶帯長購訂內線語詢諮顧戶戸頭転轉讓譲換貸質確屬属顏顔儲寄為後鏈链雜誌誤"
)
_FOLD_TO = (
    "团团样样发发卖卖买录录为为关关价价际过连络缔约经经济济营营从从会来时间问题员数圆请应应资条国货运输"
    "达销贩场产产类标权权专专门开闭证证认识报讯话电邮号费无单单个周计划参与选择择决优规则务义议论说说书写"
    "图图调查访谈实实现对对战灾难损责负担补偿险险税库仓机构贸兴处处东亚绍级体验验试万亿额总总广广传传视频红"
    "网带带长购订内线语询咨顾户户头转转让让换贷质确属属颜颜储寄为后链链杂志误"
)
_FOLD = str.maketrans(_FOLD_FROM, _FOLD_TO)
_SPACES = re.compile(r"[\s\u200b]+")
_PLAIN_ENDINGS = (
    ("ありません", "ない"),
    ("ません", "ない"),
    ("ています", "ている"),
    ("てあります", "てある"),
)
_PAUSES = re.compile(r"[、，,。．.!！?？;；:：\n]+|\s+")


def fold(text: str) -> str:
    """NFKC, lower case, and one script for characters Japanese and Chinese share."""
    return unicodedata.normalize("NFKC", text).lower().translate(_FOLD)


def plain(text: str) -> str:
    """`fold`, without spaces, polite endings plain: the form words are matched in."""
    text = _SPACES.sub("", fold(text))
    for polite, plain_form in _PLAIN_ENDINGS:
        text = text.replace(polite, plain_form)
    return text


def clauses(text: str) -> list[str]:
    """The parts of an answer between its pauses, each in `plain` form; empty parts dropped."""
    return [part for part in (plain(piece) for piece in _PAUSES.split(fold(text))) if part]


def is_ascii_word(word: str) -> bool:
    return word.isascii() and any(char.isalnum() for char in word)
