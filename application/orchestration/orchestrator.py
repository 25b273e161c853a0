"""The Orchestrator applies strategies to rooms and routes their messages.

A kit-wide strategy (``RoomKit(orchestration=...)``) also covers rooms created by an earlier
process: any room carrying a ConversationState (and not a delegated task) is routed by it.
"""

from __future__ import annotations

from roomkit.application.ai.channel import IGNORE_AI_KEY
from roomkit.application.bindings import ChannelBindings
from roomkit.application.delivery.router import EventRouter
from roomkit.application.hooks.registration import HookRegistration
from roomkit.application.orchestration.delegation import PARENT_ROOM_KEY, Delegations
from roomkit.application.orchestration.handoff import HandoffHandler
from roomkit.application.orchestration.router import ROUTER_HOOK_PRIORITY, RouterHook
from roomkit.application.orchestration.status import StatusBus
from roomkit.application.orchestration.strategies import Orchestration, OrchestrationServices
from roomkit.application.runtime import Runtime
from roomkit.domain.context import RoomContext
from roomkit.domain.conversation import STATE_KEY, ConversationState, set_conversation_state
from roomkit.domain.enums import ChannelCategory, HookExecution, HookTrigger
from roomkit.domain.event import RoomEvent
from roomkit.domain.hooks import HookResult
from roomkit.domain.room import Room

ORCHESTRATION_HOOK = "roomkit.orchestration"


class Orchestrator:
    def __init__(
        self,
        runtime: Runtime,
        bindings: ChannelBindings,
        delegations: Delegations,
        status_bus: StatusBus,
        broadcaster: EventRouter,
        default: Orchestration | None = None,
    ) -> None:
        self._rt = runtime
        self._bindings = bindings
        self.default = default
        self.rooms: dict[str, Orchestration] = {}
        self.handoffs = HandoffHandler(runtime, self._targets, self._phase, status_bus)
        self.services = OrchestrationServices(runtime, self.handoffs, delegations, broadcaster)
        self._routers: dict[Orchestration, RouterHook] = {}
        self._hook_installed = False
        if default is not None:
            self.prepare(default)

    def strategy_for(self, room: Room) -> Orchestration | None:
        strategy = self.rooms.get(room.id)
        if strategy is None and self.default is not None and STATE_KEY in room.metadata:
            if PARENT_ROOM_KEY in room.metadata:
                return None
            strategy = self.rooms[room.id] = self.default
            self._set_chain_limit(room.id, strategy)
        return strategy

    def prepare(self, strategy: Orchestration) -> None:
        """Register the strategy's agents and equip them with its tools (once per strategy)."""
        if strategy in self._routers:
            return
        for agent in strategy.agents:
            self._bindings.register(agent)
            present = {getattr(t, "name", None) for t in agent.tools}
            for tool in strategy.tools_for(agent, self.services):
                if tool.name not in present:
                    agent.tools.append(tool)
            targets = strategy.allowed_targets(agent.channel_id)
            if targets:
                self.handoffs.equip(agent, targets)
        self._routers[strategy] = strategy.router(self.services).as_hook()
        if not self._hook_installed:
            self._rt.hooks.add(
                HookRegistration(
                    trigger=HookTrigger.BEFORE_BROADCAST,
                    fn=self.route,
                    name=ORCHESTRATION_HOOK,
                    execution=HookExecution.SYNC,
                    priority=ROUTER_HOOK_PRIORITY,
                    timeout=None,  # in-process decisions; the kit's process_timeout bounds it
                )
            )
            self._hook_installed = True

    async def start(self, room: Room, strategy: Orchestration) -> Room:
        """Attach the strategy's agents to ``room``, let only the first one answer, and set
        the initial ConversationState."""
        self.prepare(strategy)
        self.rooms[room.id] = strategy
        self._set_chain_limit(room.id, strategy)
        metadata = {IGNORE_AI_KEY: True} if strategy.agents_ignore_each_other else {}
        for agent in strategy.room_agents:
            await self._bindings.attach(
                room.id, agent.channel_id, category=ChannelCategory.INTELLIGENCE, metadata=metadata
            )
            if strategy.agents_ignore_each_other and agent.channel_id != strategy.initial_agent_id:
                await self._bindings.update(room.id, agent.channel_id, output_muted=True)
        state = ConversationState(
            active_agent_id=strategy.initial_agent_id, phase_started_at=self._rt.clock.now()
        )
        room = await self._rt.require_room(room.id)
        return await self._rt.store.update_room(set_conversation_state(room, state))

    async def route(self, event: RoomEvent, context: RoomContext) -> HookResult:
        """The BEFORE_BROADCAST hook: the room's strategy router decides who answers."""
        strategy = self.strategy_for(context.room)
        if strategy is None:
            return HookResult.allow()
        return await self._routers[strategy](event, context)

    def forget(self, room_id: str) -> None:
        self.rooms.pop(room_id, None)
        self._rt.chain_limits.pop(room_id, None)

    def _set_chain_limit(self, room_id: str, strategy: Orchestration) -> None:
        needed = strategy.chain_depth_needed(self._rt.settings.max_chain_depth)
        if needed != self._rt.settings.max_chain_depth:
            self._rt.chain_limits[room_id] = needed

    def _strategy_of(self, room_id: str) -> Orchestration | None:
        return self.rooms.get(room_id, self.default)

    def _targets(self, room_id: str, from_agent: str) -> list[str]:
        strategy = self._strategy_of(room_id)
        return strategy.allowed_targets(from_agent) if strategy is not None else []

    def _phase(self, room_id: str, to_agent: str, state: ConversationState) -> str:
        strategy = self._strategy_of(room_id)
        return strategy.phase_for(to_agent, state) if strategy is not None else state.phase
