"""Identity resolution in the pipeline and identity hooks."""

from __future__ import annotations

import asyncio

import pytest

from roomkit import (
    ChannelType,
    EventStatus,
    HookTrigger,
    IdentityNotFoundError,
    InboundMessage,
    ParticipantNotFoundError,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.identity.mock import MockIdentityResolver
from roomkit.models.enums import IdentificationStatus
from roomkit.models.identity import Identity, IdentityHookResult, IdentityResult

ALICE = Identity(id="u-alice", display_name="Alice")


async def setup(**kit_kwargs: object) -> RoomKit:
    kit = RoomKit(**kit_kwargs)  # type: ignore[arg-type]
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    return kit


def say(sender: str, body: str = "hi") -> InboundMessage:
    return InboundMessage(channel_id="ws", sender_id=sender, content=TextContent(body=body))


async def test_identified_sender_is_stamped_and_announced_once() -> None:
    kit = await setup(identity_resolver=MockIdentityResolver({"alice": ALICE}))
    announced: list[RoomEvent] = []

    @kit.hook(HookTrigger.ON_PARTICIPANT_IDENTIFIED)
    async def identified(event: RoomEvent, ctx: RoomContext) -> None:
        announced.append(event)

    first = await kit.process_inbound(say("alice"))
    second = await kit.process_inbound(say("alice"))
    assert first.event and second.event
    assert first.event.source.participant_id == second.event.source.participant_id
    participant = await kit.store.get_participant("r", first.event.source.participant_id or "")
    assert participant is not None
    assert participant.identification is IdentificationStatus.IDENTIFIED
    assert (participant.identity_id, participant.display_name) == ("u-alice", "Alice")
    assert len(announced) == 1 and announced[0].content.data["identity_id"] == "u-alice"


async def test_ambiguous_runs_the_ambiguous_hooks() -> None:
    resolver = MockIdentityResolver(
        results={
            "x": IdentityResult(
                status=IdentificationStatus.AMBIGUOUS, candidates=[ALICE, Identity(id="u-2")]
            )
        }
    )
    kit = await setup(identity_resolver=resolver)
    triggers: list[str] = []

    @kit.identity_hook(HookTrigger.ON_IDENTITY_AMBIGUOUS)
    async def pick(event: RoomEvent, ctx: RoomContext) -> IdentityHookResult:
        triggers.append("ambiguous")
        return IdentityHookResult.resolved(ALICE)

    result = await kit.process_inbound(say("x"))
    assert triggers == ["ambiguous"] and not result.blocked
    participant = await kit.store.get_participant("r", result.event.source.participant_id or "")  # type: ignore[union-attr]
    assert participant is not None and participant.identity_id == "u-alice"


async def test_ambiguous_without_hooks_goes_through_pending() -> None:
    resolver = MockIdentityResolver(
        results={"x": IdentityResult(status=IdentificationStatus.PENDING, candidates=[ALICE])}
    )
    kit = await setup(identity_resolver=resolver)
    result = await kit.process_inbound(say("x"))
    assert not result.blocked and result.event is not None
    participant = await kit.store.get_participant("r", result.event.source.participant_id or "")
    assert participant is not None and participant.identification is IdentificationStatus.PENDING
    assert participant.candidates == ["u-alice"]


async def test_rejected_without_hooks_is_blocked_and_stored() -> None:
    resolver = MockIdentityResolver(default_status=IdentificationStatus.REJECTED)
    kit = await setup(identity_resolver=resolver)
    result = await kit.process_inbound(say("spammer"))
    assert result.blocked and "rejected" in (result.reason or "")
    [stored] = await kit.get_timeline("r")
    assert stored.status is EventStatus.BLOCKED


async def test_identity_timeout_continues_as_unknown_and_reports() -> None:
    class Slow(MockIdentityResolver):
        async def resolve(self, message, context):  # type: ignore[no-untyped-def]
            await asyncio.sleep(1)
            return await super().resolve(message, context)

    kit = await setup(identity_resolver=Slow({"alice": ALICE}), identity_timeout=0.02)
    errors: list[str] = []
    unknown: list[str] = []

    @kit.hook(HookTrigger.ON_ERROR)
    async def on_error(event: RoomEvent, ctx: RoomContext) -> None:
        errors.append(event.content.body)

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def on_unknown(event: RoomEvent, ctx: RoomContext) -> None:
        unknown.append(event.source.external_id or "")

    result = await kit.process_inbound(say("alice"))
    assert not result.blocked
    assert errors == ["identity resolution failed"] and unknown == ["alice"]


async def test_identity_channel_types_limit_resolution() -> None:
    resolver = MockIdentityResolver({"alice": ALICE})
    kit = await setup(identity_resolver=resolver, identity_channel_types=[ChannelType.WEBSOCKET])
    await kit.process_inbound(say("alice"))
    assert [m.sender_id for m in resolver.calls] == ["alice"]


async def test_resolve_participant_errors_name_the_missing_thing() -> None:
    kit = await setup(identity_resolver=MockIdentityResolver())
    result = await kit.process_inbound(say("stranger"))
    assert result.event is not None
    participant_id = result.event.source.participant_id or ""
    with pytest.raises(IdentityNotFoundError, match="'nobody'"):
        await kit.resolve_participant("r", participant_id, "nobody")
    with pytest.raises(ParticipantNotFoundError, match="'ghost'"):
        await kit.resolve_participant("r", "ghost", "u-alice")
    await kit.store.add_identity(ALICE)
    participant = await kit.resolve_participant("r", participant_id, "u-alice")
    assert participant.identification is IdentificationStatus.IDENTIFIED


def test_identity_hooks_only_for_identity_triggers() -> None:
    kit = RoomKit()
    with pytest.raises(ValueError, match="ON_IDENTITY_AMBIGUOUS or ON_IDENTITY_UNKNOWN"):
        kit.identity_hook(HookTrigger.BEFORE_BROADCAST)


async def test_a_new_sender_writing_twice_at_once_becomes_one_participant() -> None:
    """Identification runs before the room's lock: two first messages of one sender, handled
    at once on a store whose lookups wait, both find no participant; they still make one."""
    from roomkit.store.memory import InMemoryStore

    class WaitingStore(InMemoryStore):
        async def find_participant(self, room_id: str, channel_id: str, external_id: str):  # type: ignore[no-untyped-def]
            found = await super().find_participant(room_id, channel_id, external_id)
            await asyncio.sleep(0)  # the answer arrives after the other message asked too
            return found

        async def get_room_snapshot(self, room_id: str, event_limit: int):  # type: ignore[no-untyped-def]
            await asyncio.sleep(0)
            return await super().get_room_snapshot(room_id, event_limit)

    kit = await setup(store=WaitingStore())
    first, second = await asyncio.gather(
        kit.process_inbound(say("+15550001", "one"), room_id="r"),
        kit.process_inbound(say("+15550001", "two"), room_id="r"),
    )
    assert first.event is not None and second.event is not None
    people = [p for p in await kit.store.list_participants("r") if p.external_id == "+15550001"]
    assert len(people) == 1
    assert first.event.source.participant_id == second.event.source.participant_id
    assert first.event.source.participant_id == people[0].id
