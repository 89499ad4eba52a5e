"""The staff export's columns and rows (channel-neutral; bot/staff_export.py writes them as .xlsx
or .csv): one row an application, headers in the staff's language, labels instead of codes,
times in the programme's zone, the eligibility engine's verdict (conversations/eligibility
`evaluate` on the application's answers), the status and its date, shipment and sales data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from conversations.application.fields import COMMITMENTS, KIND, NAMES
from conversations.application.summary import display
from conversations.eligibility import ProfileError, evaluate
from conversations.eligibility.rules import rule_order
from conversations.i18n import Texts
from conversations.staff.review import SIZES
from conversations.statuses import STATUSES
from conversations.vocab import TRACKS
from storage import export as store
from storage.application_files import file_link
from storage.staff import Listed

if TYPE_CHECKING:
    from conversations.programme import Programme

MATERIAL_LINKS = 3  # material_1..3: a link each; `materials` counts them all
NUMBERS = frozenset({"yen", "headcount", "cny", "count"})


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text label datetime date rules link yen headcount cny count
    width: int


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def _field_column(name: str) -> Column:
    kind = KIND[name]
    if kind in NUMBERS:
        return Column(name, kind, 14)
    if kind == "materials":
        return Column(name, "count", 8)
    return Column(
        name, "label" if kind in ("bool", "choice", "platforms") else "text", 24 if kind == "text" else 16
    )


COLUMNS: tuple[Column, ...] = (
    Column("reference", "text", 12),
    Column("status", "label", 16),
    Column("status_since", "datetime", 17),
    Column("submitted_at", "datetime", 17),
    Column("source", "label", 10),
    Column("language", "label", 10),
    Column("eligible", "label", 10),
    Column("company_size", "label", 10),
    Column("size_basis", "rules", 14),
    Column("p1", "label", 7),
    Column("p2", "label", 7),
    Column("priority", "label", 8),
    Column("failed", "rules", 12),
    Column("unknown", "rules", 12),
    Column("warnings", "rules", 12),
    *(_field_column(name) for name in NAMES if name not in COMMITMENTS),
    Column("commitments", "label", 18),
    *(Column(f"material_{n}", "link", 30) for n in range(1, MATERIAL_LINKS + 1)),
    Column("form_file", "link", 20),
    Column("shipment_carrier", "text", 14),
    Column("shipment_tracking", "text", 18),
    Column("shipment_date", "date", 12),
    Column("shipment_quantity", "count", 8),
    Column("sales_pv", "count", 10),
    Column("sales_uu", "count", 10),
    Column("sales_product", "text", 20),
    Column("sales_buyers", "count", 10),
    Column("sales_orders", "count", 10),
    Column("sales_amount_cny", "cny", 14),
)
SUMMARY = ("status", "track", "company_size", "priority")  # the counts of the second sheet


def _rules(ids: Sequence[str]) -> str | None:
    return ", ".join(sorted(ids, key=rule_order)) if ids else None


def zone_label(texts: Texts, lang: str, programme: Programme) -> str:
    """The programme's time zone as staff read it: 日本時間、UTC+09:00 / 日本时间、UTC+09:00."""
    offset = programme.dates.deadline.astimezone(programme.tz).strftime("%z")
    return texts.render(lang, "application.zone", offset=f"{offset[:3]}:{offset[3:]}")


def _local(value: datetime | None, programme: Programme) -> datetime | None:
    """A moment as Excel keeps it: the wall-clock time in the programme's zone, without a zone."""
    return value.astimezone(programme.tz).replace(tzinfo=None) if value else None


