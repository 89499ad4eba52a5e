"""The whole application as transcripts, in Japanese and Chinese, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from conversations import FileRef, Inbound
from storage import applications as apps
from storage.application_files import MATERIAL, files_of
from tests.application_kit import application_of, prechecked, seed, without_precheck
from tests.transcript import CoreChat, play


def test_complete_application_in_japanese_after_the_pre_check(app):
    user_id = prechecked(app)
    chat = CoreChat(app)
    play(
        chat,
        """
        > /apply
        < 応募の入力を始めます
        < 締切は 2026年1月30日（金） 23:59（日本時間、UTC+09:00）です
        < 会社名（日本語の正式名称）を入力してください
        <! 応募される会社の種別
        > 株式会社さくら食品
        < 会社名の中国語表記または英語表記
        < 省略する場合は「スキップ」
        > Sakura Foods Co., Ltd.
        < 法人番号（13桁）を入力してください
        > 7000012050002
        < 本社の所在地
        > 東京都千代田区丸の内1-1-1
        < ウェブサイトの URL
        > www.sakura-foods.example.jp
        < 【個人情報の取り扱いについて】
        < ジェトロ（日本貿易振興機構）が取得します
        < 訂正・削除のご依頼：ジェトロ上海事務所
        <! 国外への提供
        > はい、同意します
        < ご担当者のお名前
        > 山田花子
        < 部署と役職
        > 海外事業部 部長
        < メールアドレス
        > hanako.yamada@sakura-foods.example.jp
        < 電話番号
        > 03-1234-5678
        < WeChat ID
        > スキップ
        < 貴社が製造（メーカーとして販売）している商品ですか
        > はい
        < 応募する商品の名前（日本語）
        <! 業種
        <! 資本金
        > さくら緑茶
        < 商品名の中国語表記
        > 樱花绿茶
        < ブランド名
        > さくら
        < JAN コード
        <! カテゴリー
        <! 日本ブランドの商品ですか
        > 4006381333931
        < 人民元
        > 88元
        < 商標の登録番号または出願番号
        > 第12345678号
        < EC 店舗の名前または URL
        <! 参加するコース
        <! プラットフォーム
        > さくら食品旗艦店
        < 商品紹介資料（写真、取扱説明書など）
        <! 直送型
        > https://www.sakura-foods.example.jp/catalog.pdf
        < 受け取りました（これまでに 1 件）
        > 完了
        < サンプルの数を入力してください（1〜10 個）
        > 10個
        < さらに多くのサンプルを提供する予定
        > いいえ
        < ジェトロへのご連絡事項
        <! 【E6】
        <! ほかの「中国消費者向け販促
        > スキップ
        < 入力内容をご確認ください
        < 【個人情報の取り扱い】
        < 個人情報の取り扱いへの同意：同意済み（2025-1 版、2026年1月10日（土））
        < 【応募企業】
        < 4. 法人番号：7000012050002
        < 6. ウェブサイト：https://www.sakura-foods.example.jp
        < 11. WeChat ID：（未記入）
        < 資本金：300,000,000円
        < 常時使用する従業員数：120人
        < 中国での小売価格：88元
        < EC 店舗のプラットフォーム：RED（小红书）、微信小店
        < 商品資料：リンク 1 件
        < 応募条件 E6〜E14：すべて同意済み
        < 1. 提出へ進む
        > 提出へ進む
        < 提出すると、内容は変更できなくなります
        < 1. 提出する
        > 提出する
        < ご応募を受け付けました。受付番号は JM25-0001 です
        < 記入済みの応募用紙（Excel）をお送りします
        < [JM25-0001.xlsx]
        < 次の段階：ジェトロが内容を確認し、選考します
        < ご用件をお選びください
    """,
    )
    document = next(m.document for m in chat.last.messages if m.document)
    assert document.name == "JM25-0001.xlsx" and Path(document.path).is_file()
    row = application_of(app, user_id)
    assert (row.status, row.reference, row.track) == ("submitted", "JM25-0001", "kol_affiliate")
    assert (row.corporate_number, row.company_name) == ("7000012050002", "株式会社さくら食品")
    assert row.submitted_at == app.services.clock()
    assert row.data["price_cny"] == 88 and row.data["samples_count"] == 10
    assert row.data["capital_jpy"] == 300_000_000 and row.data["ec_platforms"] == ["red", "wechat_shop"]
    assert row.meta["eligibility_verdict"]["eligible"] is True and row.meta["language"] == "ja"
    with app.engine.connect() as conn:
        moves = [(h.from_status, h.to_status, h.actor) for h in apps.history(conn, row.id)]
    assert moves == [(None, "draft", "console:u1"), ("draft", "submitted", "console:u1")]


def test_complete_application_in_chinese_asking_everything_itself(app):
    """No eligibility flow registered: the form asks the profile's questions and the commitments."""
    without_precheck(app)
    assert not app.registry.has_flow("eligibility")
    user_id = seed(app, lang="zh")
    chat = CoreChat(app)
    play(
        chat,
        """
        > /apply
        < 现在开始填写报名信息
        < 报名截止时间为 2026年1月30日（周五） 23:59（日本时间，UTC+09:00）
        < 请选择报名企业的类型（E1）
        > 2
        < 请输入公司名称（日文正式名称）
        > さくら食品（上海）有限公司
        < 如有公司的中文或英文名称
        > 樱花食品（上海）有限公司
        < 请输入日本母公司的法人编号
        > 1180301018771
        < 统一社会信用代码（18位）
        > 91350100m000100y43
        < 请输入总部地址
        > 上海市长宁区延安西路2201号
        < 公司网站
        > 跳过
        < 【关于个人信息的处理】
        < 由日本贸易振兴机构（JETRO）收集
        > 同意
        < 【关于向境外提供个人信息】
        < 提供给JETRO总部（日本东京）
        > 同意
        < 联系人姓名
        > 王小明
        < 部门及职务
        > 市场部 经理
        < 联系人的邮箱
        > wang.xm@sakura-sh.example.cn
        < 联系人的电话
        > 138 1234 5678
        < 微信号
        > wang_xiaoming
        < 是否由贵公司生产
        > 否
        < 请输入该商品生产商的公司名称
        > 株式会社さくら製茶
        < 请选择生产商所属的行业
        < 1. 制造业及其他
        > 1
        < 请输入生产商的注册资本（日元）
        > 5000万日元
        < 请输入生产商的常雇员工人数
        > 80人
        < 生产商是否由员工超过2,000人的大企业
        > 否
        < 请输入报名商品的名称（日文）
        > さくら緑茶
        < 如有商品的中文名称
        > 樱花绿茶
        < 请输入商品的品牌名称
        > さくら
        < 请选择商品类别
        > 食品、酒类
        < 该商品是日本品牌的商品吗？（E2）
        > 是
        < JAN/EAN 条码
        > 跳过
        < 零售价（人民币
        > ¥88.50
        < 请选择品牌名（商品名）在中国的商标情况
        > 3
        < 温馨提示（A1）
        < 请选择参加的项目
        <! 商标的注册号
        > 2
        < 是否已在中国流通，并可从中国境内发货？（E5）
        > 是
        < 请介绍该商品在中国的流通渠道
        > 由上海的进口商经销，在超市和网店销售
        < 请在本对话中以文件形式发送商品介绍资料
    """,
    )
    reply = chat.reply(
        Inbound(
            file=FileRef(name="catalog.pdf", path="/data/in/catalog.pdf", mime="application/pdf", size=2048)
        )
    )
    assert "已收到（目前共 1 份）" in reply.messages[0].text
    play(
        chat,
        """
        > 完成
        < 请输入可提供给 KOL/KOC 试用的样品数量（1～10 个）
        > 8个
        < 今后是否计划提供更多样品
        > 是
        < 【E6】为 KOL/KOC 试用提供样品
        > 是
        < 【E7】
        > 是
        < 【E8】在消费者下单后 7 天内发货
        > 是
        < 【E9】
        > 是
        < 【E10】
        > 是
        < 【E11】
        > 是
        < 【E12】
        > 是
        < 【E13】
        > 是
        < 【E14】同意由 JETRO 最终决定能否参加
        > 是
        < 本财年，贵公司是否已参加或计划参加
        > 是
        < 温馨提示（P2）
        < 请输入已参加（或计划参加）的活动名称
        > 某电商平台的日本商品节
        < 如有需要告知 JETRO 的事项
        > 跳过
        < 请确认您填写的内容
        < 统一社会信用代码：91350100M000100Y43
        < 电话：138-1234-5678
        < 生产商名称：株式会社さくら製茶
        < 注册资本：50,000,000日元
        < 常雇员工人数：80人
        < 在中国的零售价：88.50元
        < 中国商标情况：未注册也未申请
        < 参加项目：团购小程序（快团团）
        < 商品资料：文件 1 份
        < 报名条件 E6～E14：均已同意
        <! 电商店铺
        > 1
        < 提交后将无法再修改内容
        > 1
        < 您的报名已受理，受理编号为 JM25-0001
        < 现将填好的报名表（Excel）发送给您
        < 请选择您要办理的事项
    """,
    )
    row = application_of(app, user_id)
    assert (row.status, row.track, row.corporate_number) == ("submitted", "group_buying", "1180301018771")
    assert row.data["uscc"] == "91350100M000100Y43" and row.data["applicant_type"].startswith("china_")
    assert row.data["capital_jpy"] == 50_000_000 and row.data["employees"] == 80
    assert row.data["samples_ok"] is True and row.data["distributed_in_china"] is True
    assert row.data["price_cny"] == 88.5 and row.meta["language"] == "zh"
    with app.engine.connect() as conn:
        materials = files_of(conn, row.id, MATERIAL)
    assert [(f.name, f.path, f.user_id) for f in materials] == [
        ("catalog.pdf", "/data/in/catalog.pdf", user_id)
    ]


def test_draft_row_is_written_after_every_answer(app):
    user_id = prechecked(app)
    chat = CoreChat(app)
    chat.send("/apply")
    assert application_of(app, user_id).status == "draft"
    chat.send("株式会社さくら食品")
    chat.send("スキップ")
    chat.send("7000012050002")
    row = application_of(app, user_id)
    assert row.data["company_name_ja"] == "株式会社さくら食品" and row.data["company_name_en"] is None
    assert (row.corporate_number, row.company_name, row.track) == (
        "7000012050002",
        "株式会社さくら食品",
        "kol_affiliate",
    )
    assert row.data["eligibility_verdict"]["eligible"] is True
