"""Agent: an AIChannel with a role, a description and a greeting, for multi-agent rooms."""

from __future__ import annotations

from typing import Any

from roomkit.application.ai.channel import AIChannel
from roomkit.ports.ai import AIProvider


class Agent(AIChannel):
    def __init__(
        self,
        channel_id: str,
        provider: AIProvider,
        *,
        role: str | None = None,
        description: str | None = None,
        greeting: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(channel_id, provider, **kwargs)
        self.role = role
        self.description = description
        self.greeting = greeting

    @property
    def info(self) -> dict[str, Any]:
        return {**super().info, "role": self.role, "description": self.description}
