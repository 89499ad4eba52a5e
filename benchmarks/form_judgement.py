"""The cost of asking the eligibility engine from the form: every step of the application form
asks which fields are still open (each judged field through `evaluate`), and submission runs the
whole check. Prints microseconds per call for a complete KOL/KOC application and a half-filled one.

    python benchmarks/form_judgement.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.programme import load_programme
from conversations.application.check import whole_check
from conversations.application.fields import open_fields
from tests.application_kit import FIELDS, PROFILE, corporate_number


def per_call(function, *args, repeat: int = 2000) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function(*args)
    return (time.perf_counter() - start) / repeat * 1e6


def main() -> None:
    programme = load_programme("japan-mall-2025")
    complete = {**PROFILE, **FIELDS, "corporate_number": corporate_number(1)}
    half = {key: value for i, (key, value) in enumerate(complete.items()) if i % 2 == 0}
    for name, answers in (("complete", complete), ("half-filled", half)):
        print(f"{name:12} open_fields: {per_call(open_fields, answers, programme):8.1f} µs/call")
        print(f"{name:12} whole_check: {per_call(whole_check, answers, programme):8.1f} µs/call")


if __name__ == "__main__":
    main()
