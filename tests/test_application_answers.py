"""Answers refused with their reason and asked again, "skip" only where optional, /back, rules not met,
and editing from the summary (which returns to the summary)."""

from __future__ import annotations

from tests.application_kit import (
    FIELDS,
    PROFILE,
    VERDICT,
    application_of,
    at_confirm,
    prechecked,
    seed,
    without_precheck,
)
from tests.transcript import CoreChat, play


def test_bad_values_are_refused_with_the_reason_in_japanese(app):
    prechecked(app)
    play(
        CoreChat(app),
        """
        > /apply
        > スキップ
        < この項目は必須のため省略できません
        < 会社名（日本語の正式名称）を入力してください
        > 株式会社さくら食品
        > Sakura Foods
        < 法人番号（13桁）
        > 7000012050003
        < 法人番号のチェックデジット（先頭の1桁）が合いません
        < 法人番号（13桁）を入力してください
        > 700001205000
        < 法人番号は13桁の数字です
        > ７０００－０１２０－５０００２
        < 本社の所在地
        > 東京都千代田区丸の内1-1-1
        > ホームページはありません
        < URL として読み取れませんでした
        > スキップ
        < 【個人情報の取り扱いについて】
        < 利用目的：本事業の運営
        > はい、同意します
        < ご担当者のお名前
        > 山田花子
        > 部長
        < メールアドレス
        > hanako.yamada@@example.jp
        < メールアドレスの形式になっていません
        < ご担当者のメールアドレスを入力してください
        > hanako.yamada@example
        < メールアドレスの形式になっていません
        > ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ
        < 電話番号
        > 0312
        < 電話番号として読み取れませんでした
        > +1 212 555 0100
        < 電話番号として読み取れませんでした
        > +81 3-1234-5678
        < WeChat ID
        > 1abc
        < WeChat ID は英字で始まる6〜20文字
        > スキップ
        < 貴社が製造
        > 3
        < 選択肢の中からお選びください。1〜2 の番号でもお答えいただけます
        > 1
        > さくら緑茶
        > スキップ
        > さくら
        < JAN コード
        > 4006381333932
        < JANコードのチェックデジット（最後の1桁）が合いません
        < JAN コード（8桁または13桁）があれば入力してください
        > 400638133393
        < JANコードは8桁または13桁の数字です
        > 73513537
        < 人民元で入力してください
        > abc
        < 価格は人民元の金額を数字で入力してください
        < 中国での小売価格を人民元で入力してください
        > 1000円
        < 人民元（元）でお答えください
        > 0
        < 価格は人民元の金額を数字で入力してください
        > 128.5
        < 商標の登録番号または出願番号
    """,
    )


def test_bad_values_are_refused_with_the_reason_in_chinese(app):
    without_precheck(app)
    seed(app, lang="zh")
    play(
        CoreChat(app),
        """
        > /apply
        > 1
        > さくら食品株式会社
        > 跳过
        < 请输入贵公司的日本法人编号
        > 7000012050003
        < 日本法人编号的校验位（第1位）不符
        < 请输入贵公司的日本法人编号
        > 7000012050002
        > 东京都千代田区
        > https://sakura.example.jp
        < 【关于个人信息的处理】
        > 同意
        > 王小明
        > 经理
        > wang@
        < 邮箱格式不正确
        > wang@sakura.example.cn
        > 12345
        < 无法识别该电话号码
        > +86 (0)21 6270 0489
        < 如联系人有微信号
        > 跳过
        > 否
        < 请输入该商品生产商的公司名称
        > 跳过
        < 此项为必填项，不能跳过
        > 株式会社さくら製茶
        > 2
        < 注册资本（日元）
        > 很多
        < 无法识别该金额
        < 请输入生产商的注册资本（日元）
        > 3亿日元
        < 常雇员工人数
        > 很多人
        < 无法识别该人数
        > 120名
        > 否
        > さくら緑茶
        > 跳过
        > さくら
        > 1
        > 是
        < JAN/EAN 条码
        > 4006381333932
        < JAN/EAN 条码的校验位（最后1位）不符
        > 跳过
        < 零售价
        > abc
        < 请用数字输入人民币金额
        < 请输入该商品在中国的零售价
        > 128
        > 1
        < 如有中国商标的注册号或申请号
        > 跳过
        < 请选择参加的项目
        > 1
        < 请用序号回答销售该商品的电商店铺所在平台
        > 4
        < 请用列表中的序号或名称作答
        > 小红书、抖音
        < 该电商店铺是贵公司的自有店铺
        > 2
        > https://shop.example.cn/sakura
        < 直邮型跨境电商
        > 否
        < 商品介绍资料
        > 没有链接
        < 请以文件形式发送照片或使用说明书，或输入链接
        > 完成
        < 还没有收到商品资料
        > www.sakura.example.jp/a.pdf、https://sakura.example.jp/b.jpg
        < 已收到（目前共 2 份）
        > 完成
        < 样品数量
        > 11
        < 样品数量请填写 1～10 个（E6）
        > 很多
        < 样品数量请输入 1～10 的数字
        > 五个
        < 今后是否计划提供更多样品
    """,
    )


