"""The application: collect, validate, confirm, submit, and produce the filled Excel form (issue 4).

Others may use: `application` (the form, named "application"), `register(registry)`, and the
sheet types a form writer lays out (`ApplicationSheet`, `SheetSection`, `SheetRow`).
"""

from conversations.application import blank
from conversations.application.document import ApplicationSheet, FormWriter, SheetRow, SheetSection
from conversations.application.form import application
from conversations.application.status import register as _register_commands
from conversations.registry import Registry

__all__ = ["ApplicationSheet", "FormWriter", "SheetRow", "SheetSection", "application", "register"]


def register(registry: Registry) -> None:
    """The application form, /apply, the fuller /status, and /form (the blank form)."""
    registry.add_flow(application)
    _register_commands(registry)
    blank.register(registry)
