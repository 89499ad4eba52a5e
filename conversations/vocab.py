"""The programme's vocabularies, once: every flow, validator, CLI option, export and check uses these.

The values are the codes of the eligibility profile and of the stored application
(docs/programme-rules.md); what people read is in locales/, under the same codes.
"""

from __future__ import annotations

from types import MappingProxyType

# The two ways of taking part (docs/programme-rules.md, "The two tracks").
KOL_AFFILIATE = "kol_affiliate"
GROUP_BUYING = "group_buying"
TRACKS: tuple[str, ...] = (KOL_AFFILIATE, GROUP_BUYING)

# Who may apply (rule E1): the first two are eligible.
JAPANESE_CORPORATION = "japanese_corporation"
CHINA_SUBSIDIARY = "china_subsidiary_of_japanese_corporation"
APPLICANT_TYPES: tuple[str, ...] = (JAPANESE_CORPORATION, CHINA_SUBSIDIARY, "other")
ELIGIBLE_APPLICANT_TYPES: tuple[str, ...] = (JAPANESE_CORPORATION, CHINA_SUBSIDIARY)

# What is promoted (rule E2); "other" is JETRO's to judge.
PRODUCT_CATEGORIES: tuple[str, ...] = (
    "food_alcohol",
    "daily_goods",
    "cosmetics",
    "stationery",
    "ip_goods",
    "other",
)

# The manufacturer's industry, which picks its SME line (SME-1…SME-4).
INDUSTRIES: tuple[str, ...] = ("manufacturing", "wholesale", "retail", "services")

# The EC store of the KOL/KOC track (rule E3): which platform, whose store.
EC_PLATFORMS: tuple[str, ...] = ("red", "douyin", "wechat_shop")
STORE_OWNERS: tuple[str, ...] = ("own", "partner")

# The brand's trademark in China (advice A1).
TRADEMARK_STATES: tuple[str, ...] = ("registered", "pending", "none")

# The commitments every company makes: profile key -> the rule it answers (E6…E14).
COMMITMENTS: MappingProxyType[str, str] = MappingProxyType(
    {
        "samples_ok": "E6",
        "materials_ok": "E7",
        "ships_within_7_days": "E8",
        "shares_sales_data": "E9",
        "no_ip_infringement": "E10",
        "accepts_export_control": "E11",
        "cooperates_with_surveys": "E12",
        "agrees_to_publication": "E13",
        "accepts_jetro_decision": "E14",
    }
)

# Where a company talks to the bot; EMAIL is a company that applied with the e-mailed form and has
# no chat account: nothing the bot says first can reach it (its notices are `undeliverable`).
TELEGRAM = "telegram"
WECHAT = "wechat"
CONSOLE = "console"
EMAIL = "email"
CHANNELS: tuple[str, ...] = (TELEGRAM, WECHAT, CONSOLE, EMAIL)

# The languages the bot speaks.
LANGUAGES: tuple[str, ...] = ("ja", "zh")

__all__ = [
    "APPLICANT_TYPES",
    "CHANNELS",
    "CHINA_SUBSIDIARY",
    "COMMITMENTS",
    "CONSOLE",
    "EC_PLATFORMS",
    "ELIGIBLE_APPLICANT_TYPES",
    "EMAIL",
    "GROUP_BUYING",
    "INDUSTRIES",
    "JAPANESE_CORPORATION",
    "KOL_AFFILIATE",
    "LANGUAGES",
    "PRODUCT_CATEGORIES",
    "STORE_OWNERS",
    "TELEGRAM",
    "TRACKS",
    "TRADEMARK_STATES",
    "WECHAT",
]
