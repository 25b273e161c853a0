"""Conversation state for multi-agent rooms, kept in ``Room.metadata["_conversation_state"]``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, utcnow
from roomkit.domain.room import Room

STATE_KEY = "_conversation_state"


class ConversationPhase:
    """Convenience phase names; any string is a valid phase."""

    INTAKE = "intake"
    QUALIFICATION = "qualification"
    HANDLING = "handling"
    ESCALATION = "escalation"
    RESOLUTION = "resolution"
    FOLLOWUP = "followup"


class PhaseTransition(Model):
    from_phase: str
    to_phase: str
    from_agent: str | None = None
    to_agent: str | None = None
    reason: str = ""
    timestamp: datetime = Field(default_factory=utcnow)
    metadata: dict[str, Any] = Field(default_factory=dict)


class ConversationState(Model):
    phase: str = ConversationPhase.INTAKE
    active_agent_id: str | None = None
    previous_agent_id: str | None = None
    handoff_count: int = 0
    phase_started_at: datetime = Field(default_factory=utcnow)
    phase_history: list[PhaseTransition] = Field(default_factory=list)
    context: dict[str, Any] = Field(default_factory=dict)

    def transition(
        self,
        to_phase: str | None = None,
        to_agent: str | None = None,
        reason: str = "",
        metadata: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> ConversationState:
        """A new state in ``to_phase`` (same phase if None) with ``to_agent`` active (same agent
        if None); the change is recorded in ``phase_history``; the handoff count grows when the
        agent changes."""
        moment = now or utcnow()
        phase = to_phase or self.phase
        agent = to_agent or self.active_agent_id
        changed_agent = agent != self.active_agent_id
        record = PhaseTransition(
            from_phase=self.phase,
            to_phase=phase,
            from_agent=self.active_agent_id,
            to_agent=agent,
            reason=reason,
            timestamp=moment,
            metadata=dict(metadata or {}),
        )
        return self.model_copy(
            update={
                "phase": phase,
                "active_agent_id": agent,
                "previous_agent_id": self.active_agent_id
                if changed_agent
                else self.previous_agent_id,
                "handoff_count": self.handoff_count + (1 if changed_agent else 0),
                "phase_started_at": moment if phase != self.phase else self.phase_started_at,
                "phase_history": [*self.phase_history, record],
            }
        )


def get_conversation_state(room: Room) -> ConversationState:
    """The room's state (a fresh one if the room has none yet)."""
    raw = room.metadata.get(STATE_KEY)
    if raw is None:
        return ConversationState()
    if isinstance(raw, ConversationState):
        return raw
    return ConversationState.model_validate(raw)


def set_conversation_state(room: Room, state: ConversationState) -> Room:
    """The room with ``state`` stored in its metadata (persist it with ``store.update_room``)."""
    metadata = {**room.metadata, STATE_KEY: state.model_dump(mode="json")}
    return room.model_copy(update={"metadata": metadata})


#: event metadata stamped by a conversation router: the agent that answers this event
ROUTED_TO_KEY = "_routed_to"
#: event metadata stamped by a conversation router: agents that see every event (supervisors)
ALWAYS_PROCESS_KEY = "_always_process"
#: event metadata: an exchange between agents that only intelligence channels receive
INTERNAL_KEY = "_internal"


def routed_agents(metadata: dict[str, Any]) -> frozenset[str] | None:
    """The intelligence channels a routed event may reach; None when it carries no routing
    stamp (every intelligence channel may). A stamp naming nobody routes to no agent."""
    if ROUTED_TO_KEY not in metadata:
        return None
    target = metadata[ROUTED_TO_KEY]
    observers = metadata.get(ALWAYS_PROCESS_KEY) or ()
    return frozenset([target, *observers] if target else observers)
