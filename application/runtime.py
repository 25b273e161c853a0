"""The services one RoomKit instance runs on, shared by its use cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from roomkit.application.framework_events import FrameworkEventBus
from roomkit.application.hooks.engine import HookEngine
from roomkit.application.policies.circuit_breaker import CircuitBreaker
from roomkit.application.policies.rate_limit import TokenBucketRateLimiter
from roomkit.application.room_lock import RoomHold
from roomkit.domain.base import assemble
from roomkit.domain.channel import RateLimit
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import ChannelType
from roomkit.domain.errors import ChannelNotRegisteredError, RoomNotFoundError
from roomkit.domain.room import Room
from roomkit.ports.channel import Channel
from roomkit.ports.clock import Clock
from roomkit.ports.identity import IdentityResolver
from roomkit.ports.locks import RoomLockManager
from roomkit.ports.realtime import RealtimeBackend
from roomkit.ports.routing import InboundRoomRouter
from roomkit.ports.store import ConversationStore, RoomSnapshot
from roomkit.ports.telemetry import TelemetryProvider
from roomkit.ports.transcoder import ContentTranscoder


@dataclass(frozen=True, slots=True)
class Settings:
    max_chain_depth: int = 5
    identity_timeout: float = 10.0
    process_timeout: float | None = 30.0
    delivery_timeout: float | None = 30.0
    identity_channel_types: frozenset[ChannelType] | None = None
    inbound_rate_limit: RateLimit | None = None
    context_event_limit: int = 10
    circuit_failure_threshold: int = 5
    circuit_recovery_timeout: float = 60.0


@dataclass
class Runtime:
    store: ConversationStore
    locks: RoomLockManager
    realtime: RealtimeBackend
    router: InboundRoomRouter
    transcoder: ContentTranscoder
    clock: Clock
    telemetry: TelemetryProvider
    identity_resolver: IdentityResolver | None = None
    settings: Settings = field(default_factory=Settings)
    hooks: HookEngine = field(default_factory=HookEngine)
    events: FrameworkEventBus = field(default_factory=FrameworkEventBus)
    channels: dict[str, Channel] = field(default_factory=dict)
    breakers: dict[str, CircuitBreaker] = field(default_factory=dict)
    limiters: dict[tuple[str, str], TokenBucketRateLimiter] = field(default_factory=dict)
    #: rooms whose strategy needs a longer reply chain than ``settings.max_chain_depth``
    chain_limits: dict[str, int] = field(default_factory=dict)
    #: which hold currently has each room's lock in this process (for re-entrant holding)
    lock_holders: dict[str, object] = field(default_factory=dict)

    def room_lock(self, room_id: str) -> RoomHold:
        """The room's lock; passes through for the task that already holds it."""
        return RoomHold(self.locks, self.lock_holders, room_id)

    def chain_limit(self, room_id: str) -> int:
        return self.chain_limits.get(room_id, self.settings.max_chain_depth)

    def channel(self, channel_id: str) -> Channel:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise ChannelNotRegisteredError(channel_id)
        return channel

    async def require_room(self, room_id: str) -> Room:
        room = await self.store.get_room(room_id)
        if room is None:
            raise RoomNotFoundError(room_id)
        return room

    async def snapshot_at(self, room_id: str, *, cached: bool = False) -> RoomSnapshot:
        """What a room's context is built from; ``cached`` allows a snapshot that lags other
        processes, which an append with its version then refuses (the inbound path, which
        re-checks and retries). A store may answer with the very snapshot it gave before
        while the room is unchanged."""
        limit = self.settings.context_event_limit
        store = self.store
        snapshot = await (
            store.cached_room_snapshot(room_id, limit)
            if cached
            else store.get_room_snapshot(room_id, limit)
        )
        if snapshot is None:
            raise RoomNotFoundError(room_id)
        return snapshot

    @staticmethod
    def context_of(snapshot: RoomSnapshot) -> RoomContext:
        return assemble(
            RoomContext,
            room=snapshot.room,
            bindings=snapshot.bindings,
            participants=snapshot.participants,
            recent_events=snapshot.recent_events,
        )

    async def context(self, room: Room | str) -> RoomContext:
        """Load a room's context once: room, bindings, participants, the newest events."""
        room_id = room if isinstance(room, str) else room.id
        snapshot = await self.store.get_room_snapshot(room_id, self.settings.context_event_limit)
        if snapshot is None:
            if isinstance(room, str):
                raise RoomNotFoundError(room_id)
            return assemble(RoomContext, room=room, bindings=[], participants=[], recent_events=[])
        return assemble(
            RoomContext,
            room=snapshot.room if isinstance(room, str) else room,
            bindings=snapshot.bindings,
            participants=snapshot.participants,
            recent_events=snapshot.recent_events,
        )

    def breaker(self, channel_id: str) -> CircuitBreaker:
        breaker = self.breakers.get(channel_id)
        if breaker is None:
            breaker = self.breakers[channel_id] = CircuitBreaker(
                self.settings.circuit_failure_threshold,
                self.settings.circuit_recovery_timeout,
                clock=self.clock.monotonic,
            )
        return breaker

    def limiter(self, room_id: str, channel_id: str, limit: RateLimit) -> TokenBucketRateLimiter:
        key = (room_id, channel_id)
        limiter = self.limiters.get(key)
        if limiter is None or limiter.limit != limit:
            limiter = self.limiters[key] = TokenBucketRateLimiter(limit, self.clock)
        return limiter
