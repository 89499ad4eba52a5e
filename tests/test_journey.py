"""The whole journey through the real flows: menu → eligibility pre-check → application → submit.

The same script is played through each channel's HTTP path in the channel tests.
"""

from __future__ import annotations

from storage import applications as apps
from tests.transcript import CoreChat, play

# A Chinese-speaking company on the group-buying track, from its first message to submission.
JOURNEY_ZH = """
    > 你好
    < 请选择您要办理的事项
    > 报名
    < 报名前，请先确认报名资格
    < 报名企业属于以下哪一类？（E1）
    > 1
    < 您打算报名哪个项目？
    > 2
    < 请选择您计划参与推广的商品类别。（E2）
    > 1
    < 该商品是日本品牌的商品吗？（E2）
    > 是
    < 该商品是否已在中国国内流通，并且可以在中国国内发货？（E5）
    <! 电商店铺
    > 是
    < （E6）
    > 是
    < （E7）
    > 是
    < （E8）
    > 是
    < （E9）
    > 是
    < （E10）
    > 是
    < （E11）
    > 是
    < （E12）
    > 是
    < （E13）
    > 是
    < （E14）
    > 是
    < 请选择生产企业所属的行业
    > 1
    < 生产企业的注册资本
    > 5000万日元
    < 50,000,000日元
    < （MID-2）
    > 否
    < （P2）
    > 否
    < （A1）
    > 1
    < 【预审结果】根据您的回答，已满足全部报名条件。
    < 【生产企业规模】中小企业
    < SME-1
    < 本结果仅为预审，是否能够参加由 JETRO 最终决定（E14）
    < 请输入公司名称（日文正式名称）
    > 株式会社さくら食品
    < 如有公司的中文或英文名称
    > 跳过
    < 日本法人编号
    > 7000012050003
    < 日本法人编号
    > 7000012050002
    < 请输入总部地址
    > 东京都千代田区丸之内1-1-1
    < 公司网站
    > 跳过
    < 【关于个人信息的处理】
    > 好的，同意
    < 联系人姓名
    > 山田花子
    < 部门及职务
    > 海外事业部 部长
    < 邮箱
    > hanako@sakura
    < 邮箱
    > hanako@sakura-foods.example.jp
    < 电话
    > +86 138 0013 8000
    < 微信号
    > 跳过
    < 是否由贵公司生产
    > 是
    < 常雇员工人数
    > 120人
    < 商品的名称（日文）
    > さくら緑茶
    < 商品的中文名称
    > 樱花绿茶
    < 品牌名称
    > さくら
    < JAN/EAN
    > 跳过
    < 零售价
    > abc
    < 零售价
    > 88元
    < 商标的注册号或申请号
    > 跳过
    < 流通渠道
    > 通过上海的经销商在线下超市销售
    < 商品介绍资料
    > https://www.sakura-foods.example.jp/catalog.pdf
    < 目前共 1 份
    > 完成
    < 样品数量
    > 5
    < 是否计划提供更多样品
    > 否
    < 告知 JETRO 的事项
    > 跳过
    < 请确认您填写的内容
    < 注册资本：50,000,000日元
    < 在中国的零售价：88元
    > 1
    < 确定按此内容提交报名吗
    > 1
    < JM25-0001
"""


def test_chinese_company_from_first_message_to_submission(app):
    chat = CoreChat(app, user="journey")
    play(chat, JOURNEY_ZH)
    assert any(m.document and m.document.name == "JM25-0001.xlsx" for m in chat.last.messages)
    with app.engine.connect() as conn:
        (row,) = apps.applications_for_user(conn, chat.last.user_id)
    assert (row.status, row.track, row.reference) == ("submitted", "group_buying", "JM25-0001")
    assert row.data["capital_jpy"] == 50_000_000 and row.data["distributed_in_china"] is True
    assert row.meta["eligibility_verdict"]["company_size"] == "sme"
