"""`japanmall staff export` of 10,000 applications (target: under 10 s and under 200 MB).

    python benchmarks/export.py                      # SQLite in a temporary file
    JAPANMALL_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python benchmarks/export.py

Every application is complete (all fields of the KOL/KOC track, two material links), a third have
a shipment and sales data, each has three history rows and a filled-form file. The export runs as
the command does, in a process of its own: the figures are that process's wall time (from start,
imports included, and of the export alone), its CPU time and its peak resident memory (ru_maxrss,
imports included), for .xlsx and for .csv. Timings are noisy while other work shares the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from benchmarks.bench_db import database_url
from bot.config import Settings
from bot.wiring import build_app
from storage.models import Application, StatusChange, StoredFile, User

N = 10_000
STATUSES = ("submitted", "under_review", "accepted", "rejected", "waitlisted", "promotion_ended")
COMMITMENTS = (
    "samples_ok",
    "materials_ok",
    "ships_within_7_days",
    "shares_sales_data",
    "no_ip_infringement",
    "accepts_export_control",
    "cooperates_with_surveys",
    "agrees_to_publication",
    "accepts_jetro_decision",
)


def answers(i: int) -> dict[str, object]:
    return {
        "applicant_type": "japanese_corporation",
        "company_name_ja": f"株式会社さくら食品{i}",
        "company_name_en": f"Sakura Foods {i} Co., Ltd.",
        "corporate_number": f"{i:013d}",
        "address": "東京都千代田区丸の内1-1-1",
        "website": f"https://www.sakura{i}.example.jp",
        "contact_name": "山田花子",
        "contact_title": "海外事業部 部長",
        "email": f"hanako@sakura{i}.example.jp",
        "phone": "03-1234-5678",
        "wechat_id": None,
        "maker_is_applicant": True,
        "manufacturer_industry": ("manufacturing", "wholesale", "retail", "services")[i % 4],
        "capital_jpy": 10_000_000 * (1 + i % 50),
        "employees": 20 + i % 3000,
        "wholly_owned_by_large_company": i % 17 == 0,
        "product_name_ja": "さくら緑茶",
        "product_name_zh": "樱花绿茶",
        "brand": "さくら",
        "product_category": ("food_alcohol", "daily_goods", "cosmetics", "stationery", "ip_goods")[i % 5],
        "japanese_brand": True,
        "jan_code": "4901234567894",
        "price_cny": 88 + i % 100,
        "china_trademark": ("registered", "pending", "none")[i % 3],
        "trademark_number": None,
        "track": "kol_affiliate",
        "ec_platforms": ["red", "wechat_shop"],
        "store_owner": "own",
        "store_name": "さくら食品旗艦店",
        "cross_border_direct": False,
        "materials": [{"url": f"https://www.sakura{i}.example.jp/a.pdf"}, {"url": "https://x.example/b.jpg"}],
        "samples_count": 5,
        "samples_more": False,
        **{name: i % 29 != 0 for name in COMMITMENTS},
        "in_other_china_promotion": i % 7 == 0 if i % 11 else None,
        "notes": None,
    }


def populate(app, now: datetime) -> None:
    users, apps, history, files = [], [], [], []
    for i in range(1, N + 1):
        users.append(
            {
                "id": i,
                "channel": ("telegram", "wechat", "console")[i % 3],
                "channel_user_id": str(i),
                "language": "ja" if i % 2 else "zh",
                "timezone": None,
                "created_at": now,
                "last_inbound_at": now,
                "subscribed": True,
            }
        )
        status = STATUSES[i % len(STATUSES)]
        meta: dict[str, object] = {"language": "ja", "channel": "console"}
        if i % 3 == 0:
            meta["shipment"] = {
                "carrier": "EMS",
                "tracking": f"EE{i:09d}JP",
                "date": "2026-02-10",
                "quantity": 5,
            }
            product = {
                "product": "さくら緑茶",
                "buyers": i % 90,
                "orders": i % 100,
                "amount_cny": 88.0 * (i % 100),
            }
            meta["sales_data"] = {"pv": 100 * i, "uu": 30 * i, "products": [product]}
        data = answers(i)
        apps.append(
            {
                "id": i,
                "reference": f"JM25-{i:05d}",
                "programme": app.programme.id,
                "user_id": i,
                "status": status,
                "track": "kol_affiliate",
                "corporate_number": data["corporate_number"],
                "company_name": data["company_name_ja"],
                "data": data,
                "meta": meta,
                "created_at": now,
                "updated_at": now,
                "submitted_at": now + timedelta(minutes=i),
            }
        )
        for before, after in ((None, "draft"), ("draft", "submitted"), ("submitted", status)):
            history.append(
                {"application_id": i, "at": now, "actor": "bench", "from_status": before, "to_status": after}
            )
        files.append(
            {
                "user_id": i,
                "application_id": i,
                "kind": "application_form",
                "name": f"JM25-{i:05d}.xlsx",
                "path": f"/var/files/applications/JM25-{i:05d}.xlsx",
                "token": f"token-{i:08d}",
                "created_at": now,
            }
        )
    with app.engine.begin() as conn:
        for table, rows in ((User, users), (Application, apps), (StatusChange, history), (StoredFile, files)):
            for start in range(0, len(rows), 5_000):
                conn.execute(insert(table), rows[start : start + 5_000])
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))


def child(output: str) -> None:
    """The export as `japanmall staff export` runs it, timed from inside."""
    from bot.cli import main

    started = time.perf_counter()
    try:
        main(["staff", "export", "--output", output], standalone_mode=False)
    finally:
        export = time.perf_counter() - started
        cpu = time.process_time()  # of the whole process, its imports included
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
        print(f"{export:.2f} {cpu:.2f} {peak:.0f}", file=sys.stderr)


def measure(url: str, output: Path, files: Path) -> tuple[float, ...]:
    """Of the command's process: wall time, the export's own, CPU time, peak resident memory in MB."""
    env = {
        **os.environ,
        "JAPANMALL_DATABASE_URL": url,
        "JAPANMALL_PROGRAMME": "japan-mall-2025",
        "JAPANMALL_FILES_DIR": str(files),
        "JAPANMALL_PUBLIC_URL": "https://bot.example.com",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(output)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    return (wall, *(float(figure) for figure in done.stderr.strip().splitlines()[-1].split()))


def main() -> None:
    now = datetime(2026, 1, 20, 0, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp))
        settings = Settings(
            database_url=url, programme="japan-mall-2025", files_dir=Path(tmp) / "f", _env_file=None
        )  # type: ignore[call-arg]
        app = build_app(settings, migrate=True)
        started = time.perf_counter()
        populate(app, now)
        print(
            f"{app.engine.dialect.name}: {N:,} applications written in {time.perf_counter() - started:.1f} s"
        )
        app.engine.dispose()
        for suffix in (".xlsx", ".csv"):
            output = Path(tmp) / f"export{suffix}"
            wall, export, cpu, peak = measure(url, output, Path(tmp) / "f")
            size = output.stat().st_size / 1024 / 1024
            print(
                f"{suffix:5}: {wall:5.2f} s the whole process (the export {export:.2f} s; CPU {cpu:.2f} s);"
                f" peak memory {peak:4.0f} MB resident; file {size:.1f} MB"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main()
