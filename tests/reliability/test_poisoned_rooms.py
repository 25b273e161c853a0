"""One bad event never makes a room unusable: what cannot be stored and read back is refused
before it is stored, with the same error on every store."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from roomkit import HookExecution, HookResult, HookTrigger, InboundMessage, RoomKit, TextContent
from roomkit.domain.content import MAX_CONTENT_DEPTH, EditContent
from roomkit.domain.errors import InvalidEventError
from roomkit.domain.validation import MAX_EXTERNAL_ID_LENGTH, MAX_ID_LENGTH
from roomkit.ports.store import ConversationStore

from .conftest import room_with_ws, say


def edit_chain(depth: int) -> Any:
    """An edit of an edit of ... ``depth`` levels, built without validation (as a hook could)."""
    content: Any = TextContent(body="base")
    for i in range(depth):
        content = EditContent.model_construct(
            type="edit", target_event_id=f"e{i}", new_content=content, edit_source=None
        )
    return content


async def assert_usable(kit: RoomKit, room_id: str = "r") -> None:
    """The room's timeline reads back and it still takes a message."""
    await kit.get_timeline(room_id)
    result = await kit.process_inbound(say("still here"), room_id=room_id)
    assert result.event is not None and not result.blocked
    timeline = await kit.get_timeline(room_id, limit=1000)
    assert timeline[-1].content.body == "still here"  # type: ignore[union-attr]


async def test_a_deep_edit_chain_is_refused_and_the_room_stays_usable(
    store: ConversationStore,
) -> None:
    kit, _ = await room_with_ws(store)
    message = InboundMessage.model_construct(
        channel_id="ws",
        sender_id="u",
        content=edit_chain(200),
        provider_message_id=None,
        metadata={},
        external_id=None,
        thread_id=None,
    )
    with pytest.raises(InvalidEventError, match="nested"):
        await kit.process_inbound(message)
    assert await kit.get_timeline("r") == []
    await assert_usable(kit)


def test_a_deep_edit_chain_is_refused_when_built_or_parsed() -> None:
    with pytest.raises(ValidationError, match="nested"):
        content: Any = TextContent(body="x")
        for i in range(MAX_CONTENT_DEPTH + 1):
            content = EditContent(target_event_id=f"e{i}", new_content=content)
    tree: dict[str, Any] = {"type": "text", "body": "x"}
    for i in range(150):
        tree = {"type": "edit", "target_event_id": f"e{i}", "new_content": tree}
    with pytest.raises(ValidationError, match="nested"):
        EditContent.model_validate_json(json.dumps(tree))


async def test_a_hook_that_empties_the_content_cannot_poison_the_room(
    store: ConversationStore,
) -> None:
    kit, inbox = await room_with_ws(store)
    errors: list[str] = []

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def broken(event, ctx):  # type: ignore[no-untyped-def]
        return HookResult.modify(event.model_copy(update={"content": None}))

    @kit.hook(HookTrigger.ON_ERROR, execution=HookExecution.ASYNC)
    async def on_error(event, ctx):  # type: ignore[no-untyped-def]
        errors.append(event.content.body)

    result = await kit.process_inbound(say("hello"))
    assert result.event is not None and result.event.content.body == "hello"  # type: ignore[union-attr]
    assert [e.content.body for e in inbox] == ["hello"]  # type: ignore[union-attr]
    assert errors == ["hook 'broken' failed"]
    await assert_usable(kit)


async def test_a_hook_cannot_move_an_event_into_another_room(store: ConversationStore) -> None:
    kit, _ = await room_with_ws(store)
    await kit.create_room(room_id="other")

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def mover(event, ctx):  # type: ignore[no-untyped-def]
        return HookResult.modify(event.model_copy(update={"room_id": "other"}))

    result = await kit.process_inbound(say("mine"), room_id="r")
    assert result.event is not None and result.event.room_id == "r"
    assert await kit.get_timeline("other") == []
    assert [e.room_id for e in await kit.get_timeline("r")] == ["r"]


async def test_a_valid_modification_still_applies(store: ConversationStore) -> None:
    kit, inbox = await room_with_ws(store)

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def redact(event, ctx):  # type: ignore[no-untyped-def]
        return HookResult.modify(event.model_copy(update={"content": TextContent(body="[x]")}))

    await kit.process_inbound(say("secret"))
    assert [e.content.body for e in inbox] == ["[x]"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("room_id", "problem"),
    [
        ("", "must not be empty"),
        ("r" * (MAX_ID_LENGTH + 1), "at most 200"),
        ("a\x00b", "NUL"),
        ("a\ud800b", "lone surrogate"),
    ],
)
async def test_room_ids_are_checked_up_front_on_every_store(
    store: ConversationStore, room_id: str, problem: str
) -> None:
    kit = RoomKit(store=store)
    with pytest.raises(InvalidEventError, match=problem):
        await kit.create_room(room_id=room_id)
    room = await kit.create_room(room_id="r" * MAX_ID_LENGTH)  # the limit itself is fine
    assert room.id == "r" * MAX_ID_LENGTH


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        (say("x", provider_message_id="p" * (MAX_EXTERNAL_ID_LENGTH + 1)), "at most 300"),
        (say("x", provider_message_id="p\x00"), "NUL"),
        (say("caf\udce9"), "lone surrogate"),
        (say("x", metadata={"note": "\ud83d"}), "lone surrogate"),
    ],
)
async def test_what_one_store_refuses_every_store_refuses(
    store: ConversationStore, message: InboundMessage, problem: str
) -> None:
    kit, _ = await room_with_ws(store)
    with pytest.raises(InvalidEventError, match=problem):
        await kit.process_inbound(message)
    await assert_usable(kit)


async def test_nul_and_any_valid_unicode_in_a_body_are_kept_by_every_store(
    store: ConversationStore,
) -> None:
    kit, _ = await room_with_ws(store)
    body = "nul\x00 emoji \U0001f600 rtl \u202e end"
    await kit.process_inbound(say(body))
    [stored] = await kit.get_timeline("r")
    assert stored.content.body == body  # type: ignore[union-attr]


async def test_wrong_arguments_are_typed_errors() -> None:
    kit = RoomKit()
    with pytest.raises(TypeError, match="InboundMessage, got NoneType"):
        await kit.process_inbound(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="InboundMessage, got dict"):
        await kit.process_inbound({"channel_id": "ws"})  # type: ignore[arg-type]
