"""Text to terms for matching Japanese and Chinese questions that have no spaces between words.

The same steps run on the knowledge base and on every question:
1. NFKC (full-width letters and digits to half-width) and lower case;
2. Japanese and traditional forms of common characters folded to simplified Chinese
   (発送/發送 → 发送, 商標 → 商标), so that both languages share characters where they can;
3. synonyms replaced by one canonical word (快团团/共同購入/团购 → ``syn_groupbuy``);
4. polite filler that carries no topic removed (教えてください, 请问, でしょうか…);
5. terms: each Latin word, and in each run of kanji/kana the character bigrams plus the
   single Chinese characters (a question of one word still matches).
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

SYNONYM_PREFIX = "syn_"


def _variants(text: str, sep: str = "|") -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(sep) if part.strip())


# canonical word -> the ways companies write it (folded before use; matched longest first)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "syn_groupbuy": _variants("快团团|快團團|共同購入|共同购买|团购|団購|拼团|グループ購入|kuaituantuan|ktt"),
    "syn_leader": _variants("团长|団長|グループリーダー|群主"),
    "syn_red": _variants("小红书|小紅書|xiaohongshu|red|レッド|红书"),
    "syn_douyin": _variants("抖音|douyin|tiktok|ドウイン|ティックトック"),
    "syn_channels": _variants(
        "微信视频号|wechat视频号|wechat channels|wechatchannels|视频号|ビデオアカウント|チャンネルズ|channels"
    ),
    "syn_wxshop": _variants("微信小店|微信小商店|wechat mini shop|wechat shop|ミニショップ"),
    "syn_wechat": _variants("微信|wechat|ウィーチャット|ウィチャット|weixin"),
    "syn_commission": _variants("佣金|手数料|コミッション|提成|抽成|分成|返佣|マージン|commission"),
    "syn_sample": _variants("样品|サンプル|样本|试用装|小样|试用品|试供品|sample|samples"),
    "syn_kol": _variants("kol|koc|kols|kocs|インフルエンサー|网红|达人|博主|主播|带货|大v"),
    "syn_fee": _variants("参加費|报名费|参加料|出展料|出品料|申込費|申込料|收费|参与费|fee|fees"),
    "syn_deadline": _variants("締め切り|締めきり|締切|しめきり|〆切|截止|デッドライン|deadline"),
    "syn_trademark": _variants("商標|トレードマーク|trademark"),
    "syn_crossborder": _variants("越境ec|跨境电商|跨境|越境|直邮|直送"),
    "syn_store": _variants("ec店舗|旗舰店|旗艦店|网店|ネットショップ|ecショップ|店铺|ストア"),
    "syn_mail": _variants("メールアドレス|メール|邮箱|邮件|email|e-mail|mail"),
    "syn_phone": _variants("電話|tel|手机号|联系电话"),
    "syn_sme": _variants("中小企業|sme|中小"),
    "syn_midtier": _variants("中堅企業|中坚企业|中堅|中坚|中型企业"),
    "syn_excel": _variants("エクセル|excel|xlsx|表格"),
    "syn_ip": _variants("知的財産|知识产权|知財|侵权|侵害|山寨|仿冒"),
    "syn_export": _variants("輸出管理|出口管制|外為法|外汇法|安全保障贸易|出口管理"),
    "syn_survey": _variants("アンケート|问卷|ヒアリング|访谈|インタビュー"),
    "syn_agent": _variants("代理店|代理商|经销商|ディストリビューター|総代理|总代理|代理"),
    "syn_copyright": _variants("著作権|版权|コピーライト"),
    "syn_jetro": _variants("ジェトロ|jetro|日本貿易振興機構|日本贸易振兴机构|贸易振兴机构"),
    "syn_mall": _variants("japan mall|japanmall|ジャパンモール|ジャパン・モール"),
    "syn_corporate_number": _variants("法人番号|法人编号|法人番号公表サイト|corporate number"),
    "syn_priority": _variants("優先|優遇|有利|优先|优待|优势|加分"),
    "syn_withdraw": _variants("辞退|取り下げ|取りやめ|やめる|やめたい|撤回|撤销|退出|放弃"),
}
# what a question asks for (when, where, how many, who, how much): it points at a kind of topic,
# so it is kept as a term of its own, where other question words are dropped as filler
INTENTS: dict[str, tuple[str, ...]] = {
    "q_when": _variants("いつ頃|いつごろ|いつまで|いつから|いつ|什么时候|何时|哪天|几号|几月|何月"),
    "q_where": _variants("どこ|どちらに|哪里|哪儿|何处"),
    "q_howmany": _variants("何個|何品|何点|何件|何名|いくつ|几个|几件|几款|几种|多少个"),
    "q_companies": _variants("何社|几家|多少家|多少企业|多少公司"),
    "q_who": _variants("誰|だれ|どなた|谁"),
    "q_howmuch": _variants("いくら|多少钱"),
}

# polite filler and question words: they make a question, not its topic (removed before n-grams)
_FILLER = _variants(
    "教えてください|教えていただけますか|教えて|知りたいのですが|知りたい|お伺いしたい|伺いたい|確認したい"
    "|についてですが|について|のですが|でしょうか|ですか|ますか|ください|お願い|よろしく|すみません"
    "|恐れ入りますが|御社|弊社|当社|うちの|うち|こんにちは"
    "|请问一下|请问|想问一下|想问|想了解一下|想了解|想咨询一下|想咨询|咨询一下|了解一下|一下"
    "|我们公司|我司|我们|你们|贵方|麻烦|谢谢|您好|你好|是不是"
    "|什么|怎么|怎样|如何|哪些|哪里|哪个|是否|能否|能不能|可不可以|有没有|吗|呢"
    "|いつ|どう|どの|どこ|どれ|どんな|なぜ|でしょう|のでしょう"
)

# terms that only hold a sentence together (after folding); dropped from the n-grams
STOP_TERMS = frozenset(
    _variants(
        "什 么 吗 呢 吧 啊 了 的 我 你 们 是 有 在 会 能 可 以 不 也 都 就 还 这 那 哪 怎 谁 几"
        " 多 少 请 问 想 个 要 该 由 来 把 被 给 让 和 跟 与 及 或 于 从 之 一"
        " 什么 怎么 么办 怎样 如何 哪些 哪里 哪个 哪一 是否 能否 可以 能不 不能 能够 是不 有没"
        " 没有 么样 一下 的话 这个 那个 这些 那些 必须 需要 一定"
        " 何 誰 方 思 私 いつ どう どの どこ どれ どんな なぜ なに 何か 何を 何が は何 何で"
        " って てい いる して ます です でし しょ ょう ので のは のか こと とは には では ても"
        " もら らえ たら ある あり りま いい ばい ない いと とい いけ けな ける れる らな",
        sep=" ",
    )
)


def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = {}
    for canonical, variants in (*SYNONYMS.items(), *INTENTS.items()):
        for variant in variants:
            table[fold(variant)] = canonical
    for filler in _FILLER:
        table.setdefault(fold(filler), "")
    alternatives = sorted(table, key=len, reverse=True)
    # a Latin variant only as a whole word ("red" not inside "registered")
    parts = [
        rf"(?<![a-z0-9]){re.escape(a)}(?![a-z0-9])" if a.isascii() else re.escape(a) for a in alternatives
    ]
    return re.compile("|".join(parts)), table


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().translate(_FOLD)


_REPLACE, _TABLE = _pattern()
_WORD = re.compile(r"[a-z0-9_]+")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u30fcー々〆]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _replace(match: re.Match[str]) -> str:
    canonical = _TABLE[match.group(0)]
    return f" {canonical} " if canonical else " "


_COUNTED = re.compile(r"[0-9一二三四五六七八九十]+(?:個|个|件|点|品|款)")


def clean(text: str) -> str:
    """Folded text with synonyms made canonical and filler removed; a count (「10個」「十个」) asks
    how many, as 「何個」 does."""
    return _REPLACE.sub(_replace, _COUNTED.sub(" q_howmany ", fold(text)))


def terms(text: str) -> list[str]:
    """The matching terms of a text (repeated terms kept: their count is their weight)."""
    cleaned = clean(text)
    out = _WORD.findall(cleaned)
    for run in _CJK_RUN.findall(_WORD.sub(" ", cleaned)):
        out.extend(char for char in run if _HAN.match(char) and char not in STOP_TERMS)
        out.extend(gram for gram in (run[i : i + 2] for i in range(len(run) - 1)) if gram not in STOP_TERMS)
    return out
