"""Orchestration strategies: which agents a room has, who starts, who may hand off to whom.

A strategy is declarative. The Orchestrator applies it to a room: registers and attaches the
agents, equips them with the strategy's tools, installs its router and sets the initial
ConversationState. Subclass ``Orchestration`` for a strategy of your own.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from roomkit.application.ai.agent import Agent
from roomkit.application.delivery.router import EventRouter
from roomkit.application.orchestration.delegation import Delegations
from roomkit.application.orchestration.handoff import HandoffHandler, default_phase
from roomkit.application.orchestration.loop import ApproveOutputTool, LoopCycle, LoopRouter
from roomkit.application.orchestration.router import ConversationRouter
from roomkit.application.orchestration.supervisor import DelegateTaskTool
from roomkit.application.runtime import Runtime
from roomkit.domain.conversation import ConversationState
from roomkit.ports.tools import Tool


@dataclass(frozen=True, slots=True)
class OrchestrationServices:
    """What a strategy's tools and router may use."""

    runtime: Runtime
    handoffs: HandoffHandler
    delegations: Delegations
    broadcaster: EventRouter


class Orchestration(ABC):
    """A strategy: the room's agents, the first active one, and the allowed handoffs."""

    #: attached agents answer people, not each other (a Loop's pair does answer each other)
    agents_ignore_each_other = True

    def __init__(self, agents: Sequence[Agent]) -> None:
        if not agents:
            raise ValueError(f"{type(self).__name__} needs at least one agent")
        ids = [a.channel_id for a in agents]
        if len(set(ids)) != len(ids):
            raise ValueError(f"agent ids must be unique: {ids}")
        self.agents = list(agents)

    @property
    def initial_agent_id(self) -> str:
        return self.agents[0].channel_id

    @property
    def room_agents(self) -> list[Agent]:
        """The agents attached to the room (the others work elsewhere, e.g. in child rooms)."""
        return self.agents

    @abstractmethod
    def allowed_targets(self, from_agent_id: str) -> list[str]:
        """The agents ``from_agent_id`` may hand the conversation to."""

    def phase_for(self, to_agent_id: str, state: ConversationState) -> str:
        """The phase a handoff to ``to_agent_id`` enters."""
        return default_phase("", to_agent_id, state)

    def router(self, services: OrchestrationServices) -> ConversationRouter:
        """Routes each human message to the active agent (the first one until a handoff)."""
        return ConversationRouter(
            default_agent_id=self.initial_agent_id,
            agents=[a.channel_id for a in self.room_agents],
        )

    def tools_for(self, agent: Agent, services: OrchestrationServices) -> list[Tool]:
        """Tools ``agent`` gets besides ``handoff_conversation``."""
        return []

    def chain_depth_needed(self, kit_limit: int) -> int:
        """The reply-chain limit this strategy's rooms need, given the kit's limit."""
        return kit_limit


class Pipeline(Orchestration):
    """A linear chain (triage -> handler -> resolver): each agent hands off to the next only."""

    def allowed_targets(self, from_agent_id: str) -> list[str]:
        ids = [a.channel_id for a in self.agents]
        position = ids.index(from_agent_id) if from_agent_id in ids else -1
        return ids[position + 1 : position + 2] if position >= 0 else []


class Swarm(Orchestration):
    """Any agent may hand off to any other."""

    def allowed_targets(self, from_agent_id: str) -> list[str]:
        ids = [a.channel_id for a in self.agents]
        return [i for i in ids if i != from_agent_id] if from_agent_id in ids else []


class Supervisor(Orchestration):
    """The supervisor talks to people; it gives tasks to workers, each in a child room, with
    the ``delegate_task`` tool, and answers with their results."""

    def __init__(self, supervisor: Agent, workers: Sequence[Agent]) -> None:
        if not workers:
            raise ValueError("Supervisor needs at least one worker")
        super().__init__([supervisor, *workers])
        self.supervisor = supervisor
        self.workers = list(workers)

    @property
    def room_agents(self) -> list[Agent]:
        return [self.supervisor]

    def allowed_targets(self, from_agent_id: str) -> list[str]:
        return []

    def tools_for(self, agent: Agent, services: OrchestrationServices) -> list[Tool]:
        if agent is not self.supervisor:
            return []
        return [DelegateTaskTool(services.delegations, self.workers)]


class Loop(Orchestration):
    """A producer writes, a reviewer reviews; the reviewer's feedback goes back to the producer
    until the reviewer calls ``approve_output`` or ``max_iterations`` drafts were reviewed.
    ``show_drafts=False`` keeps drafts and reviews between the two agents and delivers only the
    final draft to the room's other channels."""

    agents_ignore_each_other = False

    def __init__(
        self, agent: Agent, reviewer: Agent, max_iterations: int = 3, *, show_drafts: bool = True
    ) -> None:
        if max_iterations < 1:
            raise ValueError(f"Loop max_iterations must be at least 1, got {max_iterations}")
        super().__init__([agent, reviewer])
        self.producer = agent
        self.reviewer = reviewer
        self.max_iterations = max_iterations
        self.show_drafts = show_drafts

    def cycle(self, services: OrchestrationServices) -> LoopCycle:
        """The cycle bookkeeping of this strategy in one kit (its state lives in the rooms)."""
        return LoopCycle(self, services.runtime, services.broadcaster)

    def allowed_targets(self, from_agent_id: str) -> list[str]:
        return []

    def router(self, services: OrchestrationServices) -> ConversationRouter:
        return LoopRouter(self.cycle(services))

    def tools_for(self, agent: Agent, services: OrchestrationServices) -> list[Tool]:
        if agent is not self.reviewer:
            return []
        return [ApproveOutputTool(self.cycle(services))]

    def chain_depth_needed(self, kit_limit: int) -> int:
        # every iteration is two chained replies (a draft, then its review)
        return max(kit_limit, 2 * self.max_iterations)
