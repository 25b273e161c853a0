"""Orchestration end to end with scripted agents over a WebSocket user: Pipeline and Swarm
(routing to the active agent, handoffs, conversation state), Supervisor, Loop, and the bounds."""

from __future__ import annotations

import json

import pytest

from roomkit import (
    Agent,
    InboundMessage,
    Loop,
    Pipeline,
    RoomEvent,
    RoomKit,
    RoomStatus,
    Supervisor,
    Swarm,
    TextContent,
    WebSocketChannel,
)
from roomkit.orchestration import StatusUpdate
from roomkit.orchestration.state import ConversationPhase, get_conversation_state
from roomkit.providers.ai.mock import MockAIProvider


def agent(agent_id: str, *responses: object, role: str | None = None) -> Agent:
    return Agent(
        agent_id,
        provider=MockAIProvider(responses=list(responses)),  # type: ignore[arg-type]
        role=role or f"{agent_id} agent",
    )


async def user_room(kit: RoomKit, room_id: str = "support") -> list[RoomEvent]:
    """A person on a WebSocket in ``room_id``; returns what they receive."""
    ws = WebSocketChannel("ws-user")
    inbox: list[RoomEvent] = []

    async def receive(_conn: str, event: RoomEvent) -> None:
        inbox.append(event)

    ws.register_connection("c", receive)
    kit.register_channel(ws)
    await kit.create_room(room_id=room_id)
    await kit.attach_channel(room_id, "ws-user")
    return inbox


def say(body: str) -> InboundMessage:
    return InboundMessage(channel_id="ws-user", sender_id="user", content=TextContent(body=body))


def spoken(inbox: list[RoomEvent]) -> list[tuple[str, str]]:
    """(who, what) of everything the person received from others."""
    return [
        (e.source.channel_id, e.content.body) for e in inbox if e.source.channel_id != "ws-user"
    ]


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


# Supervisor -------------------------------------------------------------------------------


async def test_supervisor_delegates_to_a_worker_and_answers_with_its_result() -> None:
    manager = agent(
        "manager",
        MockAIProvider.tool_call(
            "delegate_task",
            {"agent": "researcher", "task": "Find the price of X", "context": {"sku": "X-1"}},
        ),
        "X costs $42, according to research.",
    )
    researcher = agent("researcher", "Product X costs $42.", role="Researcher")
    writer = agent("writer", "unused")
    kit = RoomKit(orchestration=Supervisor(supervisor=manager, workers=[researcher, writer]))
    updates: list[StatusUpdate] = []

    async def on_status(update: StatusUpdate) -> None:
        updates.append(update)

    await kit.status_bus.subscribe(on_status)
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("How much is X?"))

    assert spoken(inbox) == [("manager", "X costs $42, according to research.")]
    # the worker got the task (with its context) in a child room, and nothing else
    [task_call] = researcher.provider.calls  # type: ignore[attr-defined]
    assert task_call.messages[-1].text == 'Find the price of X\n\nContext: {"sku": "X-1"}'
    assert writer.provider.calls == []  # type: ignore[attr-defined]
    # the worker's answer came back to the supervisor as the tool result
    second = manager.provider.calls[1]  # type: ignore[attr-defined]
    result = json.loads(second.messages[-1].tool_results[0].result)
    assert result["ok"] and result["agent"] == "researcher"
    assert result["result"] == "Product X costs $42."
    child = await kit.get_room(result["child_room_id"])
    assert child.status is RoomStatus.CLOSED and child.metadata["parent_room_id"] == "work"
    # only the supervisor is in the user's room; workers have no delegation tool
    bound = {b.channel_id for b in await kit.store.list_bindings("work")}
    assert bound == {"ws-user", "manager"}
    assert [t.name for t in manager.provider.calls[0].tools] == ["delegate_task"]  # type: ignore[attr-defined]
    assert researcher.tools == [] and writer.tools == []
    assert [u.message for u in updates] == ["working on: Find the price of X", "task done"]


async def test_supervisor_delegation_to_an_unknown_worker_is_refused_readably() -> None:
    manager = agent(
        "manager",
        MockAIProvider.tool_call("delegate_task", {"agent": "ghost", "task": "boo"}),
        "Sorry, I could not do that.",
    )
    kit = RoomKit(orchestration=Supervisor(supervisor=manager, workers=[agent("w", "x")]))
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("go"))
    result = json.loads(manager.provider.calls[1].messages[-1].tool_results[0].result)  # type: ignore[attr-defined]
    assert result == {"ok": False, "error": "unknown worker 'ghost'; workers: ['w']"}
    assert spoken(inbox) == [("manager", "Sorry, I could not do that.")]
    rooms = await kit.store.list_rooms()
    assert [r.id for r in rooms] == ["work"]  # no child room was made


