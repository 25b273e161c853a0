"""The ConversationStore port."""

from roomkit.ports.store import ConversationStore

__all__ = ["ConversationStore"]
