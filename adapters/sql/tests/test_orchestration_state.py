"""A multi-agent room's ConversationState lives in the SQL store: a restarted kit with the same
strategy carries on with the agent that had the floor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from roomkit_sql import PostgresStore, SQLiteStore

from roomkit import Agent, InboundMessage, RoomEvent, RoomKit, Swarm, TextContent, WebSocketChannel
from roomkit.orchestration.state import get_conversation_state
from roomkit.ports.store import ConversationStore
from roomkit.providers.ai.mock import MockAIProvider


def swarm() -> tuple[Agent, Agent]:
    triage = Agent(
        "triage",
        provider=MockAIProvider(
            responses=[
                MockAIProvider.tool_call(
                    "handoff_conversation",
                    {"target": "billing", "reason": "Billing issue", "summary": "invoice 7"},
                ),
                "Transferring you.",
            ]
        ),
    )
    billing = Agent("billing", provider=MockAIProvider(responses=["Billing here."]))
    return triage, billing


async def run_two_lives(make_store: Callable[[], ConversationStore]) -> list[str]:
    answers: list[str] = []

    async def receive(_conn: str, event: RoomEvent) -> None:
        if event.source.channel_id != "ws":
            answers.append(event.source.channel_id)

    for life in range(2):
        triage, billing = swarm()
        kit = RoomKit(store=make_store(), orchestration=Swarm(agents=[triage, billing]))
        ws = WebSocketChannel("ws")
        ws.register_connection("c", receive)
        kit.register_channel(ws)
        if life == 0:
            await kit.create_room(room_id="support")
            await kit.attach_channel("support", "ws")
        await kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body=f"hi {life}"))
        )
        state = get_conversation_state(await kit.get_room("support"))
        assert (state.active_agent_id, state.previous_agent_id) == ("billing", "triage")
        assert state.handoff_count == 1
        [transition] = state.phase_history
        assert transition.metadata == {"summary": "invoice 7"}
        await kit.close()
    return answers


async def test_state_survives_a_restart_on_sqlite(tmp_path: Path) -> None:
    path = str(tmp_path / "kit.db")
    assert await run_two_lives(lambda: SQLiteStore(path)) == ["triage", "billing"]


async def test_state_survives_a_restart_on_postgres(pg_store: PostgresStore) -> None:
    url, schema = pg_store.url, pg_store.schema
    assert await run_two_lives(lambda: PostgresStore(url, schema=schema)) == [
        "triage",
        "billing",
    ]


async def test_state_written_by_hand_round_trips(tmp_path: Path) -> None:
    from roomkit.orchestration.state import set_conversation_state

    store = SQLiteStore(str(tmp_path / "ctx.db"))
    kit = RoomKit(store=store)
    room = await kit.create_room(room_id="r")
    state = get_conversation_state(room).transition(
        to_phase="escalation", to_agent="boss", reason="asked", metadata={"p": 1}
    )
    state = state.model_copy(update={"context": {"tier": "premium", "n": [1, 2]}})
    await kit.store.update_room(set_conversation_state(room, state))
    await kit.close()
    again = RoomKit(store=SQLiteStore(str(tmp_path / "ctx.db")))
    assert get_conversation_state(await again.get_room("r")) == state
    await again.close()