def test_a_rule_not_met_is_explained_with_its_id_and_asked_again(app):
    without_precheck(app)
    seed(app, lang="ja")
    play(
        CoreChat(app),
        """
        > /apply
        < 応募される会社の種別をお選びください（E1）
        > そのほか
        < このご回答では応募条件 E1（応募者が日本法人、または日本法人の中国現地法人であること）を満たさない
        < 応募される会社の種別をお選びください
        > 日本法人
        < 会社名（日本語の正式名称）
    """,
    )
    chat = CoreChat(app, user="u2")
    seed(
        app,
        user="u2",
        answers={**PROFILE, **FIELDS, "corporate_number": "7000012050002", "ships_within_7_days": None},
    )
    play(
        chat,
        """
        > /apply
        < 【E8】消費者の注文から 7 日以内に出荷できること。同意いただけますか？
        > いいえ
        < 応募条件 E8（消費者の注文から 7 日以内に出荷できること）を満たさないため
        < 【E8】
        > はい
        < 入力内容をご確認ください
    """,
    )


def test_back_goes_to_the_previous_question_and_keeps_the_answers(app):
    prechecked(app)
    play(
        CoreChat(app),
        """
        > /apply
        > 株式会社さくら食品
        > スキップ
        < 法人番号（13桁）
        > /back
        < 会社名の中国語表記または英語表記
        < （現在のご回答：（未記入））
        > /back
        < 会社名（日本語の正式名称）
        < （現在のご回答：株式会社さくら食品）
        > 株式会社さくら食品ホールディングス
        < 法人番号（13桁）
        <! 会社名の中国語表記
        > /back
        > /back
        > /back
        < ご用件をお選びください
    """,
    )


def test_edit_from_the_summary_returns_to_the_summary(app):
    user_id = at_confirm(app, "u1", 1)
    play(
        CoreChat(app),
        """
        > /apply
        < 入力内容をご確認ください
        < 9. メールアドレス：hanako@sakura-foods.example.jp
        > 修正する
        < 修正する項目の番号（1〜35）を入力してください
        > 99
        < 一覧の番号（1〜35）を入力してください
        > 9
        < ご担当者のメールアドレスを入力してください
        < （現在のご回答：hanako@sakura-foods.example.jp）
        > not-an-email
        < メールアドレスの形式になっていません
        > sales@sakura-foods.example.jp
        < 入力内容をご確認ください
        < 9. メールアドレス：sales@sakura-foods.example.jp
        > 2
        > /back
        < 入力内容をご確認ください
        > 修正する
        > 26
        < 参加するコースをお選びください
        > 共同購入アプリ（快团团）
        < この商品は中国で流通しており、中国国内から発送できますか？（E5）
        > はい
        < 中国での流通経路を教えてください
        > 上海の輸入代理店を通じてスーパーで販売
        < 入力内容をご確認ください
        < 参加コース：共同購入アプリ（快团团）
        < 中国での流通経路：上海の輸入代理店を通じてスーパーで販売
        <! EC 店舗の名前
        > 提出へ進む
        > 入力内容に戻る
        < 入力内容をご確認ください
        > 提出へ進む
        > 提出する
        < 受付番号は JM25-0001 です
    """,
    )
    row = application_of(app, user_id)
    assert row.data["email"] == "sales@sakura-foods.example.jp"
    assert row.track == "group_buying" and row.data["distribution"].startswith("上海")


def test_the_verdict_and_profile_answers_are_not_asked_again(app):
    """Every profile key answered by the pre-check is passed by; only the form's own fields are asked."""
    prechecked(app, lang="zh")
    answers = play(
        CoreChat(app),
        """
        > /apply
        < 请输入公司名称（日文正式名称）
    """,
    )
    assert "E1" not in answers[0] and VERDICT["eligible"] is True


def test_language_switched_mid_form_keeps_the_answers(app):
    prechecked(app)
    play(
        CoreChat(app),
        """
        > /apply
        > 株式会社さくら食品
        > /lang zh
        < 接下来将使用中文为您服务
        < 如有公司的中文或英文名称
        > 跳过
        < 请输入贵公司的日本法人编号
        > /back
        > /back
        < 请输入公司名称（日文正式名称）
        < （您目前的回答：株式会社さくら食品）
    """,
    )
