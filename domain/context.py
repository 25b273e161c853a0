"""RoomContext: the read-only view of a room handed to hooks and channels."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from roomkit.domain.channel import ChannelBinding
from roomkit.domain.event import RoomEvent
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room


class RoomContext(BaseModel):
    model_config = ConfigDict(frozen=True)

    room: Room
    bindings: list[ChannelBinding] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    recent_events: list[RoomEvent] = Field(default_factory=list)

    @property
    def room_id(self) -> str:
        return self.room.id

    def get_binding(self, channel_id: str) -> ChannelBinding | None:
        for binding in self.bindings:
            if binding.channel_id == channel_id:
                return binding
        return None

    def get_participant(self, participant_id: str) -> Participant | None:
        for participant in self.participants:
            if participant.id == participant_id:
                return participant
        return None

    def other_bindings(self, channel_id: str) -> list[ChannelBinding]:
        return [b for b in self.bindings if b.channel_id != channel_id]
