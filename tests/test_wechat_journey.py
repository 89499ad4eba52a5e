"""The whole journey over WeChat HTTP: first message → pre-check → application → submitted, and the
filled form downloaded through the link the bot gives (WeChat has no document messages)."""

from __future__ import annotations

import io
import re

import httpx
from openpyxl import load_workbook

from tests.test_journey import JOURNEY_ZH
from tests.transcript import play

pytest_plugins = ["tests.wechat_fixtures"]


def test_a_whole_application_over_wechat_with_the_form_by_link(wechat):
    chat = wechat.chat()
    answers = play(chat, JOURNEY_ZH)
    link = re.search(r"https://bot\.example\.com(/files/[A-Za-z0-9_\-]+)", answers[-1])
    assert link, answers[-1]
    response = httpx.get(wechat.url + link.group(1), timeout=10)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert "JM25-0001" in " ".join(values)
    assert "7000012050002" in values
    assert httpx.get(wechat.url + "/files/" + "x" * 43, timeout=10).status_code == 404
