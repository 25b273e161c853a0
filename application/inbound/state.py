"""What the inbound steps hand to each other while one message is processed."""

from __future__ import annotations

from dataclasses import dataclass, field

from roomkit.application.delivery.router import Broadcast
from roomkit.domain.base import assemble
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.context import RoomContext
from roomkit.domain.event import RoomEvent
from roomkit.domain.identity import IdentityResult
from roomkit.domain.inbound import InboundMessage, InboundResult
from roomkit.domain.participant import Participant
from roomkit.ports.channel import Channel
from roomkit.ports.store import RoomSnapshot


@dataclass(slots=True)
class InboundState:
    message: InboundMessage | None
    room_id: str | None = None
    channel: Channel | None = None
    context: RoomContext | None = None
    #: what ``context`` was built from; the look under the lock compares the store's answer
    snapshot: RoomSnapshot | None = None
    #: the store's version of ``context`` (see RoomSnapshot.version); the append checks it
    version: object | None = None
    source_binding: ChannelBinding | None = None
    event: RoomEvent | None = None
    participant: Participant | None = None
    identity: IdentityResult | None = None
    newly_identified: bool = False
    blocked: bool = False
    reason: str | None = None
    blocked_by: str | None = None
    injected: list[RoomEvent] = field(default_factory=list)
    broadcast: Broadcast | None = None
    result: InboundResult | None = None
    chain_depth: int = 0
    #: set once the event is stored: ``process_timeout`` no longer applies
    stored: bool = False

    @property
    def done(self) -> bool:
        """A step has produced the final result; later steps do not run."""
        return self.result is not None

    def ctx(self) -> RoomContext:
        assert self.context is not None, "route must run first"
        return self.context

    def ev(self) -> RoomEvent:
        assert self.event is not None, "parse must run first"
        return self.event

    def finish(self) -> InboundResult:
        if self.result is None:
            self.result = assemble(
                InboundResult,
                event=self.event,
                blocked=self.blocked,
                reason=self.reason,
                room_id=self.room_id,
            )
        return self.result
