"""The application form: its steps (fields.py), the summary with editing, the explicit confirm.

`ApplicationForm` adds to the generic form what this one needs: answers shown as words (yes/no,
labels, amounts with units), yes/no stored as JSON booleans (docs/interfaces.md's profile values),
"skip" refused for required fields, and the draft row saved after every answer.
"""

from __future__ import annotations

from typing import Any

from conversations.answers import askback
from conversations.answers.choices import says_nothing
from conversations.application import check, drafts, intake
from conversations.application.common import to_menu, zone
from conversations.application.fields import BOOLEANS, FIELDS, NAMES, offered_tracks, open_fields
from conversations.application.submit import submit
from conversations.application.summary import editable, render, shown
from conversations.application.validators import clean
from conversations.context import Context
from conversations.events import Inbound, Option
from conversations.flow import FINISH, HANDLED, Form, Invalid, Step, targets
from conversations.numerals import read_int
from storage.applications import submitted_for_user
from storage.links import linked_applications

NAME = "application"
_DATA = frozenset(NAMES)


class ApplicationForm(Form):
    def ask(self, ctx: Context) -> None:
        if askback.show(ctx, f"{self.name}.{ctx.state.step}"):
            return  # an answer with two readings waits for the company to say which
        step = self.step(ctx.state.step)
        variables = step.question_vars(ctx) if step.question_vars else {}
        text = ctx.t(step.question, **variables)
        current = ctx.answers.get(step.name)
        if step.name in _DATA and (current is not None or (step.optional and step.name in ctx.answers)):
            text += "\n" + ctx.t("core.current_answer", value=shown(ctx, step.name, current))
        if step.optional:
            text += "\n" + ctx.t("core.skip_hint")
        values = step.choices(ctx)
        if values:
            ctx.state.context["options"] = values
        options = [Option(value, ctx.t(f"{step.labels}.{value}")) for value in values]
        ctx.say_text(text, options, f"{self.name}.{step.name}")

    def read(self, ctx: Context, step: Step, inbound: Inbound) -> Any:
        required = step.name in _DATA and not step.optional and inbound.option is None
        # only for free text: 「なし」 answers a yes/no question, where it means "no"
        if required and not step.choices(ctx) and says_nothing(inbound.text, ctx.lang):
            raise Invalid("application.invalid.required")
        value = super().read(ctx, step, inbound)
        if step.name in BOOLEANS:
            return value == "yes"
        return value

    def answer(self, ctx: Context, step: Step, value: Any) -> None:
        super().answer(ctx, step, value)
        if step.name in _DATA:
            drafts.save(ctx)


def _explain_verdict(ctx: Context, verdict: dict[str, Any]) -> None:
    reasons = "\n".join(
        ctx.t("application.verdict_reason", rule=rule, condition=ctx.t(f"application.rules.{rule}"))
        if ctx.services.texts.has(f"application.rules.{rule}")
        else f"・{rule}"
        for rule in verdict.get("failed") or []
    )
    ctx.say("application.not_eligible", reasons=reasons)


def on_enter(ctx: Context) -> str | None:
    """Refuse what cannot be taken, run the pre-check first when it exists, then start or resume."""
    first = submitted_for_user(ctx.conn, ctx.user.id, ctx.programme.id) or next(
        (row for row in linked_applications(ctx.conn, ctx.user.id) if row.programme == ctx.programme.id), None
    )
    if first is not None:
        intake.tell_existing(ctx, first, same_user=True)
        to_menu(ctx)
        return HANDLED
    refused = intake.refusal(ctx)
    if refused is not None:
        intake.say(ctx, refused)
        to_menu(ctx)
        return HANDLED
    if ctx.services.registry.has_flow("eligibility") and "eligibility_verdict" not in ctx.answers:
        ctx.state.context["then"] = NAME
        ctx.say("application.eligibility_first")
        ctx.go("eligibility")
        return HANDLED
    # the stored verdict is not trusted: the answers are judged again as they stand now
    verdict = check.verdict_of(ctx.answers, ctx.programme)
    if verdict["eligible"] is False or not offered_tracks(ctx):
        _explain_verdict(ctx, verdict)
        if ctx.services.registry.has_flow("eligibility"):
            ctx.state.context["then"] = NAME  # change the one answer, then the verdict again
            ctx.go("eligibility")
        else:
            to_menu(ctx)
        return HANDLED
    ctx.answers["eligibility_verdict"] = verdict
    if drafts.start(ctx):
        ctx.say("application.resume", remaining=len(open_fields(ctx.answers, ctx.programme)))
    else:
        ctx.say("application.start", deadline=ctx.programme.dates.deadline, zone=zone(ctx))
    return None


