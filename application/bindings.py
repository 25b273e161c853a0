"""Channels and their attachment to rooms: register, attach, detach, mute, access, metadata."""

from __future__ import annotations

from typing import Any

from roomkit.application.channel_runtime import KitChannelRuntime
from roomkit.application.delivery.fallback import check_policy
from roomkit.application.lifecycle import lifecycle_event
from roomkit.application.runtime import Runtime
from roomkit.domain.channel import ChannelBinding, ChannelCapabilities, RateLimit, RetryPolicy
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import Access, ChannelCategory, ChannelDirection, EventType, HookTrigger
from roomkit.domain.errors import (
    ChannelAlreadyRegisteredError,
    ChannelNotFoundError,
    FallbackPolicyError,
)
from roomkit.domain.fallback import FallbackPolicy
from roomkit.ports.channel import Channel


class ChannelBindings:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime
        self._channel_runtime = KitChannelRuntime(runtime)

    def register(self, channel: Channel) -> None:
        existing = self._rt.channels.get(channel.channel_id)
        if existing is channel:
            return
        if existing is not None:
            raise ChannelAlreadyRegisteredError(channel.channel_id)
        self._rt.channels[channel.channel_id] = channel
        channel.bind(self._channel_runtime)

    async def attach(
        self,
        room_id: str,
        channel_id: str,
        *,
        category: ChannelCategory | None = None,
        access: Access = Access.READ_WRITE,
        metadata: dict[str, Any] | None = None,
        rate_limit: RateLimit | None = None,
        retry_policy: RetryPolicy | None = None,
        capabilities: ChannelCapabilities | None = None,
        direction: ChannelDirection | None = None,
        muted: bool = False,
        delivery_timeout: float | None = None,
        fallback: FallbackPolicy | None = None,
    ) -> ChannelBinding:
        rt = self._rt
        room = await rt.require_room(room_id)
        channel = rt.channel(channel_id)
        if fallback is not None:
            self._check_store()
            check_policy(room.id, await rt.store.list_bindings(room.id), channel_id, fallback)
        binding = ChannelBinding(
            room_id=room.id,
            channel_id=channel_id,
            channel_type=channel.channel_type,
            category=category or channel.category,
            direction=direction or channel.direction,
            access=access,
            muted=muted,
            capabilities=capabilities or channel.capabilities(),
            metadata=dict(metadata or {}),
            rate_limit=rate_limit,
            retry_policy=retry_policy,
            delivery_timeout=delivery_timeout,
            fallback=fallback,
            attached_at=rt.clock.now(),
        )
        binding = await rt.store.add_binding(binding)
        await self._notify(
            binding,
            HookTrigger.ON_CHANNEL_ATTACHED,
            EventType.CHANNEL_ATTACHED,
            "room_channel_attached",
        )
        return binding

    async def detach(self, room_id: str, channel_id: str) -> None:
        """Under the room's lock: a message in flight finishes its broadcast first, and none
        that follows reaches the channel."""
        async with self._rt.room_lock(room_id):
            binding = await self.get(room_id, channel_id)
            await self._rt.store.remove_binding(room_id, channel_id)
        self._rt.limiters.pop((room_id, channel_id), None)
        await self._notify(
            binding,
            HookTrigger.ON_CHANNEL_DETACHED,
            EventType.CHANNEL_DETACHED,
            "room_channel_detached",
        )

    async def get(self, room_id: str, channel_id: str) -> ChannelBinding:
        await self._rt.require_room(room_id)
        binding = await self._rt.store.get_binding(room_id, channel_id)
        if binding is None:
            raise ChannelNotFoundError(channel_id, room_id)
        return binding

    async def update(self, room_id: str, channel_id: str, **fields: Any) -> ChannelBinding:
        async with self._rt.room_lock(room_id):
            binding = await self.get(room_id, channel_id)
            return await self._rt.store.update_binding(binding.model_copy(update=fields))

    async def set_fallback(
        self, room_id: str, channel_id: str, policy: FallbackPolicy | None
    ) -> ChannelBinding:
        """Give a binding a fallback (None removes it); checked against the room's others."""
        if policy is not None:
            self._check_store()
        async with self._rt.room_lock(room_id):
            binding = await self.get(room_id, channel_id)
            check_policy(room_id, await self._rt.store.list_bindings(room_id), channel_id, policy)
            return await self._rt.store.update_binding(
                binding.model_copy(update={"fallback": policy})
            )

    def _check_store(self) -> None:
        store = self._rt.store
        if not store.supports_fallbacks:
            raise FallbackPolicyError(
                f"the store {type(store).__name__} keeps no fallback records; bindings with a "
                "fallback need a store with supports_fallbacks (memory, SQLite, PostgreSQL)"
            )

    async def set_muted(self, room_id: str, channel_id: str, muted: bool) -> ChannelBinding:
        binding = await self.update(room_id, channel_id, muted=muted)
        trigger = HookTrigger.ON_CHANNEL_MUTED if muted else HookTrigger.ON_CHANNEL_UNMUTED
        kind = EventType.CHANNEL_MUTED if muted else EventType.CHANNEL_UNMUTED
        await self._notify(binding, trigger, kind, None)
        return binding

    async def update_metadata(
        self, room_id: str, channel_id: str, metadata: dict[str, Any]
    ) -> ChannelBinding:
        binding = await self.get(room_id, channel_id)
        return await self._rt.store.update_binding(
            binding.model_copy(update={"metadata": {**binding.metadata, **metadata}})
        )

    async def _notify(
        self, binding: ChannelBinding, trigger: HookTrigger, kind: EventType, framework: str | None
    ) -> None:
        rt = self._rt
        if rt.hooks.has_hooks(trigger, binding.room_id):
            room = await rt.require_room(binding.room_id)
            context = RoomContext(room=room, bindings=await rt.store.list_bindings(room.id))
            event = lifecycle_event(
                room.id, kind, f"{kind}: {binding.channel_id}", channel_id=binding.channel_id
            )
            await rt.hooks.run_async(trigger, event, context)
        if framework is not None:
            await rt.events.emit(framework, room_id=binding.room_id, channel_id=binding.channel_id)
