"""Pipeline and Swarm orchestration: routing to the active agent, handoffs, conversation state."""

from __future__ import annotations

import json

from roomkit import (
    Agent,
    InboundMessage,
    Pipeline,
    RoomEvent,
    RoomKit,
    Swarm,
    TextContent,
    WebSocketChannel,
)
from roomkit.orchestration.state import ConversationPhase, get_conversation_state
from roomkit.providers.ai.mock import MockAIProvider


def agent(agent_id: str, *responses: object) -> Agent:
    return Agent(
        agent_id,
        provider=MockAIProvider(responses=list(responses)),  # type: ignore[arg-type]
        role=f"{agent_id} agent",
    )


async def user_room(kit: RoomKit) -> list[RoomEvent]:
    ws = WebSocketChannel("ws-user")
    inbox: list[RoomEvent] = []

    async def receive(_conn: str, event: RoomEvent) -> None:
        inbox.append(event)

    ws.register_connection("c", receive)
    kit.register_channel(ws)
    await kit.create_room(room_id="support")
    await kit.attach_channel("support", "ws-user")
    return inbox


def say(body: str) -> InboundMessage:
    return InboundMessage(channel_id="ws-user", sender_id="user", content=TextContent(body=body))


async def test_only_the_active_agent_answers_and_handoff_moves_the_floor() -> None:
    triage = agent(
        "triage",
        MockAIProvider.tool_call(
            "handoff_conversation",
            {"target": "billing", "reason": "Billing issue", "summary": "User needs invoice help"},
        ),
        "Transferring you...",
    )
    billing = agent("billing", "Here is your invoice.")
    kit = RoomKit(orchestration=Swarm(agents=[triage, billing]))
    inbox = await user_room(kit)

    await kit.process_inbound(say("I need help with billing."))
    await kit.process_inbound(say("Where is my invoice?"))

    answers = [
        (e.source.channel_id, e.content.body) for e in inbox if e.source.channel_id != "ws-user"
    ]
    assert answers == [("triage", "Transferring you..."), ("billing", "Here is your invoice.")]
    state = get_conversation_state(await kit.get_room("support"))
    assert (state.active_agent_id, state.previous_agent_id) == ("billing", "triage")
    assert state.handoff_count == 1 and state.phase == ConversationPhase.HANDLING
    [transition] = state.phase_history
    assert (transition.from_agent, transition.to_agent, transition.reason) == (
        "triage",
        "billing",
        "Billing issue",
    )
    assert transition.metadata == {"summary": "User needs invoice help"}
    timeline = await kit.get_timeline("support", limit=100)
    [notice] = [e for e in timeline if e.content.type == "system"]
    assert notice.content.data["summary"] == "User needs invoice help"
    # the new agent saw the handoff notice in its history
    billing_call = billing.provider.calls[0]  # type: ignore[attr-defined]
    assert any(
        m.role == "system" and "User needs invoice help" in m.text for m in billing_call.messages
    )
    assert (await kit.get_binding("support", "triage")).output_muted
    assert not (await kit.get_binding("support", "billing")).output_muted


async def test_pipeline_refuses_a_handoff_that_skips_ahead() -> None:
    triage = agent(
        "triage",
        MockAIProvider.tool_call(
            "handoff_conversation", {"target": "resolver", "reason": "skip", "summary": ""}
        ),
        "I'll keep helping.",
    )
    handler = agent("handler", "handling")
    resolver = agent("resolver", "resolved")
    kit = RoomKit(orchestration=Pipeline(agents=[triage, handler, resolver]))
    inbox = await user_room(kit)
    await kit.process_inbound(say("help"))
    tool_result = triage.provider.calls[1].messages[-1].tool_results[0]  # type: ignore[attr-defined]
    refusal = json.loads(tool_result.result)
    assert refusal == {
        "ok": False,
        "error": "cannot hand off from 'triage' to 'resolver'; allowed: ['handler']",
    }
    state = get_conversation_state(await kit.get_room("support"))
    assert state.active_agent_id == "triage" and state.handoff_count == 0
    assert inbox[-1].content.body == "I'll keep helping."
    tools = [t.name for t in triage.provider.calls[0].tools]  # type: ignore[attr-defined]
    assert tools == ["handoff_conversation"]
    assert resolver.tools == []  # the last stage has nobody to hand off to


