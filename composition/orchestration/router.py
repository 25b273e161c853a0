"""Routing each message to the agent that should answer it."""

from roomkit.application.orchestration.router import (
    ConversationRouter,
    RoutingConditions,
    RoutingRule,
)
from roomkit.domain.conversation import ConversationState

__all__ = ["ConversationRouter", "ConversationState", "RoutingConditions", "RoutingRule"]
