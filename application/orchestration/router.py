"""ConversationRouter: which agent answers an event, decided before the broadcast.

The router runs as a BEFORE_BROADCAST hook and stamps the chosen agent on the event; the
broadcast then hands the event to that agent (and to the supervisor) only. Selection order:
affinity to the active agent, rules by ascending priority, the default agent, each only if that
agent is attached to the room; when none applies no agent answers. Events written by
intelligence channels are never routed to an agent, so agents never answer each other. A
router governs only rooms where one of its agents is attached.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field

from roomkit.domain.base import Model, evolve
from roomkit.domain.context import RoomContext
from roomkit.domain.conversation import (
    ALWAYS_PROCESS_KEY,
    ROUTED_TO_KEY,
    ConversationState,
    get_conversation_state,
)
from roomkit.domain.enums import ChannelCategory, ChannelType, HookExecution, HookTrigger
from roomkit.domain.event import RoomEvent
from roomkit.domain.hooks import HookResult

if TYPE_CHECKING:
    from roomkit.application.ai.agent import Agent
    from roomkit.application.orchestration.handoff import HandoffHandler

RoutingPredicate = Callable[[RoomEvent, RoomContext, ConversationState], bool]
RouterHook = Callable[[RoomEvent, RoomContext], Awaitable[HookResult]]

ROUTER_HOOK_NAME = "roomkit.conversation_router"
ROUTER_HOOK_PRIORITY = -100


class RoutingConditions(Model):
    """Conditions of a rule, ANDed; a field left None does not constrain."""

    phases: set[str] | None = None
    channel_types: set[ChannelType] | None = None
    intents: set[str] | None = None
    source_channel_ids: set[str] | None = None
    custom: RoutingPredicate | None = None

    def matches(self, event: RoomEvent, context: RoomContext, state: ConversationState) -> bool:
        source = event.source
        if self.phases is not None and state.phase not in self.phases:
            return False
        if self.channel_types is not None and source.channel_type not in self.channel_types:
            return False
        if self.intents is not None and (event.metadata or {}).get("intent") not in self.intents:
            return False
        if self.source_channel_ids is not None and source.channel_id not in self.source_channel_ids:
            return False
        return self.custom is None or bool(self.custom(event, context, state))


class RoutingRule(Model):
    """Route to ``agent_id`` when ``conditions`` hold; lower ``priority`` is checked first."""

    agent_id: str
    conditions: RoutingConditions = Field(default_factory=RoutingConditions)
    priority: int = 0


class ConversationRouter:
    """Decides which agent answers each message in the rooms it governs."""

    def __init__(
        self,
        rules: Sequence[RoutingRule] = (),
        default_agent_id: str | None = None,
        supervisor_id: str | None = None,
        *,
        agents: Iterable[str] = (),
    ) -> None:
        """``agents``: further agents this router governs besides those its rules, default and
        supervisor name (the agents a handoff may give the conversation to)."""
        # sorted() is stable: rules of equal priority keep the order they were given in
        self.rules = sorted(rules, key=lambda r: r.priority)
        self.default_agent_id = default_agent_id
        self.supervisor_id = supervisor_id
        named = {r.agent_id for r in self.rules} | set(agents)
        named.update(a for a in (default_agent_id, supervisor_id) if a)
        self.agent_ids = frozenset(named)

    def governs(self, context: RoomContext) -> bool:
        """A router governs the rooms where one of its agents is attached; elsewhere (a room
        of other agents, a delegated task) it leaves events alone."""
        agents = self.agent_ids
        return any(b.channel_id in agents for b in context.bindings)

    def select_agent(
        self,
        event: RoomEvent,
        context: RoomContext,
        state: ConversationState | None = None,
    ) -> str | None:
        """The attached agent that should answer ``event``: the active agent, else the first
        matching rule (by priority) whose agent is in the room, else the default agent. None
        for events from intelligence channels and when no attached agent is chosen."""
        if is_from_intelligence(event, context):
            return None
        if state is None:
            state = get_conversation_state(context.room)
        attached = {b.channel_id for b in context.bindings}
        active = state.active_agent_id
        if active is not None and active in attached:
            return active
        for rule in self.rules:
            if rule.agent_id in attached and rule.conditions.matches(event, context, state):
                return rule.agent_id
        default = self.default_agent_id
        return default if default in attached else None

    def stamp(self, event: RoomEvent, agent_id: str | None) -> RoomEvent:
        """``event`` with the routing metadata the broadcast obeys (None: no agent answers;
        the supervisor, if any, still sees it)."""
        metadata: dict[str, Any] = {**(event.metadata or {}), ROUTED_TO_KEY: agent_id}
        if self.supervisor_id and self.supervisor_id != agent_id:
            metadata[ALWAYS_PROCESS_KEY] = [self.supervisor_id]
        return evolve(event, metadata=metadata)

    def as_hook(self) -> RouterHook:
        """A BEFORE_BROADCAST hook (run it SYNC, before other hooks that read the stamp)."""

        async def conversation_router(event: RoomEvent, context: RoomContext) -> HookResult:
            if not self.governs(context):
                return HookResult.allow()
            if is_from_intelligence(event, context):
                # an agent's reply is answered by no agent: agents never answer each other
                return HookResult.modify(stamp_nobody(event))
            return HookResult.modify(self.stamp(event, self.select_agent(event, context)))

        return conversation_router

    def install(
        self,
        kit: Any,
        agents: Iterable[Agent] = (),
        *,
        handler: HandoffHandler | None = None,
        hook_priority: int = ROUTER_HOOK_PRIORITY,
    ) -> HandoffHandler:
        """Register ``agents`` with ``kit`` (when they are not yet), install the routing hook,
        give each agent the ``handoff_conversation`` tool, and return the HandoffHandler that
        performs the handoffs (by default any of ``agents`` may hand off to any other)."""
        from roomkit.application.orchestration.handoff import HandoffHandler

        agent_list = list(agents)
        ids = [a.channel_id for a in agent_list]
        if handler is None:
            handler = HandoffHandler(
                kit.runtime,
                lambda _room, from_agent: (
                    [i for i in ids if i != from_agent] if from_agent in ids else []
                ),
            )
        for agent in agent_list:
            if kit.runtime.channels.get(agent.channel_id) is not agent:
                kit.register_channel(agent)
            targets = handler.allowed_targets("", agent.channel_id)
            if targets:
                handler.equip(agent, targets)
        kit.hook(
            HookTrigger.BEFORE_BROADCAST,
            execution=HookExecution.SYNC,
            priority=hook_priority,
            name=ROUTER_HOOK_NAME,
        )(self.as_hook())
        return handler


def stamp_nobody(event: RoomEvent) -> RoomEvent:
    """``event`` routed to no intelligence channel."""
    return evolve(event, metadata={**(event.metadata or {}), ROUTED_TO_KEY: None})


def is_from_intelligence(event: RoomEvent, context: RoomContext) -> bool:
    """Whether an intelligence channel (an AI, an agent) wrote ``event``."""
    source = event.source
    if source.channel_type is ChannelType.AI:
        return True
    binding = context.get_binding(source.channel_id)
    return binding is not None and binding.category is ChannelCategory.INTELLIGENCE
