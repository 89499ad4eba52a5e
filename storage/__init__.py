"""Storage: the models, the migrations and the only code that speaks SQL."""

from storage.db import Transactions, make_engine, upgrade
from storage.models import (
    Application,
    Base,
    Broadcast,
    ConversationState,
    Delivery,
    Enquiry,
    InboundKey,
    KeyValue,
    StatusChange,
    StoredFile,
    User,
)

__all__ = [
    "Application",
    "Base",
    "Broadcast",
    "ConversationState",
    "Delivery",
    "Enquiry",
    "InboundKey",
    "KeyValue",
    "StatusChange",
    "StoredFile",
    "Transactions",
    "User",
    "make_engine",
    "upgrade",
]
