"""The answer-reading layer (conversations/answers) on its own: yes / no, options by number,
label or declared word, several at once, two readings asked back, numbers and money in words,
links with their codes, the words that end a list, and the synonyms file checked loudly."""

from __future__ import annotations

import pytest

from conversations import vocab
from conversations.answers import amounts, choices
from conversations.answers.choices import Question, code_for, ends_list, says_nothing
from conversations.answers.links import links_in
from conversations.answers.numbers import option_numbers
from conversations.answers.polarity import polarity
from conversations.answers.problems import Ambiguous, Invalid
from conversations.answers.words import WordsError, check, parse
from conversations.application.validators import BadValue
from tests.answers_kit import context, services

E = "eligibility.options."
APPLICANT = Question((*vocab.APPLICANT_TYPES, "unknown"), E + "applicant_type", "applicant_type")
TRACK = Question((*vocab.TRACKS, "undecided"), E + "track", "track")
CATEGORY = Question((*vocab.PRODUCT_CATEGORIES, "unknown"), E + "product_category", "product_category")
INDUSTRY = Question(vocab.INDUSTRIES, "application.options.manufacturer_industry", "manufacturer_industry")
OWNER = Question(("own", "partner", "unknown"), E + "store_owner", "store_owner")
PLATFORMS = Question(
    ("red", "douyin", "wechat_shop", "none", "unknown"), E + "ec_platforms", "ec_platforms", True
)
MORE = Question(("red", "douyin", "wechat_shop", "done"), E + "ec_platforms", "ec_platforms", True)
YES_NO = Question(("yes", "no", "unknown"), "core.options", "samples_ok")


def read(question: Question, text: str, lang: str = "ja"):
    return choices.read(services().texts, lang, question, text)


@pytest.mark.parametrize(
    ("text", "lang", "meaning"),
    [
        ("はい。", "ja", {"yes"}),
        ("はい、大丈夫です", "ja", {"yes"}),
        ("ええ、できます", "ja", {"yes"}),
        ("問題ありません", "ja", {"yes"}),
        ("同意します", "ja", {"yes"}),
        ("はい、可能です", "ja", {"yes"}),
        ("是的", "zh", {"yes"}),
        ("对", "zh", {"yes"}),
        ("可以的", "zh", {"yes"}),
        ("没问题", "zh", {"yes"}),
        ("能", "zh", {"yes"}),
        ("同意", "zh", {"yes"}),
        ("好的", "zh", {"yes"}),
        ("确定", "zh", {"yes"}),
        ("いいえ、違います", "ja", {"no"}),
        ("いいえ。", "ja", {"no"}),
        ("予定はありません", "ja", {"no"}),
        ("同意しません", "ja", {"no"}),
        ("不是", "zh", {"no"}),
        ("没有", "zh", {"no"}),
        ("暂时没有", "zh", {"no"}),
        ("还没确认", "zh", {"no"}),  # the negation before the word, as Chinese puts it
        ("不是，是别家的产品", "zh", {"no"}),  # 是 after the answer is a copula, not a yes
        ("わかりません", "ja", {"unknown"}),
        ("不太清楚", "zh", {"unknown"}),
        ("有可能", "zh", {"unknown"}),  # "maybe" is no yes
        ("いいえ、大丈夫です", "ja", {"yes", "no"}),  # both: asked back
        ("たくさん", "ja", set()),
    ],
)
def test_yes_no_and_dont_know_as_people_write_them(text, lang, meaning):
    assert polarity(text, lang) == meaning


def test_an_answer_that_repeats_the_question_is_a_yes_and_a_declared_statement_a_no():
    question = context("ja").t("eligibility.questions.japanese_brand")
    assert polarity("日本のブランドです", "ja", "japanese_brand", question) == {"yes"}
    assert polarity("海外ブランドです", "ja", "japanese_brand", question) == {"no"}
    assert polarity("没有侵权", "zh", "no_ip_infringement") == {"yes"}  # declared whole: no negation


