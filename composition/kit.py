"""RoomKit: the facade users hold. It composes the adapters and delegates to the use cases."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

from roomkit.application.ai.agent import Agent
from roomkit.application.bindings import ChannelBindings
from roomkit.application.delivery.fallback import Fallbacks
from roomkit.application.delivery.outbox import OutboxRecovery
from roomkit.application.delivery.router import EventRouter
from roomkit.application.delivery.transcoder import DefaultContentTranscoder
from roomkit.application.delivery_status import DeliveryStatusTracker
from roomkit.application.hooks.engine import frozen_or_none
from roomkit.application.hooks.registration import DEFAULT_HOOK_TIMEOUT, HookRegistration
from roomkit.application.inbound.pipeline import InboundPipeline
from roomkit.application.inbound.steps.identity_hooks import identified_event
from roomkit.application.lifecycle import RoomLifecycle
from roomkit.application.orchestration.delegation import DelegationResult, Delegations
from roomkit.application.orchestration.handoff import HandoffHandler
from roomkit.application.orchestration.orchestrator import Orchestrator
from roomkit.application.orchestration.status import StatusBus
from roomkit.application.orchestration.strategies import Orchestration
from roomkit.application.realtime import RealtimeEvents
from roomkit.application.realtime_voice.calls import Calls
from roomkit.application.realtime_voice.sessions import RealtimeVoiceSessions
from roomkit.application.runtime import Runtime, Settings
from roomkit.application.sources import RestartPolicy, SourceSupervisor
from roomkit.application.timeline import read_timeline
from roomkit.application.voice import sessions as voice_sessions
from roomkit.application.voice.sessions import VoiceSessions
from roomkit.application.webhooks import WebhookIntake
from roomkit.domain.channel import ChannelBinding, ChannelCapabilities, RateLimit, RetryPolicy
from roomkit.domain.content import EventContent
from roomkit.domain.context import RoomContext
from roomkit.domain.conversation import get_conversation_state
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.enums import (
    Access,
    ChannelCategory,
    ChannelDirection,
    ChannelType,
    EphemeralEventType,
    EventType,
    HookExecution,
    HookTrigger,
    IdentificationStatus,
)
from roomkit.domain.errors import (
    ChannelNotFoundError,
    IdentityNotFoundError,
    ParticipantNotFoundError,
    RoomKitError,
)
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.fallback import FallbackPolicy, PendingFallback
from roomkit.domain.inbound import InboundMessage, InboundResult
from roomkit.domain.outbox import OutboxEntry, OutboxState
from roomkit.domain.participant import Participant
from roomkit.domain.realtime import EphemeralEvent
from roomkit.domain.room import Room, RoomTimers
from roomkit.domain.sources import SourceHealth
from roomkit.domain.tasks import Observation
from roomkit.domain.voice import AudioFrame, TranscriptionResult, VoiceSession
from roomkit.domain.webhook import WebhookOutcome
from roomkit.logging import configure_logging
from roomkit.plugins.builtin.cli import CLIChannel
from roomkit.plugins.registry import Registry, default_registry
from roomkit.ports.channel import Channel
from roomkit.ports.identity import IdentityResolver
from roomkit.ports.realtime import EphemeralCallback
from roomkit.ports.sources import SourceProvider
from roomkit.ports.store import ConversationStore
from roomkit.ports.transcoder import ContentTranscoder

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

DELEGATOR = "roomkit-delegator"  # the channel tasks arrive through in child rooms

IDENTITY_TRIGGERS = frozenset({HookTrigger.ON_IDENTITY_AMBIGUOUS, HookTrigger.ON_IDENTITY_UNKNOWN})


class RoomKit:
    """The central hub: rooms, channels, hooks, storage, realtime and the inbound pipeline.

    Every port takes an instance, a registered adapter name (``store="memory"``) or
    ``{"name": ..., "settings": {...}}``; ``None`` means the in-memory default.
    """

    def __init__(
        self,
        store: Any = None,
        identity_resolver: Any = None,
        identity_channel_types: Iterable[ChannelType] | None = None,
        inbound_router: Any = None,
        lock_manager: Any = None,
        realtime: Any = None,
        max_chain_depth: int = 5,
        identity_timeout: float = 10.0,
        process_timeout: float | None = 30.0,
        stt: Any = None,
        tts: Any = None,
        voice: Any = None,
        task_runner: Any = None,
        delivery_strategy: Any = None,
        status_bus: Any = None,
        telemetry: Any = None,
        inbound_rate_limit: RateLimit | None = None,
        orchestration: Any = None,
        *,
        delivery_timeout: float | None = 30.0,
        clock: Any = None,
        transcoder: ContentTranscoder | None = None,
        registry: Registry | None = None,
        fallback_check_interval: float = 5.0,
    ) -> None:
        if max_chain_depth < 0:
            raise ValueError("max_chain_depth must be >= 0")
        for label, seconds in (
            ("process_timeout", process_timeout),
            ("delivery_timeout", delivery_timeout),
        ):
            if seconds is not None and seconds <= 0:
                raise ValueError(f"{label} must be > 0 seconds or None, got {seconds}")
        if fallback_check_interval <= 0:
            raise ValueError(
                f"fallback_check_interval must be > 0 seconds, got {fallback_check_interval}"
            )
        configure_logging()
        from roomkit.container import build_container  # dependency-injector loads on first use

        self._registry = registry or default_registry()
        container = build_container(
            self._registry,
            {
                "store": store,
                "identity_resolver": identity_resolver,
                "inbound_router": inbound_router,
                "lock_manager": lock_manager,
                "realtime": realtime,
                "telemetry": telemetry,
                "clock": clock,
            },
        )
        self._container = container
        self._runtime = Runtime(
            store=container.store(),
            locks=container.lock_manager(),
            realtime=container.realtime(),
            router=container.inbound_router(),
            transcoder=transcoder or DefaultContentTranscoder(),
            clock=container.clock(),
            telemetry=container.telemetry(),
            identity_resolver=cast("IdentityResolver | None", container.identity_resolver()),
            settings=Settings(
                max_chain_depth=max_chain_depth,
                identity_timeout=identity_timeout,
                process_timeout=process_timeout,
                delivery_timeout=delivery_timeout,
                identity_channel_types=frozen_or_none(identity_channel_types),
                inbound_rate_limit=inbound_rate_limit,
            ),
        )
        self._router = EventRouter(self._runtime)
        self._pipeline = InboundPipeline(self._runtime, self._router)
        self._fallbacks = Fallbacks(self._runtime, self._pipeline, fallback_check_interval)
        self._router.fallbacks = self._fallbacks
        self._statuses = DeliveryStatusTracker(self._runtime, self._fallbacks)
        self._webhooks = WebhookIntake(self._runtime, self._pipeline, self._statuses)
        self._rooms = RoomLifecycle(self._runtime)
        self._bindings = ChannelBindings(self._runtime)
        self._realtime = RealtimeEvents(self._runtime)
        self._outbox = OutboxRecovery(self._runtime, self._pipeline)
        self._sources = SourceSupervisor(self._runtime, self._pipeline.process)
        self._voice = VoiceSessions(self._runtime, self._pipeline.process)
        self._calls = Calls(
            self._runtime,
            self._voice,
            RealtimeVoiceSessions(
                self._runtime, self._pipeline.process, self._pipeline.process_event
            ),
        )
        self.stt = stt
        self.tts = tts
        self.voice = voice
        self.task_runner = task_runner
        self.delivery_strategy = delivery_strategy
        self.status_bus: StatusBus = status_bus if status_bus is not None else StatusBus()
        self.orchestration = _strategy(orchestration)
        self._delegator: Channel | None = None
        self._delegations = Delegations(
            self._runtime,
            self._rooms,
            self._bindings,
            self._pipeline,
            self.status_bus,
            self._delegation_channel,
        )
        self._orchestrator = Orchestrator(
            self._runtime,
            self._bindings,
            self._delegations,
            self.status_bus,
            self._router,
            self.orchestration,
        )
        self._closed = False

    # construction from configuration -------------------------------------------------------
    @classmethod
    def from_config(cls, config: Mapping[str, Any] | str | Path) -> RoomKit:
        """Compose a kit from a mapping or a TOML file (see docs/configuration.md)."""
        from roomkit.settings import KitConfig

        parsed = KitConfig.load(config)
        kit = cls(**parsed.kit_kwargs())
        parsed.configure(kit)
        return kit

    # ports and internals -------------------------------------------------------------------
    @property
    def store(self) -> ConversationStore:
        return self._runtime.store

    @property
    def registry(self) -> Registry:
        return self._registry

    @property
    def channels(self) -> dict[str, Channel]:
        return dict(self._runtime.channels)

    @property
    def _transcoder(self) -> ContentTranscoder:
        return self._runtime.transcoder

    @_transcoder.setter
    def _transcoder(self, transcoder: ContentTranscoder) -> None:
        self._runtime.transcoder = transcoder

    @property
    def runtime(self) -> Runtime:
        return self._runtime

    # rooms ---------------------------------------------------------------------------------
    async def create_room(
        self,
        room_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        orchestration: Any = None,
        *,
        timers: RoomTimers | None = None,
        organization_id: str | None = None,
    ) -> Room:
        strategy = _strategy(orchestration) or self.orchestration
        room = await self._rooms.create(room_id, metadata, timers, organization_id)
        if strategy is not None:
            room = await self._orchestrator.start(room, strategy)
        return room

    async def get_room(self, room_id: str) -> Room:
        return await self._runtime.require_room(room_id)

    async def close_room(self, room_id: str) -> Room:
        room = await self._rooms.close(room_id)
        self._runtime.hooks.forget_room(room_id)
        self._orchestrator.forget(room_id)
        return room

    async def archive_room(self, room_id: str) -> Room:
        return await self._rooms.archive(room_id)

    async def update_room_metadata(self, room_id: str, metadata: dict[str, Any]) -> Room:
        return await self._rooms.update_metadata(room_id, metadata)

    async def set_room_timers(self, room_id: str, timers: RoomTimers) -> Room:
        return await self._rooms.set_timers(room_id, timers)

    async def check_room_timers(self, room_id: str) -> Room:
        return await self._rooms.check_timers(room_id)

    async def check_all_timers(self) -> list[Room]:
        return await self._rooms.check_all()

    async def get_room_context(self, room_id: str) -> RoomContext:
        return await self._runtime.context(room_id)

    # channels ------------------------------------------------------------------------------
    def register_channel(self, channel: Channel) -> None:
        self._bindings.register(channel)

    def get_channel(self, channel_id: str) -> Channel:
        return self._runtime.channel(channel_id)

    async def attach_channel(
        self,
        room_id: str,
        channel_id: str,
        category: ChannelCategory | None = None,
        access: Access = Access.READ_WRITE,
        metadata: dict[str, Any] | None = None,
        rate_limit: RateLimit | None = None,
        retry_policy: RetryPolicy | None = None,
        capabilities: ChannelCapabilities | None = None,
        *,
        direction: ChannelDirection | None = None,
        muted: bool = False,
        delivery_timeout: float | None = None,
        fallback: FallbackPolicy | None = None,
    ) -> ChannelBinding:
        return await self._bindings.attach(
            room_id,
            channel_id,
            category=category,
            access=access,
            metadata=metadata,
            rate_limit=rate_limit,
            retry_policy=retry_policy,
            capabilities=capabilities,
            direction=direction,
            muted=muted,
            delivery_timeout=delivery_timeout,
            fallback=fallback,
        )

    async def set_fallback(
        self, room_id: str, channel_id: str, policy: FallbackPolicy | None
    ) -> ChannelBinding:
        """Give an attached channel a fallback channel (None removes it); see docs/fallback.md."""
        return await self._bindings.set_fallback(room_id, channel_id, policy)

    async def detach_channel(self, room_id: str, channel_id: str) -> None:
        await self._bindings.detach(room_id, channel_id)

    async def get_binding(self, room_id: str, channel_id: str) -> ChannelBinding:
        return await self._bindings.get(room_id, channel_id)

    async def mute(self, room_id: str, channel_id: str) -> ChannelBinding:
        return await self._bindings.set_muted(room_id, channel_id, True)

    async def unmute(self, room_id: str, channel_id: str) -> ChannelBinding:
        return await self._bindings.set_muted(room_id, channel_id, False)

    async def mute_output(self, room_id: str, channel_id: str) -> ChannelBinding:
        return await self._bindings.update(room_id, channel_id, output_muted=True)

    async def unmute_output(self, room_id: str, channel_id: str) -> ChannelBinding:
        return await self._bindings.update(room_id, channel_id, output_muted=False)

    async def set_access(self, room_id: str, channel_id: str, access: Access) -> ChannelBinding:
        return await self._bindings.update(room_id, channel_id, access=Access(access))

    async def update_binding_metadata(
        self, room_id: str, channel_id: str, metadata: dict[str, Any]
    ) -> ChannelBinding:
        return await self._bindings.update_metadata(room_id, channel_id, metadata)

    # messages ------------------------------------------------------------------------------
    async def process_inbound(
        self, message: InboundMessage, room_id: str | None = None
    ) -> InboundResult:
        """Run the 11-step inbound pipeline, then the reentry loop of AI replies."""
        return await self._pipeline.process(message, room_id)

    async def send_event(
        self,
        room_id: str,
        channel_id: str,
        content: EventContent,
        *,
        event_type: EventType = EventType.MESSAGE,
        metadata: dict[str, Any] | None = None,
        participant_id: str | None = None,
        chain_depth: int = 0,
    ) -> RoomEvent:
        """Send content into a room as ``channel_id`` (hooks, store, broadcast, reentry)."""
        binding = await self._bindings.get(room_id, channel_id)
        event = RoomEvent(
            room_id=room_id,
            type=event_type,
            source=EventSource(
                channel_id=channel_id,
                channel_type=binding.channel_type,
                direction=ChannelDirection.OUTBOUND,
                participant_id=participant_id,
            ),
            content=content,
            metadata=dict(metadata or {}),
            chain_depth=chain_depth,
        )
        result = await self._pipeline.process_event(event)
        assert result.event is not None
        return result.event

    async def send_greeting(
        self,
        room_id: str,
        channel_id: str | None = None,
        greeting: str | None = None,
        *,
        session: VoiceSession | None = None,
    ) -> RoomEvent:
        """Send an Agent's greeting (or ``greeting``) into the room from that agent; without
        ``channel_id``, the agent that has the conversation in an orchestrated room goes first.
        With a voice ``session``, the greeting is spoken to that caller."""
        from roomkit.domain.content import TextContent

        if session is not None:
            named = self._runtime.channels.get(channel_id or session.channel_id)
            text = greeting or getattr(named, "greeting", None)
            if not text:
                raise ValueError("no greeting to speak: pass greeting=... or an Agent's channel id")
            return await self._voice.greet(session, text)
        room = await self._runtime.require_room(room_id)
        active = get_conversation_state(room).active_agent_id
        bindings = sorted(
            await self.store.list_bindings(room_id), key=lambda b: b.channel_id != active
        )
        agents = [
            self._runtime.channels[b.channel_id]
            for b in bindings
            if b.channel_id in self._runtime.channels
            and (channel_id is None or b.channel_id == channel_id)
        ]
        for channel in agents:
            text = greeting or (channel.greeting if isinstance(channel, Agent) else None)
            if text:
                return await self.send_event(room_id, channel.channel_id, TextContent(body=text))
        raise ChannelNotFoundError(channel_id or "<agent with a greeting>", room_id)

    async def get_timeline(
        self, room_id: str, offset: int = 0, limit: int = 50, *, newest_first: bool = False
    ) -> list[RoomEvent]:
        """The oldest ``limit`` events by default; ``newest_first=True`` for the latest ones."""
        return await read_timeline(
            self._runtime, room_id, offset=offset, limit=limit, newest_first=newest_first
        )

    async def mark_read(self, room_id: str, channel_id: str, event_id: str) -> None:
        await self._bindings.get(room_id, channel_id)
        await self.store.mark_read(room_id, channel_id, event_id)

    async def mark_all_read(self, room_id: str, channel_id: str) -> None:
        await self._bindings.get(room_id, channel_id)
        await self.store.mark_all_read(room_id, channel_id)

    async def get_unread_count(self, room_id: str, channel_id: str) -> int:
        return await self.store.get_unread_count(room_id, channel_id)

    # delivery outbox -----------------------------------------------------------------------
    async def recover_deliveries(self, older_than: float = 30.0, limit: int = 1000) -> int:
        """Deliver outbox entries still pending ``older_than`` seconds after their event was
        stored: what a process that died mid-broadcast left behind. Call it at startup (and
        periodically); returns how many were attempted. Channels see the same event id again,
        so they can deduplicate (at-least-once delivery)."""
        return await self._outbox.recover(older_than, limit)

    async def redeliver(self, event_id: str, channel_id: str) -> bool:
        """Send a stored event to one channel again (a dead letter, say); True if delivered."""
        return await self._outbox.redeliver(event_id, channel_id)

    async def check_fallbacks(self, limit: int = 100) -> int:
        """Fire the fallbacks whose deadline has passed on the kit's clock; how many fired. A
        background task started with the kit calls it every ``fallback_check_interval``."""
        return await self._fallbacks.check(limit)

    async def list_fallbacks(
        self, room_id: str, event_id: str | None = None
    ) -> list[PendingFallback]:
        """A room's fallback records (pending, fired, settled or dropped)."""
        return await self.store.list_fallbacks(room_id, event_id)

    async def list_dead_letters(self, room_id: str | None = None) -> list[OutboxEntry]:
        """Deliveries that failed past their retry policy (durable stores)."""
        return await self.store.list_outbox(OutboxState.DEAD, room_id=room_id)

    # hooks ---------------------------------------------------------------------------------
    def hook(
        self,
        trigger: HookTrigger,
        execution: HookExecution | None = None,
        priority: int = 0,
        name: str | None = None,
        channel_types: Iterable[ChannelType] | None = None,
        channel_ids: Iterable[str] | None = None,
        directions: Iterable[ChannelDirection] | None = None,
        timeout: float | None = DEFAULT_HOOK_TIMEOUT,
        *,
        fail_closed: bool = False,
    ) -> Callable[[F], F]:
        """Register a global hook. ``execution`` defaults to the trigger's documented mode; a
        sync hook with ``fail_closed=True`` blocks the event when it fails."""

        def decorator(fn: F) -> F:
            self._runtime.hooks.add(
                _registration(
                    trigger,
                    fn,
                    execution,
                    priority,
                    name,
                    channel_types,
                    channel_ids,
                    directions,
                    timeout,
                    None,
                    fail_closed,
                )
            )
            return fn

        return decorator

    def identity_hook(
        self,
        trigger: HookTrigger,
        priority: int = 0,
        name: str | None = None,
        channel_types: Iterable[ChannelType] | None = None,
        channel_ids: Iterable[str] | None = None,
        timeout: float | None = DEFAULT_HOOK_TIMEOUT,
    ) -> Callable[[F], F]:
        """Register an identity hook: ``(event, ctx) -> IdentityHookResult | None``."""
        if HookTrigger(trigger) not in IDENTITY_TRIGGERS:
            raise ValueError(
                f"identity hooks use ON_IDENTITY_AMBIGUOUS or ON_IDENTITY_UNKNOWN, not {trigger}"
            )
        return self.hook(
            trigger, HookExecution.SYNC, priority, name, channel_types, channel_ids, None, timeout
        )

    def on(self, event_type: str) -> Callable[[F], F]:
        """Listen to a framework event (``room_created``, ``channel_connected``, ...)."""
        self._runtime.events.check(event_type)

        def decorator(fn: F) -> F:
            self._runtime.events.on(event_type, fn)
            return fn

        return decorator

    def on_delivery_status(self, fn: F) -> F:
        """Register ``fn(status)`` for provider delivery reports."""
        self._runtime.hooks.add(
            _registration(
                HookTrigger.ON_DELIVERY_STATUS,
                fn,
                HookExecution.ASYNC,
                0,
                None,
                None,
                None,
                None,
                DEFAULT_HOOK_TIMEOUT,
                None,
            )
        )
        return fn

    async def process_delivery_status(self, status: DeliveryStatus) -> DeliveryStatus:
        """Record a provider's delivery report (tied to its room and event when the send is
        known) and hand it to delivery-status hooks; a failed one is recorded like a failed send."""
        return await self._statuses.process(status)

    async def add_room_hook(
        self,
        room_id: str,
        trigger: HookTrigger,
        execution: HookExecution,
        fn: Callable[..., Awaitable[Any]],
        name: str | None = None,
        priority: int = 0,
        channel_types: Iterable[ChannelType] | None = None,
        channel_ids: Iterable[str] | None = None,
        directions: Iterable[ChannelDirection] | None = None,
        timeout: float | None = DEFAULT_HOOK_TIMEOUT,  # noqa: ASYNC109 - the hook's timeout
        *,
        fail_closed: bool = False,
    ) -> None:
        await self._runtime.require_room(room_id)
        self._runtime.hooks.add(
            _registration(
                trigger,
                fn,
                execution,
                priority,
                name,
                channel_types,
                channel_ids,
                directions,
                timeout,
                room_id,
                fail_closed,
            )
        )

    async def remove_room_hook(self, room_id: str, name: str) -> None:
        self._runtime.hooks.remove_room_hook(room_id, name)

    # identity ------------------------------------------------------------------------------
    async def resolve_participant(
        self, room_id: str, participant_id: str, identity_id: str
    ) -> Participant:
        """Identify a pending participant as a known identity (fires ON_PARTICIPANT_IDENTIFIED)."""
        store = self.store
        room = await self._runtime.require_room(room_id)
        participant = await store.get_participant(room_id, participant_id)
        if participant is None:
            raise ParticipantNotFoundError(participant_id, room_id)
        identity = await store.get_identity(identity_id)
        if identity is None:
            raise IdentityNotFoundError(identity_id)
        participant = await store.update_participant(
            participant.model_copy(
                update={
                    "identification": IdentificationStatus.IDENTIFIED,
                    "identity_id": identity.id,
                    "display_name": identity.display_name or participant.display_name,
                    "candidates": [],
                }
            )
        )
        context = await self._runtime.context(room)
        await self._runtime.hooks.run_async(
            HookTrigger.ON_PARTICIPANT_IDENTIFIED, identified_event(room_id, participant), context
        )
        return participant

    # feedback ------------------------------------------------------------------------------
    async def submit_feedback(
        self,
        room_id: str,
        *,
        rating: float | None = None,
        comment: str | None = None,
        event_id: str | None = None,
        participant_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Observation:
        """Record quality feedback as an Observation and fire ON_FEEDBACK ``(observation, ctx)``.

        ``rating`` is between 0 and 1; ``event_id`` names the event the feedback is about.
        """
        context = await self._runtime.context(room_id)
        if event_id is not None and await self.store.get_event(event_id) is None:
            raise RoomKitError(f"event {event_id!r} does not exist")
        observation = Observation(
            room_id=room_id,
            category="feedback",
            content=comment or "",
            confidence=rating,
            metadata={
                **(metadata or {}),
                "event_id": event_id,
                "participant_id": participant_id,
                "rating": rating,
            },
            created_at=self._runtime.clock.now(),
        )
        await self.store.add_observation(observation)
        await self._runtime.hooks.run_async(HookTrigger.ON_FEEDBACK, observation, context)
        return observation

    # realtime ------------------------------------------------------------------------------
    async def publish_typing(self, room_id: str, user_id: str, is_typing: bool = True) -> None:
        await self._realtime.typing(room_id, user_id, is_typing)

    async def publish_presence(self, room_id: str, user_id: str, status: str) -> None:
        await self._realtime.presence(room_id, user_id, status)

    async def publish_reaction(
        self, room_id: str, user_id: str, target_event_id: str, emoji: str
    ) -> None:
        await self._realtime.publish(
            room_id,
            EphemeralEventType.REACTION,
            user_id,
            {"target_event_id": target_event_id, "emoji": emoji},
        )

    async def publish_read_receipt(self, room_id: str, user_id: str, event_id: str) -> None:
        await self._realtime.publish(
            room_id, EphemeralEventType.READ_RECEIPT, user_id, {"event_id": event_id}
        )

    async def publish_tool_call(
        self,
        room_id: str,
        channel_id: str,
        tool_calls: list[dict[str, Any]],
        event_type: EphemeralEventType = EphemeralEventType.TOOL_CALL_START,
        **data: Any,
    ) -> None:
        if event_type not in (EphemeralEventType.TOOL_CALL_START, EphemeralEventType.TOOL_CALL_END):
            raise ValueError(
                f"publish_tool_call takes TOOL_CALL_START or TOOL_CALL_END, not {event_type}"
            )
        await self._realtime.publish(
            room_id,
            event_type,
            channel_id,
            {"tool_calls": tool_calls, "channel_id": channel_id, **data},
            channel_id=channel_id,
        )

    async def publish_event(
        self, room_id: str, user_id: str, data: dict[str, Any] | None = None
    ) -> EphemeralEvent:
        """Publish a CUSTOM ephemeral event."""
        return await self._realtime.publish(room_id, EphemeralEventType.CUSTOM, user_id, data)

    async def subscribe_room(self, room_id: str, callback: EphemeralCallback) -> str:
        return await self._realtime.subscribe(room_id, callback)

    async def unsubscribe_room(self, subscription_id: str) -> bool:
        return await self._realtime.unsubscribe(subscription_id)

    # websocket -----------------------------------------------------------------------------
    async def connect_websocket(
        self,
        channel_id: str,
        connection_id: str,
        send_fn: Callable[[str, RoomEvent], Awaitable[None]],
        stream_send_fn: Callable[[str, Any], Awaitable[None]] | None = None,
        *,
        room_id: str | None = None,
        participant_id: str | None = None,
    ) -> None:
        """Register a connection; with ``room_id`` it receives only that room's events."""
        channel = self._runtime.channel(channel_id)
        register = getattr(channel, "register_connection", None)
        if register is None:
            raise RoomKitError(f"channel {channel_id!r} is not a WebSocket channel")
        if room_id is not None:
            await self._runtime.require_room(room_id)
        register(
            connection_id, send_fn, stream_send_fn, room_id=room_id, participant_id=participant_id
        )
        await self._runtime.events.emit(
            "channel_connected",
            channel_id=channel_id,
            connection_id=connection_id,
            room_id=room_id,
            participant_id=participant_id,
        )

    async def disconnect_websocket(self, channel_id: str, connection_id: str) -> None:
        channel = self._runtime.channel(channel_id)
        unregister = getattr(channel, "unregister_connection", None)
        if unregister is None:
            raise RoomKitError(f"channel {channel_id!r} is not a WebSocket channel")
        unregister(connection_id)
        await self._runtime.events.emit(
            "channel_disconnected", channel_id=channel_id, connection_id=connection_id
        )

    # voice ---------------------------------------------------------------------------------
    async def join(
        self,
        room_id: str,
        channel_id: str,
        participant_id: str | None = None,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        """Open a session for ``participant_id`` on a VoiceChannel or RealtimeVoiceChannel
        attached to the room."""
        return await self._calls.join(room_id, channel_id, participant_id, metadata=metadata)

    async def leave(self, session: VoiceSession) -> None:
        await self._calls.leave(session)

    async def transcribe(self, audio: AudioFrame | bytes) -> TranscriptionResult:
        """Speech to text with the kit's ``stt`` provider (bytes: mono 16-bit PCM at 16 kHz)."""
        return await voice_sessions.transcribe(self.stt, audio)

    async def synthesize(self, text: str, voice: str | None = None) -> AudioFrame:
        """Text to speech with the kit's ``tts`` provider, as one frame."""
        return await voice_sessions.synthesize(self.tts, text, voice)

    async def send_dtmf(self, session: VoiceSession, digit: str, duration_ms: int = 160) -> None:
        await self._voice.voice_channel(session.channel_id).send_dtmf(session, digit, duration_ms)

    # event sources -------------------------------------------------------------------------
    async def attach_source(
        self,
        channel_id: str,
        source: SourceProvider,
        auto_restart: bool = True,
        *,
        max_restarts: int = 5,
        restart_delay: float = 1.0,
        max_restart_delay: float = 30.0,
    ) -> None:
        """Read inbound messages from ``source`` as channel ``channel_id``, supervised."""
        policy = RestartPolicy(auto_restart, max_restarts, restart_delay, max_restart_delay)
        await self._sources.attach(channel_id, source, policy)

    async def detach_source(self, channel_id: str) -> None:
        await self._sources.detach(channel_id)

    def source_health(self, channel_id: str) -> SourceHealth:
        return self._sources.health(channel_id)

    async def delegate(
        self,
        room_id: str,
        agent_id: str,
        task: str,
        context: dict[str, Any] | None = None,
    ) -> DelegationResult:
        """Give ``task`` to the AI channel ``agent_id`` in a child room; its answer is posted back
        into ``room_id`` (from the agent, with the child room in the metadata) and returned."""
        from roomkit.domain.content import TextContent

        done = await self._delegations.run(room_id, agent_id, task, context)
        posted = await self._pipeline.process_event(
            RoomEvent(
                room_id=room_id,
                source=EventSource(
                    channel_id=agent_id,
                    channel_type=ChannelType.AI,
                    direction=ChannelDirection.OUTBOUND,
                ),
                content=TextContent(body=done.result or f"[no answer to the task: {task}]"),
                metadata={
                    "delegation": {
                        "task_id": done.task_id,
                        "child_room_id": done.child_room_id,
                        "task": task,
                    }
                },
            )
        )
        return done.model_copy(update={"event_id": posted.event.id if posted.event else None})

    @property
    def handoffs(self) -> HandoffHandler:
        """Performs handoffs in orchestrated rooms (what ``handoff_conversation`` calls)."""
        return self._orchestrator.handoffs

    def _delegation_channel(self) -> Channel:
        """The channel tasks arrive through in child rooms."""
        if self._delegator is None:
            self._delegator = CLIChannel(DELEGATOR, output=io.StringIO())
        return self._delegator

    async def process_webhook(self, meta: Any, channel_id: str) -> WebhookOutcome:
        """Authenticate ``meta`` ({method, url, headers, body}) with the channel's provider,
        parse it, then run its messages and delivery reports; WebhookError when refused."""
        return await self._webhooks.process(meta, channel_id)

    # shutdown ------------------------------------------------------------------------------
    async def close(self) -> None:
        """Close channels and adapters; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        rt = self._runtime
        await self._fallbacks.stop()
        await self._sources.close()
        await self._voice.end_all()
        for channel in list(rt.channels.values()):
            await channel.close()
            provider = getattr(channel, "provider", None)
            if provider is not None and hasattr(provider, "close"):
                await provider.close()
        await rt.realtime.close()
        await rt.locks.close()
        await rt.store.close()
        rt.telemetry.shutdown()

    async def __aenter__(self) -> RoomKit:
        self._fallbacks.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _registration(
    trigger: HookTrigger,
    fn: Callable[..., Awaitable[Any]],
    execution: HookExecution | None,
    priority: int,
    name: str | None,
    channel_types: Iterable[ChannelType] | None,
    channel_ids: Iterable[str] | None,
    directions: Iterable[ChannelDirection] | None,
    timeout: float | None,
    room_id: str | None,
    fail_closed: bool = False,
) -> HookRegistration:
    trigger = HookTrigger(trigger)
    if not callable(fn):
        raise TypeError(f"a hook must be a function, got {type(fn).__name__}")
    return HookRegistration(
        trigger=trigger,
        fn=fn,
        name=name or str(getattr(fn, "__name__", "hook")),
        execution=HookExecution(execution) if execution else trigger.default_execution,
        priority=priority,
        channel_types=frozen_or_none(channel_types),
        channel_ids=frozen_or_none(channel_ids),
        directions=frozen_or_none(directions),
        timeout=timeout,
        room_id=room_id,
        fail_closed=fail_closed,
    )


__all__ = ["RoomKit"]


def _strategy(orchestration: object) -> Orchestration | None:
    if orchestration is None or isinstance(orchestration, Orchestration):
        return orchestration
    raise TypeError(
        "orchestration must be an Orchestration strategy (Pipeline, Swarm, Supervisor, Loop "
        f"or a subclass of Orchestration), not {type(orchestration).__name__}"
    )
