"""Orchestration strategies: which agents a room has, who starts, who may hand off to whom."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from roomkit.application.ai.agent import Agent


class Orchestration(ABC):
    """A strategy: the room's agents, the first active one, and the allowed handoffs."""

    def __init__(self, agents: Sequence[Agent]) -> None:
        if not agents:
            raise ValueError("an orchestration needs at least one agent")
        ids = [a.channel_id for a in agents]
        if len(set(ids)) != len(ids):
            raise ValueError(f"agent ids must be unique: {ids}")
        self.agents = list(agents)

    @property
    def initial_agent_id(self) -> str:
        return self.agents[0].channel_id

    @abstractmethod
    def allowed_targets(self, from_agent_id: str) -> list[str]:
        """The agents ``from_agent_id`` may hand the conversation to."""


class Pipeline(Orchestration):
    """A linear chain (triage -> handler -> resolver): each agent hands off to the next only."""

    def allowed_targets(self, from_agent_id: str) -> list[str]:
        ids = [a.channel_id for a in self.agents]
        position = ids.index(from_agent_id) if from_agent_id in ids else -1
        return ids[position + 1 : position + 2] if position >= 0 else []


class Swarm(Orchestration):
    """Any agent may hand off to any other."""

    def allowed_targets(self, from_agent_id: str) -> list[str]:
        return [a.channel_id for a in self.agents if a.channel_id != from_agent_id]
