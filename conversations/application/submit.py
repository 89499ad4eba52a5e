"""Submission after the explicit confirm: the intake rules under the programme's lock, the
reference number, status `submitted` with its history row, and the filled form offered."""

from __future__ import annotations

import logging

from conversations.application import check, consent, drafts, intake
from conversations.application.common import actor, to_menu, zone
from conversations.application.document import produce
from conversations.context import Context
from conversations.events import Outbound
from storage import applications as store
from storage.intake import lock_intake

log = logging.getLogger(__name__)


def reference_for(prefix: str, number: int) -> str:
    """The company's reference: the programme's prefix and a 4-digit number, e.g. JM25-0042."""
    return f"{prefix}-{number:04d}"


def submit(ctx: Context) -> None:
    programme = ctx.programme
    draft = store.draft_for_user(ctx.conn, ctx.user.id, programme.id)
    if draft is None:
        first = store.submitted_for_user(ctx.conn, ctx.user.id, programme.id)
        if first is not None:
            intake.tell_existing(ctx, first, same_user=True)
        to_menu(ctx)
        return
    judged = check.whole_check(ctx.answers, programme)  # the whole application, from its final answers
    ctx.answers["eligibility_verdict"] = judged.verdict
    if not judged.ok:
        log.info("submission held by the whole check", extra={"application_id": draft.id})
        from conversations.application.form import show_fix

        show_fix(ctx)
        return
    last = lock_intake(ctx.conn, programme.id, ctx.now)  # held until this step commits
    refused = intake.refusal(ctx)
    if refused is not None:
        intake.say(ctx, refused)
        log.info("submission refused", extra={"application_id": draft.id, "reason": refused.key})
        to_menu(ctx)
        return
    first = store.first_for_company(ctx.conn, programme.id, ctx.answers["corporate_number"])
    if first is not None:
        intake.tell_existing(ctx, first, same_user=first.user_id == ctx.user.id)
        to_menu(ctx)
        return
    number = last + 1
    reference = reference_for(programme.reference_prefix, number)
    meta = {
        "language": ctx.lang,
        "channel": ctx.user.channel,
        "eligibility_verdict": judged.verdict,
        "consent": consent.summary(ctx.answers),
    }
    drafts.save(ctx)  # the row's track, corporate number and company name as last answered
    store.submit(
        ctx.conn,
        application_id=draft.id,
        programme=programme.id,
        number=number,
        reference=reference,
        data=drafts.collect(ctx.answers),
        meta=meta,
        actor=actor(ctx),
        now=ctx.now,
    )
    log.info("application submitted", extra={"reference": reference, "application_id": draft.id})
    document = produce(ctx, application_id=draft.id, reference=reference, zone=zone(ctx))
    text = ctx.t("application.submitted", reference=reference, document=document is not None)
    ctx.send(Outbound(text, document=document))
    ctx.say("application.next.submitted", reference=reference)
    to_menu(ctx)