class Export:
    """Rows of the export for one programme, language and database; `counts` fills as rows are made."""

    def __init__(
        self, conn: Connection, programme: Programme, texts: Texts, lang: str, public_url: str | None = None
    ) -> None:
        self.programme, self.texts, self.lang = programme, texts, lang
        self.public_url = public_url.rstrip("/") if public_url else None
        self.since = store.status_since(conn)
        self.files = store.form_files(conn)
        self.counts: dict[str, Counter[str]] = {name: Counter() for name in SUMMARY}

    def t(self, key: str, **variables: Any) -> str:
        return self.texts.render(self.lang, key, **variables)

    def header(self) -> list[str]:
        zone = zone_label(self.texts, self.lang, self.programme)
        return [self.title(column.name, zone) for column in COLUMNS]

    def title(self, name: str, zone: str = "") -> str:
        if name in KIND:  # a commitment with its rule's id: staff keep them (docs/glossary.md)
            rule = f"{COMMITMENTS[name]} " if name in COMMITMENTS else ""
            return rule + self.t(f"application.fields.{name}")
        return self.t(f"export.columns.{name}", zone=zone)

    def row(self, item: Listed) -> list[Any]:
        app = item.application
        data = app.data
        verdict = self._verdict(data)
        status = self.t(f"core.status_names.{app.status}")
        size = self.t(f"export.values.size.{verdict.get('company_size') or 'unknown'}")
        priority = self._yes_no(verdict.get("priority"))
        track = display(self.texts, self.lang, "track", app.track) if app.track else None
        for name, value in zip(SUMMARY, (status, track, size, priority), strict=True):
            self.counts[name][value or self.t("export.values.yes_no.none")] += 1
        language = self.t(f"core.language.names.{item.language}") if item.language else None
        values = [
            app.reference,
            status,
            _local(self.since.get(app.id), self.programme),
            _local(app.submitted_at, self.programme),
            self.t(f"export.values.channel.{item.channel}"),
            language,
            self.t(f"export.values.verdict.{str(verdict.get('eligible')).lower()}"),
            size,
            ", ".join(verdict.get("company_size_basis") or ()) or None,  # the engine's order: line, then MID
            self._yes_no(verdict.get("p1")),
            self._yes_no(verdict.get("p2")),
            priority,
            _rules(verdict.get("failed") or ()),
            _rules(verdict.get("unknown") or ()),
            _rules(verdict.get("warnings") or ()),
            *(self._field(name, data.get(name)) for name in NAMES if name not in COMMITMENTS),
            self._commitments(data),
            *self._materials(data.get("materials") or []),
            self._form_file(app.id),
            *self._shipment(app.meta.get("shipment") or {}),
            *self._sales(app.meta.get("sales_data") or {}),
        ]
        return values

    def _verdict(self, data: dict[str, Any]) -> dict[str, Any]:
        try:
            return evaluate(data, self.programme)
        except ProfileError:  # a stored answer the rules cannot read: every verdict column unknown
            return {}

    def _yes_no(self, value: bool | None) -> str:
        return self.t(f"export.values.yes_no.{str(value).lower()}")

    def _field(self, name: str, value: Any) -> Any:
        kind = KIND[name]
        if value is None:
            return None
        if kind == "materials":
            return len(value)
        if kind in NUMBERS or kind == "text":
            return value
        return display(self.texts, self.lang, name, value)

    def _commitments(self, data: dict[str, Any]) -> str:
        missing = [rule for name, rule in COMMITMENTS.items() if data.get(name) is not True]
        if not missing:
            return self.t("export.values.commitments.all")
        return self.t("export.values.commitments.missing", rules=_rules(missing))

    def _materials(self, items: list[dict[str, Any]]) -> list[Link | None]:
        links: list[Link | None] = []
        for item in items[:MATERIAL_LINKS]:
            url = item.get("url")
            if not url and item.get("path"):
                url = Path(item["path"]).as_uri()
            links.append(Link(str(item.get("name") or url), url) if url else None)
        return links + [None] * (MATERIAL_LINKS - len(links))

    def _form_file(self, application_id: int) -> Link | None:
        found = self.files.get(application_id)
        if found is None:
            return None
        if found.token and self.public_url:
            return Link(found.name, self.public_url + file_link(found.token))
        return Link(found.name, Path(found.path).as_uri()) if found.path else None

    def _shipment(self, shipment: dict[str, Any]) -> list[Any]:
        day = shipment.get("date")
        return [
            shipment.get("carrier"),
            shipment.get("tracking"),
            date.fromisoformat(day) if day else None,
            shipment.get("quantity"),
        ]

    def _sales(self, sales: dict[str, Any]) -> list[Any]:
        product = (sales.get("products") or [{}])[0]
        return [
            sales.get("pv"),
            sales.get("uu"),
            product.get("product"),
            product.get("buyers"),
            product.get("orders"),
            product.get("amount_cny"),
        ]

    def summary(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """The second sheet: per heading (status, track, size, priority) each label and its count,
        in the vocabulary's order (the status machine's, the programme's tracks, …)."""
        order = {
            "status": [self.t(f"core.status_names.{status}") for status in STATUSES],
            "track": [display(self.texts, self.lang, "track", track) for track in TRACKS],
            "company_size": [self.t(f"export.values.size.{size}") for size in SIZES],
            "priority": [self._yes_no(value) for value in (True, False, None)],
        }
        unknown = self.t("export.values.yes_no.none")
        place = {
            name: {label: n for n, label in enumerate([*labels, unknown])} for name, labels in order.items()
        }
        return [
            (
                self.title(name),
                sorted(self.counts[name].items(), key=lambda item, n=name: place[n].get(item[0], 99)),
            )
            for name in SUMMARY
        ]
