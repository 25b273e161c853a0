"""The JSON API under ``/api/``: rooms, bindings, participants, timeline, outbox."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from roomkit import (
    Access,
    ChannelCategory,
    ChannelDirection,
    DeliveryStatus,
    EventType,
    FallbackPolicy,
    RateLimit,
    RetryPolicy,
    RoomKit,
    RoomStatus,
    TextContent,
)
from roomkit.domain.content import EventContent
from roomkit.domain.conversation import get_conversation_state
from roomkit.domain.enums import ParticipantRole
from roomkit.domain.outbox import OutboxState
from roomkit.domain.participant import Participant
from roomkit.domain.transcoding import transcode

from .auth import TicketSigner
from .config import ServerConfig
from .recording import CATEGORY as AI_RESPONSE
from .replay import export_room
from .wire import BadRequest, ok, read_json

MAX_PAGE = 500


class CreateRoom(BaseModel):
    model_config = ConfigDict(extra="forbid")
    room_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class AttachChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel_id: str
    access: Access = Access.READ_WRITE
    category: ChannelCategory | None = None
    direction: ChannelDirection | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    muted: bool = False
    rate_limit: RateLimit | None = None
    retry_policy: RetryPolicy | None = None
    fallback: FallbackPolicy | None = None


class AddParticipant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    channel_id: str | None = None
    external_id: str | None = None
    display_name: str | None = None
    role: ParticipantRole = ParticipantRole.MEMBER
    metadata: dict[str, Any] = Field(default_factory=dict)


class SendEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel_id: str
    text: str | None = None
    content: EventContent | None = None
    type: EventType = EventType.MESSAGE
    participant_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_body(self) -> SendEvent:
        if (self.text is None) == (self.content is None):
            raise ValueError("give exactly one of text or content")
        return self


class IssueTicket(BaseModel):
    model_config = ConfigDict(extra="forbid")
    participant_id: str = Field(min_length=1)
    ttl_seconds: float = Field(default=300.0, gt=0, le=86400)


class Redeliver(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_id: str
    channel_id: str


def _int(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"query parameter {name!r} must be an integer, not {raw!r}") from exc
    if value < 0 or (maximum is not None and value > maximum):
        limit = f" and at most {maximum}" if maximum is not None else ""
        raise BadRequest(f"query parameter {name!r} must be >= 0{limit}")
    return value


class RestApi:
    def __init__(self, kit: RoomKit, config: ServerConfig, tickets: TicketSigner) -> None:
        self.kit = kit
        self.config = config
        self.tickets = tickets

    async def _body[M: BaseModel](self, request: Request, model: type[M]) -> M:
        return model.model_validate(await read_json(request, self.config.max_body_bytes))

    # rooms ---------------------------------------------------------------------------------
    async def list_rooms(self, request: Request) -> JSONResponse:
        raw_status = request.query_params.get("status")
        try:
            status = RoomStatus(raw_status) if raw_status else None
        except ValueError as exc:
            choices = ", ".join(s.value for s in RoomStatus)
            raise BadRequest(f"status must be one of {choices}, not {raw_status!r}") from exc
        offset = _int(request, "offset", 0)
        limit = _int(request, "limit", 100, MAX_PAGE)
        rooms = await self.kit.store.list_rooms(status=status, offset=offset, limit=limit)
        return ok({"rooms": rooms, "offset": offset, "limit": limit})

    async def create_room(self, request: Request) -> JSONResponse:
        body = await self._body(request, CreateRoom)
        room = await self.kit.create_room(room_id=body.room_id, metadata=body.metadata)
        return ok(room, 201)

    async def get_room(self, request: Request) -> JSONResponse:
        room = await self.kit.get_room(request.path_params["room_id"])
        return ok(room)

    async def close_room(self, request: Request) -> JSONResponse:
        room = await self.kit.close_room(request.path_params["room_id"])
        return ok(room)

    async def issue_ticket(self, request: Request) -> JSONResponse:
        """A WebSocket ticket for one end user: their browser connects with ``?ticket=``."""
        room = await self.kit.get_room(request.path_params["room_id"])
        body = await self._body(request, IssueTicket)
        ticket, expires = self.tickets.issue(room.id, body.participant_id, body.ttl_seconds)
        return ok(
            {
                "ticket": ticket,
                "room_id": room.id,
                "participant_id": body.participant_id,
                "expires_at": expires,
            },
            201,
        )

    # bindings ------------------------------------------------------------------------------
    async def list_bindings(self, request: Request) -> JSONResponse:
        room = await self.kit.get_room(request.path_params["room_id"])
        return ok({"bindings": await self.kit.store.list_bindings(room.id)})

    async def attach(self, request: Request) -> JSONResponse:
        body = await self._body(request, AttachChannel)
        binding = await self.kit.attach_channel(
            request.path_params["room_id"],
            body.channel_id,
            category=body.category,
            access=body.access,
            metadata=body.metadata,
            direction=body.direction,
            muted=body.muted,
            rate_limit=body.rate_limit,
            retry_policy=body.retry_policy,
            fallback=body.fallback,
        )
        return ok(binding, 201)

    async def detach(self, request: Request) -> JSONResponse:
        room_id, channel_id = request.path_params["room_id"], request.path_params["channel_id"]
        await self.kit.detach_channel(room_id, channel_id)
        return ok({"detached": channel_id, "room_id": room_id})

    # participants --------------------------------------------------------------------------
    async def list_participants(self, request: Request) -> JSONResponse:
        room = await self.kit.get_room(request.path_params["room_id"])
        return ok({"participants": await self.kit.store.list_participants(room.id)})

    async def add_participant(self, request: Request) -> JSONResponse:
        room = await self.kit.get_room(request.path_params["room_id"])
        body = await self._body(request, AddParticipant)
        fields = body.model_dump(exclude_none=True)
        participant = await self.kit.store.add_participant(Participant(room_id=room.id, **fields))
        return ok(participant, 201)

    # timeline ------------------------------------------------------------------------------
    async def timeline(self, request: Request) -> JSONResponse:
        room_id = request.path_params["room_id"]
        offset = _int(request, "offset", 0)
        limit = _int(request, "limit", 50, MAX_PAGE)
        events = await self.kit.get_timeline(room_id, offset=offset, limit=limit)
        total = await self.kit.store.get_event_count(room_id)
        next_offset = offset + len(events) if offset + len(events) < total else None
        return ok(
            {
                "events": events,
                "offset": offset,
                "limit": limit,
                "total": total,
                "next_offset": next_offset,
            }
        )

    async def send_event(self, request: Request) -> JSONResponse:
        room_id = request.path_params["room_id"]
        body = await self._body(request, SendEvent)
        content: Any = body.content if body.content is not None else TextContent(body=body.text)
        event = await self.kit.send_event(
            room_id,
            body.channel_id,
            content,
            event_type=body.type,
            metadata=body.metadata,
            participant_id=body.participant_id,
        )
        return ok(event, 201)

    # deliveries ----------------------------------------------------------------------------
    async def deliveries(self, request: Request) -> JSONResponse:
        room = await self.kit.get_room(request.path_params["room_id"])
        event_id = request.query_params.get("event_id")
        results = await self.kit.store.list_delivery_results(room.id, event_id)
        return ok({"deliveries": results})

    async def outbox(self, request: Request) -> JSONResponse:
        raw = request.query_params.get("state", OutboxState.PENDING.value)
        try:
            state = OutboxState(raw)
        except ValueError as exc:
            choices = ", ".join(s.value for s in OutboxState)
            raise BadRequest(f"state must be one of {choices}, not {raw!r}") from exc
        store = self.kit.store
        if not store.supports_outbox:
            return ok({"entries": [], "supported": False})
        limit = _int(request, "limit", 100, MAX_PAGE)
        entries = await store.list_outbox(
            state, room_id=request.query_params.get("room_id"), limit=limit
        )
        return ok({"entries": entries, "supported": True})

    async def dead_letters(self, request: Request) -> JSONResponse:
        room_id = request.query_params.get("room_id")
        return ok(
            {
                "dead_letters": await self.kit.list_dead_letters(room_id),
                "supported": self.kit.store.supports_outbox,
            }
        )

    async def redeliver(self, request: Request) -> JSONResponse:
        body = await self._body(request, Redeliver)
        delivered = await self.kit.redeliver(body.event_id, body.channel_id)
        return ok(
            {"event_id": body.event_id, "channel_id": body.channel_id, "delivered": delivered}
        )

    async def delivery_status(self, request: Request) -> JSONResponse:
        """A delivery report already in RoomKit's shape (from a relay or a test harness)."""
        status = DeliveryStatus.model_validate(await read_json(request, self.config.max_body_bytes))
        await self.kit.process_delivery_status(status)
        return ok(status, 202)

    async def export(self, request: Request) -> Response:
        room = await self.kit.get_room(request.path_params["room_id"])

        async def lines() -> AsyncIterator[str]:
            async for line in export_room(self.kit, room.id):
                yield line + "\n"

        return StreamingResponse(
            lines(),
            media_type="application/x-ndjson",
            headers={"content-disposition": f'attachment; filename="{room.id}.jsonl"'},
        )

    # channels and the inspector --------------------------------------------------------------
    async def channels(self, request: Request) -> JSONResponse:
        listing = [
            {
                "channel_id": channel.channel_id,
                "channel_type": str(channel.channel_type),
                "websocket": hasattr(channel, "register_connection"),
            }
            for channel in self.kit.channels.values()
        ]
        return ok({"channels": listing})

    async def inspect(self, request: Request) -> JSONResponse:
        """One room as the inspector shows it: events, each with its deliveries."""
        room = await self.kit.get_room(request.path_params["room_id"])
        store = self.kit.store
        offset = _int(request, "offset", 0)
        limit = _int(request, "limit", 200, MAX_PAGE)
        events = await self.kit.get_timeline(room.id, offset=offset, limit=limit)
        by_event: dict[str, list[Any]] = {}
        for result in await store.list_delivery_results(room.id):
            by_event.setdefault(result.event_id, []).append(result)
        outbox: dict[str, list[Any]] = {}
        if store.supports_outbox:
            for state_name in OutboxState:
                for entry in await store.list_outbox(state_name, room_id=room.id, limit=MAX_PAGE):
                    outbox.setdefault(entry.event_id, []).append(entry)
        state = get_conversation_state(room)
        ai_calls = [
            {
                "channel_id": observation.channel_id,
                "at": observation.created_at.isoformat(),
                "model": observation.metadata.get("model"),
                "response": json.loads(observation.content),
            }
            for observation in await store.list_observations(room.id)
            if observation.category == AI_RESPONSE
        ]
        bindings = await store.list_bindings(room.id)
        return ok(
            {
                "room": room,
                "bindings": bindings,
                "participants": await store.list_participants(room.id),
                "conversation_state": state,
                "events": [
                    {
                        "event": event,
                        "deliveries": by_event.get(event.id, []),
                        "outbox": outbox.get(event.id, []),
                        "transcoded": _as_delivered(event, bindings),
                    }
                    for event in events
                ],
                "outbox_supported": store.supports_outbox,
                "total": await store.get_event_count(room.id),
                "dead_letters": await self.kit.list_dead_letters(room.id),
                "ai_calls": ai_calls,
            }
        )


def _as_delivered(event: Any, bindings: list[Any]) -> list[dict[str, Any]]:
    """How the event's content reaches each readable binding other than its source, as the
    default content transcoder renders it for that binding's capabilities (None: skipped)."""
    rendered = []
    for binding in bindings:
        if binding.channel_id == event.source.channel_id or not binding.access.can_read:
            continue
        content = transcode(event.content, binding.capabilities)
        rendered.append(
            {
                "channel_id": binding.channel_id,
                "content": content,
                "changed": content is not event.content,
            }
        )
    return rendered
