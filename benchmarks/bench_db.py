"""The database a benchmark runs on: a fresh SQLite file, or with JAPANMALL_BENCH_DATABASE_URL a
fresh schema of its own on that PostgreSQL server (the benchmark's rows never mix with others')."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text


def database_url(tmp: Path) -> str:
    url = os.environ.get("JAPANMALL_BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'bench.db'}"
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    base = url.replace("postgresql://", "postgresql+psycopg://", 1)
    with create_engine(base).begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    return f"{base}?options=-csearch_path%3D{schema}"