@pytest.mark.parametrize(
    ("question", "text", "lang", "value"),
    [
        (APPLICANT, "日本法人です", "ja", "japanese_corporation"),
        (APPLICANT, "弊社は日本の株式会社です", "ja", "japanese_corporation"),
        (APPLICANT, "日本企業の中国子会社です", "ja", "china_subsidiary_of_japanese_corporation"),
        (APPLICANT, "我们是日本公司在上海的子公司", "zh", "china_subsidiary_of_japanese_corporation"),
        (APPLICANT, "现地法人", "zh", "china_subsidiary_of_japanese_corporation"),
        (APPLICANT, "第一个", "zh", "japanese_corporation"),
        (APPLICANT, "选2", "zh", "china_subsidiary_of_japanese_corporation"),
        (APPLICANT, "②", "ja", "china_subsidiary_of_japanese_corporation"),
        (APPLICANT, "²", "ja", "china_subsidiary_of_japanese_corporation"),
        (APPLICANT, "２番", "ja", "china_subsidiary_of_japanese_corporation"),
        (TRACK, "アフィリエイトのほうで", "ja", "kol_affiliate"),
        (TRACK, "快团团", "zh", "group_buying"),
        (TRACK, "まだ決めていません", "ja", "undecided"),
        (CATEGORY, "食品です", "ja", "food_alcohol"),
        (CATEGORY, "コスメ", "ja", "cosmetics"),
        (CATEGORY, "化粧品です", "ja", "cosmetics"),
        (CATEGORY, "化妆品", "zh", "cosmetics"),
        (INDUSTRY, "製造業です", "ja", "manufacturing"),
        (INDUSTRY, "制造业", "zh", "manufacturing"),  # a part of the label 「制造业及其他」
        (OWNER, "自社の店舗です", "ja", "own"),
        (OWNER, "经销商开的店", "zh", "partner"),
        (YES_NO, "OKです", "ja", "yes"),
    ],
)
def test_an_option_by_number_label_part_or_declared_word(question, text, lang, value):
    assert read(question, text, lang) == value


@pytest.mark.parametrize(
    ("question", "text", "lang", "values"),
    [
        (PLATFORMS, "REDとDouyinの両方です", "ja", ["red", "douyin"]),
        (PLATFORMS, "小红书和抖音都有", "zh", ["red", "douyin"]),
        (PLATFORMS, "1と3", "ja", ["red", "wechat_shop"]),
        (PLATFORMS, "三个平台都有", "zh", ["red", "douyin", "wechat_shop"]),
        (PLATFORMS, "どこでも販売していません", "ja", ["none"]),
        (MORE, "以上です", "ja", ["done"]),
        (MORE, "完成了", "zh", ["done"]),
        (MORE, "还有抖音", "zh", ["douyin"]),
    ],
)
def test_several_options_in_one_answer(question, text, lang, values):
    assert read(question, text, lang) == values


@pytest.mark.parametrize(
    ("question", "text", "readings"),
    [
        (CATEGORY, "食品か日用品か迷います", ["food_alcohol", "daily_goods"]),
        (YES_NO, "いいえ、大丈夫です", ["yes", "no"]),
        (APPLICANT, "1と2", ["japanese_corporation", "china_subsidiary_of_japanese_corporation"]),
    ],
)
def test_two_readings_are_asked_back_never_guessed(question, text, readings):
    with pytest.raises(Ambiguous) as caught:
        read(question, text)
    assert [reading.value for reading in caught.value.readings] == readings
    assert all(reading.label for reading in caught.value.readings)


@pytest.mark.parametrize(
    "text", ["9", "0", "99999999999999999999", "自社の店舗ではありません", "ラーメン", "", "   "]
)
def test_what_names_no_option_is_refused_politely(text):
    with pytest.raises(Invalid) as caught:
        read(OWNER, text)
    assert caught.value.key == "core.invalid.choice" and caught.value.variables == {"count": 3}
    assert not isinstance(caught.value, Ambiguous)


def test_option_numbers_of_any_script_and_never_an_exception():
    assert option_numbers("３") == [3]
    assert option_numbers("③") == [3]
    assert option_numbers("第二个") == [2]
    assert option_numbers("1、3") == [1, 3]
    assert option_numbers("١") == [1]  # Arabic-Indic digit one
    assert option_numbers("十个") == [10]
    for text in ("abc", "1.5", "", "¹²³⁴⁵⁶⁷⁸⁹⁰¹²³", "🙂", "2番と?"):
        assert option_numbers(text) is None, text


