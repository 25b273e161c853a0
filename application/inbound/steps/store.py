"""Step 8: persist the event (blocked ones too, marked BLOCKED) and the room's counters.

With a durable store, the outbox entries of the event's targets are recorded in the same
transaction (the broadcast marks them delivered or dead). A store shared by several processes
may find the message already stored by another one: the
result is then that first event, as a duplicate. With a store that versions its snapshots, the
append carries the version the checks were made on; a refusal (the room changed meanwhile) reads
the room again, checks again and appends again.
"""

from __future__ import annotations

from roomkit.application.delivery.router import EventRouter
from roomkit.application.inbound.room_checks import recheck
from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime
from roomkit.domain.base import evolve
from roomkit.domain.enums import EventStatus
from roomkit.domain.errors import DuplicateEventError
from roomkit.domain.inbound import InboundResult
from roomkit.ports.store import StaleSnapshotError

STALE_RETRIES = 5
"""Appends refused for a stale snapshot before the last attempt, which reads afresh and appends
without a version (what a store without versions always does)."""


class StoreStep:
    name = "store"

    def __init__(self, runtime: Runtime, router: EventRouter) -> None:
        self._rt = runtime
        self._router = router

    async def __call__(self, state: InboundState) -> None:
        update: dict[str, object] = {"created_at": self._rt.clock.now()}
        if state.blocked:
            update["status"] = EventStatus.BLOCKED
            update["blocked_by"] = state.reason or state.blocked_by
        else:
            update["status"] = EventStatus.DELIVERED
        event = evolve(state.ev(), **update)
        store = self._rt.store
        for attempt in range(STALE_RETRIES + 1):
            deliveries: list[str] = []
            if store.supports_outbox and not state.blocked:
                deliveries = [b.channel_id for b in self._router.targets(event, state.ctx())]
            try:
                if state.version is None or attempt == STALE_RETRIES:
                    state.event = await store.add_event(event, deliveries)
                else:
                    state.event = await store.add_event(event, deliveries, version=state.version)  # type: ignore[call-arg]
                return
            except StaleSnapshotError as stale:
                if stale.current is not None:  # only this process's own changes since the checks
                    state.version = stale.current
                    continue
                await recheck(self._rt, state, fresh=True)  # another process's: look again
                if state.done:
                    return
            except DuplicateEventError as exc:  # another process stored this message first
                first = await store.find_event_by_provider_message_id(
                    exc.room_id, exc.provider_message_id
                )
                state.result = InboundResult(
                    event=first,
                    blocked=first is not None and first.status is EventStatus.BLOCKED,
                    reason=first.blocked_by if first is not None else None,
                    room_id=exc.room_id,
                    duplicate=True,
                )
                return