def test_supervisor_needs_workers() -> None:
    with pytest.raises(ValueError, match="Supervisor needs at least one worker"):
        Supervisor(supervisor=agent("m"), workers=[])


# Loop -------------------------------------------------------------------------------------


async def test_loop_stops_when_the_reviewer_approves() -> None:
    writer = agent("writer", "Draft 1", "Draft 2")
    editor = agent(
        "editor",
        "Too long; cut it.",
        MockAIProvider.tool_call("approve_output", {"feedback": "Good now."}),
        "Approved.",
    )
    kit = RoomKit(orchestration=Loop(agent=writer, reviewer=editor, max_iterations=3))
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("Write a tagline."))

    assert spoken(inbox) == [
        ("writer", "Draft 1"),
        ("editor", "Too long; cut it."),
        ("writer", "Draft 2"),
        ("editor", "Approved."),
    ]
    state = get_conversation_state(await kit.get_room("work"))
    assert state.context["loop"] == {
        "iteration": 2,
        "approved": True,
        "ended": "approved",
        "feedback": "Good now.",
    }
    timeline = await kit.get_timeline("work", limit=100)
    [ended] = [e for e in timeline if e.content.type == "system"]
    assert ended.content.code == "loop_approved"
    assert ended.content.data["iterations"] == 2
    # the writer saw the editor's feedback when revising
    revision = writer.provider.calls[1]  # type: ignore[attr-defined]
    assert revision.messages[-1].text == "Too long; cut it."
    assert len(writer.provider.calls) == 2 and len(editor.provider.calls) == 3  # type: ignore[attr-defined]


async def test_loop_stops_at_max_iterations_without_approval() -> None:
    writer = agent("writer", "Draft")
    editor = agent("editor", "Not yet.")
    kit = RoomKit(orchestration=Loop(agent=writer, reviewer=editor, max_iterations=3))
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("Write a tagline."))

    assert spoken(inbox) == [("writer", "Draft"), ("editor", "Not yet.")] * 3
    state = get_conversation_state(await kit.get_room("work"))
    assert state.context["loop"]["iteration"] == 3
    assert state.context["loop"]["ended"] == "max_iterations"
    timeline = await kit.get_timeline("work", limit=100)
    codes = [e.content.code for e in timeline if e.content.type == "system"]
    assert codes == ["loop_max_iterations"]
    # nothing was cut short by the chain limit: every draft and review was delivered
    assert not [e for e in timeline if e.blocked_by]


async def test_a_new_message_starts_a_new_loop_cycle() -> None:
    writer = agent("writer", "Draft")
    editor = agent("editor", "Not yet.")
    kit = RoomKit(orchestration=Loop(agent=writer, reviewer=editor, max_iterations=1))
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("one"))
    await kit.process_inbound(say("two"))
    assert spoken(inbox) == [("writer", "Draft"), ("editor", "Not yet.")] * 2
    assert len(writer.provider.calls) == 2  # type: ignore[attr-defined]


def test_loop_needs_at_least_one_iteration() -> None:
    with pytest.raises(ValueError, match="max_iterations must be at least 1, got 0"):
        Loop(agent=agent("w"), reviewer=agent("r"), max_iterations=0)


def test_orchestration_must_be_a_strategy() -> None:
    with pytest.raises(TypeError, match="not str"):
        RoomKit(orchestration="pipeline")


# bounds -----------------------------------------------------------------------------------


async def test_a_loop_is_bounded_by_max_iterations_even_with_a_small_chain_limit() -> None:
    writer = agent("writer", "Draft")
    editor = agent("editor", "Again.")
    kit = RoomKit(
        max_chain_depth=2, orchestration=Loop(agent=writer, reviewer=editor, max_iterations=6)
    )
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("go"))
    assert spoken(inbox) == [("writer", "Draft"), ("editor", "Again.")] * 6
    # other rooms of the kit keep the kit's own limit
    assert kit.runtime.chain_limit("work") == 12 and kit.runtime.chain_limit("other") == 2


async def test_a_strategy_that_routes_agents_to_each_other_stops_at_max_chain_depth() -> None:
    from roomkit import Orchestration
    from roomkit.orchestration import ConversationRouter

    class PingPong(Orchestration):
        """A deliberately unbounded strategy: each agent's reply goes to the other agent."""

        agents_ignore_each_other = False

        def allowed_targets(self, from_agent_id: str) -> list[str]:
            return []

        def router(self, services: object) -> ConversationRouter:
            ping, pong = (a.channel_id for a in self.agents)

            class Bounce(ConversationRouter):
                def as_hook(self):  # type: ignore[no-untyped-def]
                    async def bounce(event, context):  # type: ignore[no-untyped-def]
                        target = {ping: pong, pong: ping}.get(event.source.channel_id, ping)
                        return HookResult.modify(self.stamp(event, target))

                    return bounce

            return Bounce()

    from roomkit import HookResult

    kit = RoomKit(max_chain_depth=4, orchestration=PingPong([agent("ping"), agent("pong")]))
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("serve"))
    assert [who for who, _ in spoken(inbox)] == ["ping", "pong", "ping", "pong"]
    timeline = await kit.get_timeline("work", limit=100)
    [stopped] = [e for e in timeline if e.blocked_by]
    assert stopped.blocked_by == "max_chain_depth (4) reached; response not broadcast"