def test_counts_and_yuan_in_words_and_the_yen_sign_asked_back_in_japanese():
    ja, zh = context("ja"), context("zh")
    assert amounts.count(ja, "8個くらい送ります", invalid="x", units="application.units") == 8
    assert amounts.count(zh, "十个", invalid="x", units="application.units") == 10
    with pytest.raises(Ambiguous) as caught:
        amounts.count(ja, "8個か10個", invalid="x", units="application.units")
    assert [r.value for r in caught.value.readings] == [8, 10]
    bounds = {"invalid": "p", "not_yuan": "n", "minimum": 1, "maximum": 10_000}
    assert amounts.yuan(zh, "一百二十八元", **bounds) == 128
    assert amounts.yuan(ja, "98元です", **bounds) == 98
    assert amounts.yuan(zh, "￥98", **bounds) == 98
    with pytest.raises(Invalid) as refused:
        amounts.yuan(ja, "980円", **bounds)
    assert refused.value.key == "n"
    with pytest.raises(Ambiguous) as doubt:
        amounts.yuan(ja, "￥98", **bounds)
    yuan, yen = doubt.value.readings
    assert (yuan.value, yuan.label, yen.label, yen.refusal) == (98, "98元（人民元）", "98円（日本円）", "n")


def test_links_keep_the_extraction_code_of_a_shared_folder():
    assert links_in("pan.baidu.com/s/1abc 提取码：8k2m") == [
        {"url": "https://pan.baidu.com/s/1abc", "code": "8k2m"}
    ]
    assert links_in("https://pan.baidu.com/s/1Zz9?pwd=ab12") == [
        {"url": "https://pan.baidu.com/s/1Zz9?pwd=ab12", "code": "ab12"}
    ]
    assert links_in("資料：https://a.jp/x.pdf、www.b.cn/y") == [
        {"url": "https://a.jp/x.pdf"},
        {"url": "https://www.b.cn/y"},
    ]
    with pytest.raises(BadValue):
        links_in("no links here")


def test_the_words_that_end_a_list_and_those_that_give_nothing():
    for text in ("以上です", "完了しました", "これで全部です", "完成了", "就这些", "完了"):
        assert ends_list(text, "ja") or ends_list(text, "zh"), text
    assert not ends_list("5個以上あります", "ja")
    for text in ("特にありません", "まだありません", "スキップ", "暂无", "没有"):
        assert says_nothing(text, "ja") or says_nothing(text, "zh"), text
    assert not says_nothing("株式会社なし屋", "ja")


def test_code_for_maps_a_label_or_a_word_to_its_code_in_either_language():
    texts = services().texts
    assert code_for(texts, "applicant_type", "在华子公司") == vocab.CHINA_SUBSIDIARY
    assert code_for(texts, "track", "快团团") == vocab.GROUP_BUYING
    assert code_for(texts, "product_category", "コスメ") == "cosmetics"
    assert code_for(texts, "product_category", "食品か日用品") is None  # two: not guessed
    assert code_for(texts, "track", "ラーメン") is None


def test_the_synonyms_file_is_checked_loudly():
    clash = parse("shared: {}\ntrack:\n  kol_affiliate: [推广]\n  group_buying: [推广]\n")
    with pytest.raises(WordsError, match="'推广' names both"):
        check({"track": vocab.TRACKS}, clash)
    unknown = parse("shared: {}\ntrack:\n  kol: [推广]\n")
    with pytest.raises(WordsError, match="no question offers the code 'kol'"):
        check({"track": vocab.TRACKS}, unknown)
    nobody = parse("shared: {}\nflavours:\n  sweet: [甘い]\n")
    with pytest.raises(WordsError, match="no question offers the vocabulary 'flavours'"):
        check({}, nobody)
    with pytest.raises(WordsError, match="shared holds"):
        parse("shared:\n  maybe: [たぶん]\n")
