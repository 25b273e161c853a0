"""Room export (versioned JSONL) and deterministic replay against recorded AI responses.

An export holds one JSON object per line: a header, then the room, its bindings, participants,
events, delivery results, outbox entries and the AI responses recorded while it ran. Replay
rebuilds the room in the kit it is given (use one with a fresh store), feeds the events that
came from outside the room through the pipeline again in their order, answers every AI call
with the recorded responses, and compares what comes out with what was exported.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from roomkit import (
    AIResponse,
    ChannelBinding,
    ChannelDirection,
    DeliveryResult,
    InboundMessage,
    RoomKit,
)
from roomkit.domain.event import RoomEvent
from roomkit.domain.outbox import OutboxEntry, OutboxState
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room
from roomkit.domain.tasks import Observation

from .recording import CATEGORY, RecordingProvider, ReplayProvider, ai_channels

FORMAT = "roomkit-room-export"
VERSION = 1
PAGE = 500


class ExportError(ValueError):
    """An export file that cannot be replayed, with the line and reason."""


async def export_room(kit: RoomKit, room_id: str) -> AsyncIterator[str]:
    """The lines (without newlines) of ``room_id``'s export."""
    store = kit.store
    room = await kit.get_room(room_id)
    header = {
        "kind": "header",
        "format": FORMAT,
        "version": VERSION,
        "room_id": room_id,
        "exported_at": datetime.now(UTC).isoformat(),
    }
    yield json.dumps(header)
    yield _line("room", room)
    for binding in await store.list_bindings(room_id):
        yield _line("binding", binding)
    for participant in await store.list_participants(room_id):
        yield _line("participant", participant)
    offset = 0
    while page := await store.list_events(room_id, offset=offset, limit=PAGE):
        for event in page:
            yield _line("event", event)
        offset += len(page)
    for result in await store.list_delivery_results(room_id):
        yield _line("delivery", result)
    if store.supports_outbox:
        for state in OutboxState:
            for entry in await store.list_outbox(state, room_id=room_id, limit=100_000):
                yield _line("outbox", entry)
    for observation in await store.list_observations(room_id):
        kind = "ai_response" if observation.category == CATEGORY else "observation"
        yield _line(kind, observation)


def _line(kind: str, model: BaseModel) -> str:
    return json.dumps({"kind": kind, "data": model.model_dump(mode="json")})


class RoomExport(BaseModel):
    room: Room
    bindings: list[ChannelBinding] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    events: list[RoomEvent] = Field(default_factory=list)
    deliveries: list[DeliveryResult] = Field(default_factory=list)
    outbox: list[OutboxEntry] = Field(default_factory=list)
    ai_responses: list[Observation] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)


_KINDS: dict[str, tuple[str, type[BaseModel]]] = {
    "binding": ("bindings", ChannelBinding),
    "participant": ("participants", Participant),
    "event": ("events", RoomEvent),
    "delivery": ("deliveries", DeliveryResult),
    "outbox": ("outbox", OutboxEntry),
    "ai_response": ("ai_responses", Observation),
    "observation": ("observations", Observation),
}


def read_export(lines: Iterable[str]) -> RoomExport:
    """Parse an export; a readable ExportError names the line that is wrong."""
    room: Room | None = None
    parts: dict[str, list[Any]] = {field: [] for field, _ in _KINDS.values()}
    number = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            kind = item["kind"]
            if number == 1:
                if kind != "header" or item.get("format") != FORMAT:
                    raise ExportError(f"line 1: not a {FORMAT} file")
                if item.get("version") != VERSION:
                    raise ExportError(
                        f"line 1: export version {item.get('version')!r}; this reader knows "
                        f"version {VERSION}"
                    )
            elif kind == "room":
                room = Room.model_validate(item["data"])
            elif kind in _KINDS:
                field, model = _KINDS[kind]
                parts[field].append(model.model_validate(item["data"]))
            else:
                raise ExportError(f"line {number}: unknown kind {kind!r}")
        except ExportError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise ExportError(f"line {number}: {exc}") from exc
    if number == 0:
        raise ExportError("empty export")
    if room is None:
        raise ExportError("the export has no room line")
    return RoomExport(room=room, **parts)


class Difference(BaseModel):
    index: int
    field: str
    recorded: Any = None
    replayed: Any = None