@targets("confirm", "edit")
def _after_summary(_ctx: Context, choice: str) -> str:
    return "confirm" if choice == "confirm" else "edit"  # the whole check runs at submission


def fix_items(ctx: Context) -> list[check.Item]:
    return list(check.whole_check(ctx.answers, ctx.programme).items)


def _fix_vars(ctx: Context) -> dict[str, Any]:
    lines = []
    for item in fix_items(ctx):
        label = ctx.t(f"application.fields.{item.field}")
        condition = ctx.t(f"application.rules.{item.rule}") if item.rule else ""
        lines.append(ctx.t(f"check.item.{item.reason}", label=label, condition=condition))
    return {"items": "\n".join(lines)}


def _fix(ctx: Context, name: str) -> str:
    """The tapped item's question; with nothing left to fix (answered meanwhile), the summary."""
    if name not in _DATA:
        return "summary"
    return _edit(ctx, name)


def show_fix(ctx: Context) -> None:
    """The whole check found something: list it, each item a button that goes to its question."""
    ctx.move(NAME, "fix", remember=False)
    ctx.ask_again()


def _field_number(ctx: Context, text: str) -> str:
    names = editable(ctx.answers)
    number = read_int(clean(text).rstrip(".)．番"), max_digits=4)
    if number is not None and 1 <= number <= len(names):
        return names[number - 1]
    raise Invalid("application.invalid.field_number", count=len(names))


def _edit(ctx: Context, name: str) -> str:
    """Go to the field; its answer leads back to the summary (every later field is answered)."""
    ctx.state.back_stack.append([NAME, "summary"])
    ctx.move(NAME, name, remember=False)
    ctx.ask_again()
    return HANDLED


@targets("summary")
def _back_to_summary(_ctx: Context, _value: Any) -> str:
    return "summary"


@targets("summary", "fix", FINISH)
def _after_confirm(_ctx: Context, _choice: str) -> str:
    return "summary"  # for the diagram: `_confirmed` submits, or returns to the summary


def _confirmed(ctx: Context, choice: str) -> str | None:
    if choice != "submit":
        return "summary"
    submit(ctx)
    return HANDLED


application = ApplicationForm(
    name=NAME,
    on_enter=on_enter,
    steps=[
        *FIELDS,
        Step(
            "summary",
            "application.summary.question",
            options=("confirm", "edit"),
            labels="application.summary.options",
            field="",
            next=_after_summary,
            question_vars=lambda ctx: {"summary": render(ctx)},
        ),
        Step(
            "edit",
            "application.edit.question",
            parse=_field_number,
            field="",
            on_answer=_edit,
            next=_back_to_summary,
            question_vars=lambda ctx: {"count": len(editable(ctx.answers))},
        ),
        Step(
            "fix",
            "check.question",
            options=lambda ctx: [item.field for item in fix_items(ctx)],
            labels="application.fields",
            field="",
            on_answer=_fix,
            next=_back_to_summary,
            question_vars=_fix_vars,
        ),
        Step(
            "confirm",
            "application.confirm.question",
            options=("submit", "review"),
            labels="application.confirm.options",
            field="",
            on_answer=_confirmed,
            next=_after_confirm,
        ),
    ],
)
