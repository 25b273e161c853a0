"""ConversationPipeline: explicit stages, each a phase with its agent and the phase after it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from roomkit.application.orchestration.handoff import HandoffHandler
from roomkit.application.orchestration.router import (
    ConversationRouter,
    RoutingConditions,
    RoutingRule,
)
from roomkit.domain.base import Model
from roomkit.domain.conversation import ConversationState

if TYPE_CHECKING:
    from roomkit.application.ai.agent import Agent


class PipelineStage(Model):
    phase: str
    agent_id: str
    next: str | None = None


class ConversationPipeline:
    """Stages in order; an agent may hand off only to the agent of its stage's ``next`` phase,
    and the handoff moves the conversation into that phase."""

    def __init__(self, stages: Sequence[PipelineStage]) -> None:
        if not stages:
            raise ValueError("a ConversationPipeline needs at least one stage")
        phases = [s.phase for s in stages]
        repeated = sorted({p for p in phases if phases.count(p) > 1})
        if repeated:
            raise ValueError(f"pipeline phases must be unique; repeated: {repeated}")
        for stage in stages:
            if stage.next is not None and stage.next not in phases:
                raise ValueError(
                    f"stage {stage.phase!r} names next={stage.next!r}, which is not a phase "
                    f"of this pipeline; phases: {phases}"
                )
        self.stages = list(stages)
        self._by_phase = {s.phase: s for s in self.stages}

    @property
    def first(self) -> PipelineStage:
        return self.stages[0]

    def stage(self, phase: str) -> PipelineStage | None:
        return self._by_phase.get(phase)

    def stages_of(self, agent_id: str) -> list[PipelineStage]:
        return [s for s in self.stages if s.agent_id == agent_id]

    def allowed_targets(self, from_agent_id: str) -> list[str]:
        """The agents of the phases after the stages ``from_agent_id`` works in."""
        targets: list[str] = []
        for stage in self.stages_of(from_agent_id):
            if stage.next is not None:
                agent = self._by_phase[stage.next].agent_id
                if agent != from_agent_id and agent not in targets:
                    targets.append(agent)
        return targets

    def phase_for(self, to_agent_id: str, state: ConversationState) -> str:
        """The phase a handoff to ``to_agent_id`` enters: the next phase of the current stage
        when that is the target's, else the target's first stage."""
        current = self.stage(state.phase)
        if current is not None and current.next is not None:
            following = self._by_phase[current.next]
            if following.agent_id == to_agent_id:
                return following.phase
        own = self.stages_of(to_agent_id)
        return own[0].phase if own else state.phase

    def initial_state(self, **fields: Any) -> ConversationState:
        """The state a room starts in: the first stage's phase and agent."""
        return ConversationState(
            phase=self.first.phase, active_agent_id=self.first.agent_id, **fields
        )

    def to_router(self, supervisor_id: str | None = None) -> ConversationRouter:
        """A router with one rule per stage (phase -> agent) and the first agent as default."""
        return ConversationRouter(
            rules=[
                RoutingRule(agent_id=s.agent_id, conditions=RoutingConditions(phases={s.phase}))
                for s in self.stages
            ],
            default_agent_id=self.first.agent_id,
            supervisor_id=supervisor_id,
        )

    def install(self, kit: Any, agents: Iterable[Agent] = ()) -> HandoffHandler:
        """Install the pipeline's router on ``kit`` and give ``agents`` the handoff tool
        towards their next stage; returns the HandoffHandler."""
        handler = HandoffHandler(
            kit.runtime,
            lambda _room, from_agent: self.allowed_targets(from_agent),
            lambda _room, to_agent, state: self.phase_for(to_agent, state),
        )
        return self.to_router().install(kit, agents, handler=handler)
