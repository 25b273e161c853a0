"""Multi-agent orchestration: strategies, routing, handoffs, delegation and the status bus."""

from roomkit.application.orchestration.delegation import DelegationResult
from roomkit.application.orchestration.handoff import HandoffHandler, HandoffResult
from roomkit.application.orchestration.pipeline import ConversationPipeline, PipelineStage
from roomkit.application.orchestration.router import (
    ConversationRouter,
    RoutingConditions,
    RoutingRule,
)
from roomkit.application.orchestration.status import StatusBus, StatusUpdate
from roomkit.application.orchestration.strategies import (
    Loop,
    Orchestration,
    OrchestrationServices,
    Pipeline,
    Supervisor,
    Swarm,
)
from roomkit.domain.conversation import (
    ConversationPhase,
    ConversationState,
    PhaseTransition,
    get_conversation_state,
    set_conversation_state,
)

__all__ = [
    "ConversationPhase",
    "ConversationPipeline",
    "ConversationRouter",
    "ConversationState",
    "DelegationResult",
    "HandoffHandler",
    "HandoffResult",
    "Loop",
    "Orchestration",
    "OrchestrationServices",
    "PhaseTransition",
    "Pipeline",
    "PipelineStage",
    "RoutingConditions",
    "RoutingRule",
    "StatusBus",
    "StatusUpdate",
    "Supervisor",
    "Swarm",
    "get_conversation_state",
    "set_conversation_state",
]
