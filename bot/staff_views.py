"""What `japanmall staff list` and `staff show` print for people (their `--json` is for machines):
a table with a header, and a card of one application with labels, times in the programme's zone
and the form's sections."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from conversations.application.fields import SECTION, SECTIONS, applicable
from conversations.application.summary import display
from conversations.eligibility import ProfileError, evaluate
from conversations.eligibility.rules import rule_order
from conversations.i18n import Texts, format_datetime
from conversations.programme import Programme
from conversations.staff.export import zone_label
from conversations.staff.review import size_of
from conversations.vocab import COMMITMENTS, EMAIL
from storage.applications import ApplicationRow
from storage.staff import Listed


def width(text: str) -> int:
    """Columns a text takes in a terminal: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns two spaces apart, a rule under the header."""
    widths = [max(width(line[n]) for line in (header, *rows)) for n in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell + " " * (size - width(cell)) for cell, size in zip(cells, widths, strict=True)
        ).rstrip()

    return [line(header), "  ".join("-" * size for size in widths), *(line(row) for row in rows)]


class Views:
    def __init__(self, texts: Texts, lang: str, programme: Programme) -> None:
        self.texts, self.lang, self.programme = texts, lang, programme

    def t(self, key: str, **variables: Any) -> str:
        return self.texts.render(self.lang, key, **variables)

    def _label(self, key: str, fallback: str) -> str:
        return self.t(key) if self.texts.has(key, self.lang) else fallback

    def when(self, value: datetime | str | None) -> str:
        if value is None:
            return "-"
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return format_datetime(moment, self.lang, self.programme.tz)

    def verdict(self, data: dict[str, Any]) -> dict[str, Any]:
        try:
            return evaluate(data, self.programme)
        except ProfileError:
            return {}

    def yes_no(self, value: bool | None) -> str:
        return self.t(f"export.values.yes_no.{str(value).lower()}")

    def channel(self, channel: str, language: str | None) -> str:
        name = self.t(f"export.values.channel.{channel}")
        return f"{name}/{self.t(f'core.language.names.{language}')}" if language else name

    # -- staff list --------------------------------------------------------------------------
    def listing(self, items: Sequence[Listed]) -> list[str]:
        header = [self.t(f"export.table.{name}") for name in ("reference", "status", "track", "category")]
        header += [self.t(f"export.table.{name}") for name in ("size", "priority", "channel", "company")]
        rows = []
        for item in items:
            row = item.application
            category = row.data.get("product_category")
            rows.append(
                [
                    row.reference or "",
                    self.t(f"core.status_names.{row.status}"),
                    display(self.texts, self.lang, "track", row.track) if row.track else "-",
                    display(self.texts, self.lang, "product_category", category) if category else "-",
                    self.t(f"export.values.size.{size_of(row, self.programme)}"),
                    self.yes_no(self.verdict(row.data).get("priority")),
                    self.channel(item.channel, item.language),
                    row.company_name or "",
                ]
            )
        return [*table(header, rows), self.t("export.table.total", count=len(rows))]

    # -- staff show --------------------------------------------------------------------------
    def card(self, row: ApplicationRow, detail: dict[str, Any], channel: str) -> list[str]:
        data = row.data
        verdict = self.verdict(data)
        since = detail["history"][-1]["at"] if detail["history"] else None
        lines = [
            f"{row.reference}  {row.company_name or ''}",
            self.t(
                "export.card.status",
                status=self.t(f"core.status_names.{row.status}"),
                since=self.when(since),
                submitted=self.when(row.submitted_at),
                source=self.t(f"export.values.channel.{channel}"),
                zone=zone_label(self.texts, self.lang, self.programme),
            ),
            *self._erased(row.meta),
            self.t(
                "export.card.verdict",
                eligible=self.t(f"export.values.verdict.{str(verdict.get('eligible')).lower()}"),
                size=self.t(f"export.values.size.{verdict.get('company_size') or 'unknown'}"),
                basis=", ".join(verdict.get("company_size_basis") or ()) or "-",
                priority=self.yes_no(verdict.get("priority")),
                p1=self.yes_no(verdict.get("p1")),
                p2=self.yes_no(verdict.get("p2")),
            ),
            self.t(
                "export.card.rules",
                failed=_rules(verdict.get("failed")),
                unknown=_rules(verdict.get("unknown")),
                warnings=_rules(verdict.get("warnings")),
            ),
        ]
        names = applicable(data)
        for section in SECTIONS:
            lines.append(f"【{self.t(f'application.sections.{section}')}】")
            for name in (n for n in names if SECTION[n] == section):
                label = self.t(f"application.fields.{name}")
                if name in COMMITMENTS:  # staff read the rule's id beside its label (docs/glossary.md)
                    label = f"{COMMITMENTS[name]} {label}"
                lines.append(f"  {label}：{display(self.texts, self.lang, name, data.get(name))}")
        lines += self._reports(row.meta)
        lines.append(f"【{self.t('export.card.history')}】")
        for h in detail["history"]:
            before = self.t(f"core.status_names.{h['from']}") if h["from"] else "-"
            note = f"  {h['note']}" if h["note"] else ""
            to = self.t(f"core.status_names.{h['to']}")
            lines.append(f"  {self.when(h['at'])}  {before} → {to}  {h['actor']}{note}")
        lines.append(f"【{self.t('export.card.deliveries')}】")
        lines += ["  " + self._delivery(d, data) for d in detail["deliveries"]] or ["  -"]
        return lines

    def _erased(self, meta: dict[str, Any]) -> list[str]:
        """A line saying the personal data were erased (`staff erase`), when they were."""
        mark = meta.get("erased")
        if not isinstance(mark, dict) or not mark.get("at"):
            return []
        return [self.t("privacy.staff.erased", at=self.when(mark["at"]))]

    def _reports(self, meta: dict[str, Any]) -> list[str]:
        """The company's sample shipment and sales data, when reported."""
        lines = []
        shipment = meta.get("shipment")
        if shipment:
            lines.append(f"【{self.t('export.card.shipment')}】")
            for key in ("carrier", "tracking", "date", "quantity"):
                lines.append(f"  {self.t(f'export.columns.shipment_{key}')}：{shipment.get(key) or '-'}")
        sales = meta.get("sales_data")
        if sales:
            product = (sales.get("products") or [{}])[0]
            lines.append(f"【{self.t('export.card.sales')}】")
            values = {"pv": sales.get("pv"), "uu": sales.get("uu"), **product}
            for key in ("pv", "uu", "product", "buyers", "orders", "amount_cny"):
                value = values.get(key)
                lines.append(f"  {self.t(f'export.columns.sales_{key}')}：{'-' if value is None else value}")
        return lines

    def _delivery(self, d: dict[str, Any], data: dict[str, Any]) -> str:
        kind = self._label(f"export.card.kinds.{d['kind']}", d["kind"])
        outcome = self._label(f"export.card.outcomes.{d['outcome']}", d["outcome"])
        channel = self.t(f"export.values.channel.{d['channel']}")
        line = f"#{d['id']} {self.when(d['at'])}  {kind}  {channel}  {outcome}"
        if d["channel"] == EMAIL:
            return line + "  " + self.t("export.card.write_to", email=data.get("email") or "-")
        return line + (f"  {d['error']}" if d["error"] else "")


def _rules(ids: Sequence[str] | None) -> str:
    return ", ".join(sorted(ids, key=rule_order)) if ids else "-"
