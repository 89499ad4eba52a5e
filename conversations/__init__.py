"""The channel-neutral dialog core. Channels import from here; this package imports no channel."""

from conversations import commands, faq, menu
from conversations.answers import words
from conversations.context import Context, Services
from conversations.eligibility import register as register_eligibility
from conversations.engine import Admit, Dialog, Refused, UserKey
from conversations.events import FileRef, Inbound, Option, Outbound, Reply
from conversations.flow import FINISH, HANDLED, Form, Invalid, Step
from conversations.i18n import LANGUAGES, Texts, detect_language, normalise_language
from conversations.registry import Registry

__all__ = [
    "FINISH",
    "HANDLED",
    "LANGUAGES",
    "Admit",
    "Context",
    "Dialog",
    "FileRef",
    "Form",
    "Inbound",
    "Invalid",
    "Option",
    "Outbound",
    "Refused",
    "Registry",
    "Reply",
    "Services",
    "Step",
    "Texts",
    "UserKey",
    "build_registry",
    "detect_language",
    "normalise_language",
]


def build_registry() -> Registry:
    """Every flow and command the bot offers. A feature adds its `register(registry)` call here."""
    registry = Registry()
    menu.register(registry)
    commands.register(registry)
    from conversations import application

    register_eligibility(registry)
    application.register(registry)
    faq.register(registry)
    from conversations import staff

    staff.register(registry)
    from conversations import broadcast_cmd  # issue 8: staff-only /broadcast

    broadcast_cmd.register(registry)
    registry.check()  # a name nobody registers is an error now, not a fallback later
    words.check(  # and so is a word declared for an option no question offers
        words.offered(
            (step.labels, step.name, step.options)
            for flow in registry.flows.values()
            if isinstance(flow, Form)
            for step in flow.steps
            if step.options and not callable(step.options)
        )
    )
    return registry
