"""FAQ speed: index build time, and questions answered per second.

    python benchmarks/faq.py [--seconds 2] [--dialog 300]

Figures printed:
- index build: the locale files read and every entry indexed (what start-up pays once);
- match: a question to its ranked entries and confidence (the labelled test questions, cycled);
- match + answer: the same plus rendering the answer from the programme in the user's language;
- through the dialog core (optional): one transaction per question on a fresh SQLite file
  (user, state, reply record), as the console drives it; 50 users take turns.
No timed assertions: the target (over 1,000 questions a second for match + answer) is read here.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from itertools import cycle
from pathlib import Path

import yaml

from bot.config import Settings
from bot.programme import load_programme
from bot.wiring import build_app, build_texts
from conversations import Inbound, UserKey
from conversations.faq import Index, build_index
from conversations.faq.knowledge import PREFIX, documents
from conversations.i18n import load_sources

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "faq_questions.yaml"


def questions() -> list[tuple[str, str]]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [(lang, question) for lang in ("ja", "zh") for _entry, question in data[lang]]


def rate(seconds: float, work) -> tuple[int, float]:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            work()
        count += 100
    return count, count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="how long each rate is measured")
    parser.add_argument("--dialog", type=int, default=300, help="questions through the core (0: skip)")
    args = parser.parse_args()

    builds, reads, indexing = [], [], []
    for _ in range(5):
        start = time.perf_counter()
        index = build_index()
        builds.append(time.perf_counter() - start)
        start = time.perf_counter()
        sources = load_sources()
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        Index(documents(sources))
        indexing.append(time.perf_counter() - start)
    print(
        f"index build: {statistics.median(builds) * 1000:.1f} ms median of 5 ({len(index)} entries;"
        f" reading the locale files {statistics.median(reads) * 1000:.1f} ms,"
        f" indexing {statistics.median(indexing) * 1000:.1f} ms)"
    )

    rows = questions()
    texts = build_texts(load_programme("japan-mall-2025"))
    matches = cycle(rows)
    count, per_second = rate(args.seconds, lambda: index.match(next(matches)[1]))
    print(f"match: {per_second:,.0f} questions/s ({count:,} in {args.seconds:.0f} s)")

    answers = cycle(rows)

    def answer() -> None:
        lang, question = next(answers)
        best = index.match(question).best
        texts.render(lang, f"{PREFIX}{best}.answer")

    count, per_second = rate(args.seconds, answer)
    print(f"match + answer: {per_second:,.0f} questions/s ({count:,} in {args.seconds:.0f} s)")

    if args.dialog:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(database_url=f"sqlite:///{folder}/bench.db", _env_file=None)  # type: ignore[call-arg]
            app = build_app(settings)
            apology = {lang: app.texts.render(lang, "core.error.internal") for lang in ("ja", "zh")}
            dialog_rows = cycle(rows)
            start = time.perf_counter()
            for number in range(args.dialog):
                _lang, question = next(dialog_rows)
                key = UserKey("bench", f"user{number % 50}")
                reply = app.dialog.handle(key, Inbound(text=question))
                assert reply.messages and reply.messages[0].text != apology[reply.language]
            elapsed = time.perf_counter() - start
            app.engine.dispose()
        print(
            f"through the dialog core (SQLite, a transaction each): {args.dialog / elapsed:,.0f} questions/s"
            f" ({args.dialog} in {elapsed:.2f} s)"
        )


if __name__ == "__main__":
    main()