class ReplayReport(BaseModel):
    room_id: str
    recorded_events: int
    replayed_events: int
    differences: list[Difference] = Field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        if self.identical:
            return f"room {self.room_id}: {self.replayed_events} events, identical"
        lines = [
            f"room {self.room_id}: {len(self.differences)} differences "
            f"({self.recorded_events} events recorded, {self.replayed_events} replayed)"
        ]
        for diff in self.differences:
            lines.append(
                f"  event #{diff.index} {diff.field}: recorded {diff.recorded!r}, "
                f"replayed {diff.replayed!r}"
            )
        return "\n".join(lines)


COMPARED = ("type", "status", "blocked_by", "chain_depth", "content")


def _view(event: RoomEvent) -> dict[str, Any]:
    data = event.model_dump(mode="json", include=set(COMPARED))
    data["source"] = event.source.channel_id
    return data


def _is_external(event: RoomEvent) -> bool:
    """An event put into the room from outside; AI answers (chain depth > 0) are re-derived."""
    return event.chain_depth == 0


async def replay(kit: RoomKit, export: RoomExport) -> ReplayReport:
    """Rebuild ``export``'s room in ``kit`` and run it again (see the module docstring)."""
    _install_replay_providers(kit, export)
    room = export.room
    await kit.create_room(room.id, metadata=dict(room.metadata))
    store = kit.store
    for binding in export.bindings:
        await kit.attach_channel(
            room.id,
            binding.channel_id,
            category=binding.category,
            access=binding.access,
            metadata=dict(binding.metadata),
            direction=binding.direction,
            muted=binding.muted,
        )
    for participant in export.participants:
        if await store.get_participant(room.id, participant.id) is None:
            await store.add_participant(participant)
    recorded = sorted(export.events, key=lambda e: e.index)
    for event in recorded:
        if not _is_external(event):
            continue
        if event.source.direction == ChannelDirection.INBOUND:
            await kit.process_inbound(
                InboundMessage(
                    channel_id=event.source.channel_id,
                    sender_id=event.source.external_id or event.source.participant_id or "",
                    content=event.content,
                    provider_message_id=event.provider_message_id,
                    metadata=dict(event.metadata),
                ),
                room_id=room.id,
            )
        else:
            await kit.send_event(
                room.id,
                event.source.channel_id,
                event.content,
                event_type=event.type,
                metadata=dict(event.metadata),
                participant_id=event.source.participant_id,
            )
    replayed = await _all_events(kit, room.id)
    return ReplayReport(
        room_id=room.id,
        recorded_events=len(recorded),
        replayed_events=len(replayed),
        differences=_compare(recorded, replayed),
    )


def _install_replay_providers(kit: RoomKit, export: RoomExport) -> set[str]:
    by_channel: dict[str, list[AIResponse]] = {}
    for observation in sorted(export.ai_responses, key=lambda o: o.created_at):
        by_channel.setdefault(observation.channel_id or "", []).append(
            AIResponse.model_validate_json(observation.content)
        )
    ids = set()
    for channel in ai_channels(kit):
        channel_id = getattr(channel, "channel_id")  # noqa: B009
        provider = getattr(channel, "provider")  # noqa: B009
        inner = provider.inner if isinstance(provider, RecordingProvider) else provider
        replaying = ReplayProvider(
            channel_id, by_channel.get(channel_id, []), inner.supports_streaming
        )
        channel.provider = RecordingProvider(replaying, kit.store)  # type: ignore[attr-defined]
        ids.add(channel_id)
    return ids


async def _all_events(kit: RoomKit, room_id: str) -> list[RoomEvent]:
    events: list[RoomEvent] = []
    while page := await kit.store.list_events(room_id, offset=len(events), limit=PAGE):
        events += page
    return events


def _compare(recorded: list[RoomEvent], replayed: list[RoomEvent]) -> list[Difference]:
    differences = []
    for index in range(max(len(recorded), len(replayed))):
        before = _view(recorded[index]) if index < len(recorded) else None
        after = _view(replayed[index]) if index < len(replayed) else None
        if before is None or after is None:
            differences.append(
                Difference(index=index, field="event", recorded=before, replayed=after)
            )
            continue
        for field in ("source", *COMPARED):
            if before[field] != after[field]:
                differences.append(
                    Difference(
                        index=index, field=field, recorded=before[field], replayed=after[field]
                    )
                )
    return differences
