"""Asking back: an answer with two readings is asked about, and the next answer picks one.

The readings wait in the state (`context["ask_back"]`, with the question they belong to) until
the company answers: by the reading's button, its number, its label or a word of it (「人民元」).
Any other answer drops them and is read as an answer to the question itself. A crash or a
"welcome back" asks the same ask-back again.
"""

from __future__ import annotations

from typing import Any

from conversations.answers.matching import Terms
from conversations.answers.numbers import option_numbers
from conversations.answers.problems import Invalid, Reading
from conversations.answers.text import plain
from conversations.context import Context
from conversations.events import Inbound, Option
from conversations.numerals import read_int

PENDING = "ask_back"
BUTTON = "reading:"  # the value of a reading's button: reading:1, reading:2
MAX_SAID = 60


def _pending(ctx: Context, here: str) -> dict[str, Any] | None:
    pending = ctx.state.context.get(PENDING)
    if not pending:
        return None
    if pending.get("step") != here:  # left for another question (/back, a command)
        ctx.state.context.pop(PENDING, None)
        return None
    return pending


def offer(ctx: Context, here: str, said: str, readings: tuple[Reading, ...]) -> None:
    """Keep the readings of `said` and ask which was meant."""
    ctx.state.context[PENDING] = {
        "step": here,
        "said": said.strip()[:MAX_SAID],
        "readings": [reading.to_json() for reading in readings],
    }
    show(ctx, here)


def show(ctx: Context, here: str) -> bool:
    """Ask the waiting ask-back of this question again; False when there is none."""
    pending = _pending(ctx, here)
    if pending is None:
        return False
    readings = [Reading.from_json(data) for data in pending["readings"]]
    options = [Option(f"{BUTTON}{number}", reading.label) for number, reading in enumerate(readings, 1)]
    ctx.say_text(ctx.t("core.ask_back", given=pending["said"]), options, here)
    return True


def _pick(readings: list[Reading], inbound: Inbound) -> Reading | None:
    if inbound.option is not None:
        number = read_int(inbound.option.removeprefix(BUTTON), max_digits=4)
        return readings[number - 1] if number is not None and 1 <= number <= len(readings) else None
    numbers = option_numbers(inbound.text)
    if numbers is not None:
        return readings[numbers[0] - 1] if len(numbers) == 1 and 1 <= numbers[0] <= len(readings) else None
    terms = Terms({str(n): [plain(r.label), *(plain(w) for w in r.words)] for n, r in enumerate(readings)})
    named = {value for hit in terms.find(plain(inbound.text)) for value in hit.values}
    return readings[int(named.pop())] if len(named) == 1 else None


def picks(ctx: Context, here: str, inbound: Inbound) -> bool:
    """Whether the inbound picks a waiting reading of this question (nothing is changed)."""
    pending = ctx.state.context.get(PENDING)
    if not pending or pending.get("step") != here:
        return False
    return _pick([Reading.from_json(data) for data in pending["readings"]], inbound) is not None


def resolve(ctx: Context, here: str, inbound: Inbound) -> tuple[bool, Any]:
    """(True, value) when the inbound picks a waiting reading of this question; (False, None)
    when there is none or it picks none (the readings are dropped either way). A reading that is
    a refusal raises its Invalid."""
    pending = _pending(ctx, here)
    if pending is None:
        return False, None
    ctx.state.context.pop(PENDING, None)
    chosen = _pick([Reading.from_json(data) for data in pending["readings"]], inbound)
    if chosen is None:
        return False, None
    if chosen.refusal:
        raise Invalid(chosen.refusal, **chosen.variables)
    return True, chosen.value