async def test_only_the_active_agent_can_hand_off() -> None:
    from roomkit import Swarm

    a, b = agent("a", "hi"), agent("b", "hi")
    kit = RoomKit(orchestration=Swarm(agents=[a, b]))
    await user_room(kit, "work")
    handoffs = kit.handoffs
    assert (await handoffs.handoff("work", "a", "b", "first")).accepted
    late = await handoffs.handoff("work", "a", "b", "again")
    assert late.error == "'a' does not have the conversation; 'b' does"
    state = get_conversation_state(await kit.get_room("work"))
    assert state.handoff_count == 1 and len(state.phase_history) == 1


async def test_a_worker_that_fails_is_reported_to_the_supervisor() -> None:
    manager = agent(
        "manager",
        MockAIProvider.tool_call("delegate_task", {"agent": "flaky", "task": "compute"}),
        "The worker failed; I will try another way.",
    )
    flaky = Agent("flaky", provider=MockAIProvider(error=RuntimeError("model overloaded")))
    kit = RoomKit(orchestration=Supervisor(supervisor=manager, workers=[flaky]))
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("go"))
    result = json.loads(manager.provider.calls[1].messages[-1].tool_results[0].result)  # type: ignore[attr-defined]
    assert result["ok"] is False
    assert result["error"].startswith("worker 'flaky' gave no answer (see room 'work--task-")
    # the failure is on record in the task room, and the person still got an answer
    child_id = result["error"].split("'")[3]
    failures = await kit.store.list_delivery_results(child_id)
    assert [f.channel_id for f in failures] == ["flaky"] and "model overloaded" in failures[0].error
    assert spoken(inbox) == [("manager", "The worker failed; I will try another way.")]


async def test_the_room_stays_routed_when_the_first_agent_leaves() -> None:
    triage, billing = agent("triage", "hi"), agent("billing", "Billing answers.")
    kit = RoomKit(orchestration=Swarm(agents=[triage, billing]))
    inbox = await user_room(kit)
    assert (await kit.handoffs.handoff("support", "triage", "billing", "invoice")).accepted
    await kit.detach_channel("support", "triage")
    await kit.process_inbound(say("invoice?"))
    assert spoken(inbox) == [("billing", "Billing answers.")]
    [asked] = [e for e in await kit.get_timeline("support") if e.source.channel_id == "ws-user"]
    assert asked.metadata["_routed_to"] == "billing"


async def test_hidden_drafts_reach_only_the_agents_and_the_final_draft_reaches_the_person() -> None:
    writer = agent("writer", "Draft 1", "Draft 2")
    editor = agent(
        "editor",
        "Too long; cut it.",
        MockAIProvider.tool_call("approve_output", {"feedback": "Good now."}),
        "Approved.",
    )
    loop = Loop(agent=writer, reviewer=editor, max_iterations=3, show_drafts=False)
    kit = RoomKit(orchestration=loop)
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("Write a tagline."))

    assert spoken(inbox) == [("writer", "Draft 2")]
    [final] = [e for e in inbox if e.source.channel_id == "writer"]
    assert final.metadata["loop"] == {"final": True, "ended": "approved"}
    timeline = await kit.get_timeline("work", limit=100)
    stored = [(e.source.channel_id, e.content.body) for e in timeline if e.content.type == "text"]
    assert stored == [
        ("ws-user", "Write a tagline."),
        ("writer", "Draft 1"),
        ("editor", "Too long; cut it."),
        ("writer", "Draft 2"),
        ("editor", "Approved."),
    ]
    internal = [e.content.body for e in timeline if e.metadata.get("_internal")]
    assert internal == ["Draft 1", "Too long; cut it.", "Approved."]
    assert "_internal" not in final.metadata
    assert next(e for e in timeline if e.id == final.id).metadata == final.metadata


async def test_hidden_drafts_publish_the_last_draft_at_max_iterations() -> None:
    writer = agent("writer", "Draft A", "Draft B")
    editor = agent("editor", "Not yet.")
    kit = RoomKit(
        orchestration=Loop(agent=writer, reviewer=editor, max_iterations=2, show_drafts=False)
    )
    inbox = await user_room(kit, "work")
    await kit.process_inbound(say("Write."))
    assert spoken(inbox) == [("writer", "Draft B")]
    assert inbox[-1].metadata["loop"] == {"final": True, "ended": "max_iterations"}