async def test_spec_testing_orchestration_example() -> None:
    agent1 = Agent("a1", provider=MockAIProvider(responses=["Transferring..."]))
    agent2 = Agent("a2", provider=MockAIProvider(responses=["Resolved!"]))
    kit = RoomKit(orchestration=Pipeline(agents=[agent1, agent2]))
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    await kit.create_room(room_id="test")
    await kit.attach_channel("test", "ws")
    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="user", content=TextContent(body="Help"))
    )
    assert not result.blocked
    bodies = [e.content.body for e in await kit.get_timeline("test")]
    assert bodies == ["Help", "Transferring..."]  # only the first agent answers


async def test_state_transition_and_context_round_trip_through_the_store() -> None:
    from roomkit.orchestration.state import set_conversation_state

    kit = RoomKit()
    room = await kit.create_room(room_id="r")
    state = get_conversation_state(room).model_copy(update={"context": {"tier": "premium"}})
    state = state.transition(
        to_phase="escalation",
        to_agent="supervisor-agent",
        reason="Customer requested manager",
        metadata={"escalation_priority": "high"},
    )
    await kit.store.update_room(set_conversation_state(room, state))
    again = get_conversation_state(await kit.get_room("r"))
    assert again == state
    assert again.phase == "escalation" and again.handoff_count == 1
    assert again.context == {"tier": "premium"}


async def test_handoff_memory_tells_the_new_agent_what_was_handed_over() -> None:
    from roomkit.memory.sliding_window import SlidingWindowMemory
    from roomkit.orchestration.handoff import HandoffMemoryProvider

    triage = agent(
        "triage",
        MockAIProvider.tool_call(
            "handoff_conversation",
            {"target": "billing", "reason": "Refund", "summary": "Order 42 arrived broken"},
        ),
        "One moment.",
    )
    billing = Agent(
        "billing",
        provider=MockAIProvider(responses=["Refund issued."]),
        memory=HandoffMemoryProvider(SlidingWindowMemory(max_events=2)),
    )
    kit = RoomKit(orchestration=Swarm(agents=[triage, billing]))
    await user_room(kit)
    await kit.process_inbound(say("My order is broken"))
    await kit.process_inbound(say("Can I get a refund?"))
    first = billing.provider.calls[0].messages[0]  # type: ignore[attr-defined]
    assert first.role == "system"
    assert first.text == (
        "You took over this conversation from triage. Reason: Refund. "
        "Summary: Order 42 arrived broken."
    )
    assert billing.provider.calls[0].messages[-1].text == "Can I get a refund?"  # type: ignore[attr-defined]


async def test_greeting_comes_from_the_agent_with_the_floor_and_handoffs_report_status() -> None:
    from roomkit.orchestration import StatusUpdate

    triage = Agent("triage", provider=MockAIProvider(responses=["x"]), greeting="Triage here.")
    billing = Agent(
        "billing",
        provider=MockAIProvider(responses=["Billing answers."]),
        greeting="Billing here.",
    )
    kit = RoomKit(orchestration=Swarm(agents=[triage, billing]))
    updates: list[StatusUpdate] = []

    async def on_status(update: StatusUpdate) -> None:
        updates.append(update)

    await kit.status_bus.subscribe(on_status)
    inbox = await user_room(kit)
    assert (await kit.send_greeting("support")).content.body == "Triage here."
    result = await kit.handoffs.handoff("support", "triage", "billing", "invoice", "wants a copy")
    assert result.accepted and result.handoff_count == 1
    assert (await kit.send_greeting("support")).content.body == "Billing here."
    await kit.process_inbound(say("and my invoice?"))
    assert [e.content.body for e in inbox if e.source.channel_id != "ws-user"] == [
        "Triage here.",
        "Billing here.",
        "Billing answers.",
    ]
    [update] = updates
    assert (update.agent_id, update.room_id, update.message) == (
        "triage",
        "support",
        "handed off to billing: invoice",
    )
    # greetings are agents' messages: no agent answers them
    assert triage.provider.calls == []  # type: ignore[attr-defined]
