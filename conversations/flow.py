"""Flows as data: a form declares its steps (name, question, how to read the answer, next).

The generic machinery here asks a step's question, reads the answer (an option by button,
number or label; free text through the step's parser; a file), stores it under the step's
field, and moves on. A diagram of each form is generated from the same declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from conversations.answers import askback, choices
from conversations.answers.problems import Ambiguous, Invalid
from conversations.answers.words import vocabulary_of
from conversations.context import Context
from conversations.events import Inbound, Option

FINISH = "__finish__"
HANDLED = "__handled__"  # returned by on_enter when it has already answered and moved the user
SKIP_WORDS = choices.SKIP_WORDS
__all__ = ["FINISH", "HANDLED", "SKIP_WORDS", "Form", "Invalid", "Step", "read_choice", "targets"]


Choices = Sequence[str] | Callable[[Context], Sequence[str]]
Next = str | Callable[[Context, Any], str]


@dataclass(frozen=True)
class Step:
    """One question of a form.

    name      the step's name (a word, never a number)
    question  the key of the question's text
    options   the values to choose from (labels are `labels.value`), or a function of the context
    parse     reads free text into a value or raises Invalid
    field     where the answer is kept in the answers (default: the name; "" keeps nothing)
    next      the next step's name, or a function of (context, value); default: the next declared
    skip      a function of the context: True to pass this step by (e.g. answered already)
    optional  "skip" is accepted and stores None
    files     a file is accepted as the answer
    on_answer a function of (context, value) run after the answer is stored; may return a step name
    multiple  several options may be chosen in one answer (the value is then a list)
    """

    name: str
    question: str
    options: Choices = ()
    labels: str = "core.options"
    parse: Callable[[Context, str], Any] | None = None
    field: str | None = None
    next: Next | None = None
    skip: Callable[[Context], bool] | None = None
    optional: bool = False
    files: bool = False
    on_answer: Callable[[Context, Any], str | None] | None = None
    question_vars: Callable[[Context], dict[str, Any]] | None = None
    multiple: bool = False

    @property
    def key(self) -> str:
        return self.name if self.field is None else self.field

    def choices(self, ctx: Context) -> list[str]:
        return list(self.options(ctx) if callable(self.options) else self.options)


@dataclass
class Form:
    """A flow made of declared steps."""

    name: str
    steps: Sequence[Step]
    on_finish: Callable[[Context], None] | None = None
    on_enter: Callable[[Context], str | None] | None = None
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = {step.name: i for i, step in enumerate(self.steps)}
        if len(self._index) != len(self.steps):
            raise ValueError(f"{self.name}: step names must be unique")
        for step in self.steps:  # a misspelt target is an error when the form is declared
            named = [step.next] if isinstance(step.next, str) else list(getattr(step.next, "targets", ()))
            for target in named:
                if target not in self._index and target not in (FINISH, HANDLED):
                    raise ValueError(f"{self.name}.{step.name}: next step {target!r} is not in the form")

    @property
    def step_names(self) -> frozenset[str]:
        return frozenset(self._index)

    def step(self, name: str) -> Step:
        return self.steps[self._index[name]]

    # -- entering and asking ----------------------------------------------------------------
    def enter(self, ctx: Context, step: str | None = None, *, remember: bool = True) -> None:
        if step is None and self.on_enter is not None:
            step = self.on_enter(ctx)
            if step == HANDLED:
                return
        name = step or self._first_open(ctx, 0)
        if name == FINISH:
            ctx.move(self.name, self.steps[-1].name, remember=remember)
            self._finish(ctx)
            return
        ctx.move(self.name, name, remember=remember)
        self.ask(ctx)

    def ask(self, ctx: Context) -> None:
        if askback.show(ctx, f"{self.name}.{ctx.state.step}"):
            return  # an answer with two readings waits for the company to say which
        step = self.step(ctx.state.step)
        variables = step.question_vars(ctx) if step.question_vars else {}
        text = ctx.t(step.question, **variables)
        values = step.choices(ctx)
        current = ctx.answers.get(step.key) if step.key else None
        if current is not None and step.key:
            shown = ctx.t(f"{step.labels}.{current}") if values and current in values else str(current)
            text += "\n" + ctx.t("core.current_answer", value=shown)
        if step.optional:
            text += "\n" + ctx.t("core.skip_hint")
        options = [Option(value, ctx.t(f"{step.labels}.{value}")) for value in values]
        if values:
            ctx.state.context["options"] = values
        ctx.say_text(text, options, f"{self.name}.{step.name}")

    # -- answering ---------------------------------------------------------------------------
    def handle(self, ctx: Context, inbound: Inbound) -> None:
        step = self.step(ctx.state.step)
        try:
            value = self.read(ctx, step, inbound)
        except Ambiguous as doubt:
            askback.offer(ctx, f"{self.name}.{step.name}", inbound.text, doubt.readings)
            return
        except Invalid as problem:
            ctx.say(problem.key, **problem.variables)
            self.ask(ctx)
            return
        self.answer(ctx, step, value)

    def read(self, ctx: Context, step: Step, inbound: Inbound) -> Any:
        here = f"{self.name}.{step.name}"
        taken, value = askback.resolve(ctx, here, inbound)
        if taken:
            return value
        text = inbound.text.strip()
        values = step.choices(ctx)
        nothing = text.lower() in SKIP_WORDS or (not values and choices.says_nothing(text, ctx.lang))
        if step.optional and inbound.option is None and nothing:
            return None  # 「スキップ」, and for a free text 「特にありません」「暂无」
        if values:
            question = ""
            if "yes" in values:  # a yes / no question: an answer may repeat its words
                question = ctx.t(step.question, **(step.question_vars(ctx) if step.question_vars else {}))
            return read_choice(
                ctx,
                here,
                values,
                step.labels,
                inbound,
                multiple=step.multiple,
                name=step.name,
                question=question,
            )
        if inbound.file is not None:
            if not step.files:
                raise Invalid("core.invalid.no_file_here")
            return {
                "name": inbound.file.name,
                "path": inbound.file.path,
                "url": inbound.file.url,
                "size": inbound.file.size,
                "mime": inbound.file.mime,
            }
        if inbound.option is not None:
            raise Invalid("core.invalid.stale_option")
        if not text:
            raise Invalid("core.invalid.empty")
        return step.parse(ctx, text) if step.parse else text

    def answer(self, ctx: Context, step: Step, value: Any) -> None:
        if step.key:
            ctx.answers[step.key] = value
        target = step.on_answer(ctx, value) if step.on_answer else None
        if target == HANDLED:
            return  # on_answer has replied and placed the user
        if target is None:
            if callable(step.next):
                target = step.next(ctx, value)
            elif step.next is not None:
                target = step.next
            else:
                target = self._first_open(ctx, self._index[step.name] + 1)
        if target == FINISH:
            self._finish(ctx)
            return
        if target in self._index and self.step(target).skip and self.step(target).skip(ctx):
            target = self._first_open(ctx, self._index[target] + 1)
            if target == FINISH:
                self._finish(ctx)
                return
        ctx.move(self.name, target)
        self.ask(ctx)

    def _first_open(self, ctx: Context, start: int) -> str:
        for step in self.steps[start:]:
            if step.skip is None or not step.skip(ctx):
                return step.name
        return FINISH

    def _finish(self, ctx: Context) -> None:
        if self.on_finish is not None:
            self.on_finish(ctx)
        else:
            ctx.resume()

    # -- the diagram -------------------------------------------------------------------------
    def mermaid(self) -> str:
        """A mermaid flowchart of the declared steps (kept beside the flow as <name>.mmd)."""
        lines = ["flowchart TD", f"    start(({self.name})) --> {self.steps[0].name}"]
        for i, step in enumerate(self.steps):
            label = step.question
            lines.append(f'    {step.name}["{step.name}<br/><small>{label}</small>"]')
            if step.skip is not None:
                lines.append(
                    f"    {step.name} -. skipped when answered or not needed .-> next_{step.name}[ ]"
                )
            if isinstance(step.next, str):
                targets = [step.next]
            elif callable(step.next):
                targets = list(getattr(step.next, "targets", ()))
            else:
                targets = [self.steps[i + 1].name if i + 1 < len(self.steps) else FINISH]
            for target in targets:
                lines.append(f"    {step.name} --> {'finish' if target == FINISH else target}")
        lines.append("    finish((done))")
        return "\n".join(line for line in lines if "next_" not in line) + "\n"


def read_choice(
    ctx: Context,
    here: str,
    values: Sequence[str],
    labels: str,
    inbound: Inbound,
    *,
    multiple: bool = False,
    name: str = "",
    question: str = "",
) -> Any:
    """An option by button value, or what the company wrote, read by conversations/answers
    (its number as shown, its label, a word declared beside it; several when `multiple`).
    Raises Invalid when none is named, Ambiguous when two are where one was asked for."""
    if inbound.option is not None:
        if inbound.option_step not in (None, here) or inbound.option not in values:
            raise Invalid("core.invalid.stale_option")
        return [inbound.option] if multiple else inbound.option
    asked = choices.Question(
        tuple(values), labels, vocabulary_of(labels, name or here.rpartition(".")[2]), multiple, question
    )
    return choices.read(ctx.services.texts, ctx.lang, asked, inbound.text)


def targets(*names: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Mark a `next` function with the steps it may return, for the diagram."""

    def mark(function: Callable[..., str]) -> Callable[..., str]:
        function.targets = names  # type: ignore[attr-defined]
        return function

    return mark
