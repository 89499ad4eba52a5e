"""After submission: the status moves and their notices, the company's own steps (withdraw,
shipment, sales data) and the staff's chat commands (issue 7)."""

from conversations.registry import Registry
from conversations.staff import chat, company


def register(registry: Registry) -> None:
    company.register(registry)
    chat.register(registry)
