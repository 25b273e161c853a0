"""Fuzzing content trees, ids and hook results against the memory and SQLite stores: whatever
a sender or a hook throws at a room, it stays readable and keeps taking messages."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from roomkit import HookResult, HookTrigger, InboundMessage, RoomKit, TextContent, WebSocketChannel
from roomkit.domain.content import CompositeContent, EditContent, SystemContent
from roomkit.domain.errors import RoomKitError
from roomkit.ports.store import ConversationStore
from roomkit.store.memory import InMemoryStore

nasty_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "\x00", "a\ud800", "\udfff", "x" * 301, "😀" * 50, "\u202e", " "]),
)
leaf = st.builds(lambda body: TextContent.model_construct(type="text", body=body), nasty_text)


def _tree(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(
            lambda inner, target: EditContent.model_construct(
                type="edit", target_event_id=target, new_content=inner, edit_source=None
            ),
            children,
            nasty_text,
        ),
        st.builds(
            lambda parts: CompositeContent.model_construct(type="composite", parts=parts),
            st.lists(children, min_size=0, max_size=3),
        ),
    )


content_trees = st.recursive(leaf, _tree, max_leaves=40)
metadata = st.dictionaries(nasty_text, st.one_of(nasty_text, st.integers(), st.none()), max_size=3)

hook_results = st.one_of(
    st.just(None),
    st.just("not a result"),
    st.builds(HookResult.block, nasty_text),
    st.just(HookResult.allow()),
    st.fixed_dictionaries(
        {
            "field": st.sampled_from(["content", "room_id", "id", "metadata", "source", "index"]),
            "value": st.one_of(st.none(), nasty_text, content_trees, st.integers(-5, 5)),
        }
    ),
)


async def scenario(store: ConversationStore, case: dict[str, Any]) -> None:
    kit = RoomKit(store=store, delivery_timeout=5)
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="room")
    await kit.attach_channel("room", "ws")
    await kit.create_room(room_id="other")
    planned = case["hook"]

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def chaos(event, ctx):  # type: ignore[no-untyped-def]
        if event.content.type == "text" and event.content.body == "control":
            return HookResult.allow()
        if isinstance(planned, dict):
            update = {planned["field"]: planned["value"]}
            return HookResult.modify(event.model_copy(update=update))
        return planned

    message = InboundMessage.model_construct(
        channel_id="ws",
        sender_id=case["sender"],
        content=case["content"],
        provider_message_id=case["provider_message_id"],
        metadata=case["metadata"],
        external_id=None,
        thread_id=None,
    )
    try:
        await kit.process_inbound(message, room_id="room")
    except (RoomKitError, ValueError, TypeError, ValidationError):
        pass  # refused with a clear error: fine, as long as the room is intact
    for room_id in ("room", "other"):
        for event in await kit.get_timeline(room_id, limit=1000):
            assert event.room_id == room_id
    assert await kit.get_timeline("other") == []
    control = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="ok", content=TextContent(body="control")),
        room_id="room",
    )
    assert control.event is not None and not control.blocked
    last = (await kit.get_timeline("room", limit=1000))[-1]
    assert last.content.body == "control"  # type: ignore[union-attr]
    await kit.close()


cases = st.fixed_dictionaries(
    {
        "content": st.one_of(content_trees, st.just(SystemContent(body="s")), st.none()),
        "sender": nasty_text,
        "provider_message_id": st.one_of(st.none(), nasty_text),
        "metadata": metadata,
        "hook": hook_results,
    }
)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@FUZZ
@given(case=cases)
def test_rooms_stay_usable_on_the_memory_store(case: dict[str, Any]) -> None:
    asyncio.run(scenario(InMemoryStore(), case))


@FUZZ
@given(case=cases)
def test_rooms_stay_usable_on_the_sqlite_store(case: dict[str, Any]) -> None:
    from roomkit_sql import SQLiteStore

    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(scenario(SQLiteStore(str(Path(directory) / "fuzz.db")), case))
