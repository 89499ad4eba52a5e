"""FAQ accuracy and speed: top-1 on the tuning and the held-apart question sets, then index build
time and questions answered per second.

    python benchmarks/faq.py [--seconds 2] [--dialog 300] [--misses]

Accuracy, for each set and language: top-1 (the right topic ranked first), answered directly
(right / wrong: one topic clearly ahead), off-topic questions met with "not sure", and messages
with two questions whose both answers were given. tests/data/faq_questions.yaml is the TUNING set
(the index's keywords, synonyms and thresholds were tuned on it); tests/data/faq_held_apart.yaml
is HELD APART (written before tuning, never tuned on): its top-1 is the figure that counts
(target: at least 95%).

Speed figures printed:
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
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path

import yaml

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.programme import load_programme
from bot.wiring import build_app, build_texts
from conversations import Inbound, UserKey
from conversations.faq import Index, build_index
from conversations.faq.knowledge import PREFIX, documents
from conversations.faq.several import topics
from conversations.i18n import LANGUAGES, load_sources

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
QUESTIONS = DATA / "faq_questions.yaml"  # the tuning set
HELD_APART = DATA / "faq_held_apart.yaml"  # never tuned on


def questions() -> list[tuple[str, str]]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [(lang, question) for lang in ("ja", "zh") for _entry, question in data[lang]]


@dataclass
class Accuracy:
    """One language of one question set, measured."""

    questions: int = 0
    top1: int = 0
    direct_right: int = 0
    direct_wrong: int = 0
    off_topic: int = 0
    not_sure: int = 0  # off-topic questions met with "not sure"
    doubles: int = 0
    both: int = 0  # two-question messages with both answers given
    misses: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.top1 / self.questions if self.questions else 0.0


def sets(path: Path) -> dict[str, tuple[list[list[str]], list[str], list[list]]]:
    """lang -> (single [entry, question], off-topic questions, doubles [[entries], message]),
    from either file's layout."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = {}
    for lang in LANGUAGES:
        if isinstance(data[lang], dict):  # held apart: single / none / double under each language
            part = data[lang]
            found[lang] = (part["single"], part.get("none", []), part.get("double", []))
        else:  # tuning: the language's list, with none / double beside
            found[lang] = (
                data[lang],
                data.get("none", {}).get(lang, []),
                data.get("double", {}).get(lang, []),
            )
    return found


def accuracy(index: Index, path: Path) -> dict[str, Accuracy]:
    result = {}
    for lang, (single, off_topic, doubles) in sets(path).items():
        figures = Accuracy(questions=len(single), off_topic=len(off_topic), doubles=len(doubles))
        for entry, question in single:
            match = index.match(question)
            figures.top1 += match.best == entry
            figures.direct_right += match.confident and match.best == entry
            figures.direct_wrong += match.confident and match.best != entry
            if match.best != entry:
                figures.misses.append(f"{entry} <- {match.best} ({match.confidence:.2f}): {question}")
        figures.not_sure += sum(
            not index.match(question).confident and not topics(index, question) for question in off_topic
        )
        figures.both += sum(
            [entry for entry, _ in topics(index, message)] == list(wanted) for wanted, message in doubles
        )
        result[lang] = figures
    return result


def print_accuracy(index: Index, *, misses: bool) -> None:
    for title, path in (("tuning set", QUESTIONS), ("held-apart set", HELD_APART)):
        for lang, figures in accuracy(index, path).items():
            print(
                f"FAQ {title} {lang}: top-1 {figures.top1}/{figures.questions} ({figures.share:.1%});"
                f" answered directly {figures.direct_right} right, {figures.direct_wrong} wrong;"
                f" off-topic met with 'not sure' {figures.not_sure}/{figures.off_topic};"
                f" two questions both answered {figures.both}/{figures.doubles}"
            )
            if misses:
                for miss in figures.misses:
                    print(f"  {miss}")


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
    parser.add_argument("--misses", action="store_true", help="list the questions ranked wrong")
    args = parser.parse_args()
    print_accuracy(build_index(), misses=args.misses)

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
