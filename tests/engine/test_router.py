"""ConversationRouter: precedence, conditions, the supervisor, loop prevention, install()."""

from __future__ import annotations

import json

import pytest

from roomkit import (
    Agent,
    ChannelCategory,
    ChannelType,
    HookExecution,
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.orchestration.pipeline import ConversationPipeline, PipelineStage
from roomkit.orchestration.router import ConversationRouter, RoutingConditions, RoutingRule
from roomkit.orchestration.state import (
    ConversationState,
    get_conversation_state,
    set_conversation_state,
)
from roomkit.providers.ai.mock import MockAIProvider


def agent(agent_id: str, *responses: object) -> Agent:
    return Agent(
        agent_id, provider=MockAIProvider(responses=list(responses) or [f"{agent_id} here"])
    )  # type: ignore[arg-type]


async def routed_room(
    kit: RoomKit, agents: list[Agent], state: ConversationState | None = None
) -> list[RoomEvent]:
    ws = WebSocketChannel("ws")
    inbox: list[RoomEvent] = []

    async def receive(_conn: str, event: RoomEvent) -> None:
        inbox.append(event)

    ws.register_connection("c", receive)
    kit.register_channel(ws)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    for a in agents:
        if a.channel_id not in kit.channels:
            kit.register_channel(a)
        await kit.attach_channel("r", a.channel_id, category=ChannelCategory.INTELLIGENCE)
    if state is not None:
        await kit.store.update_room(set_conversation_state(await kit.get_room("r"), state))
    return inbox


def say(body: str, **metadata: object) -> InboundMessage:
    return InboundMessage(
        channel_id="ws", sender_id="u", content=TextContent(body=body), metadata=dict(metadata)
    )


def answered(inbox: list[RoomEvent]) -> list[str]:
    return [e.source.channel_id for e in inbox if e.source.channel_id != "ws"]


def install(kit: RoomKit, router: ConversationRouter) -> None:
    kit.hook(HookTrigger.BEFORE_BROADCAST, execution=HookExecution.SYNC, priority=-100)(
        router.as_hook()
    )


async def test_precedence_affinity_then_rules_by_priority_then_default() -> None:
    kit = RoomKit()
    a_rule, b_rule, fallback, active = agent("a"), agent("b"), agent("fallback"), agent("active")
    router = ConversationRouter(
        rules=[
            RoutingRule(agent_id="b", conditions=RoutingConditions(phases={"billing"}), priority=5),
            RoutingRule(agent_id="a", conditions=RoutingConditions(phases={"billing"}), priority=1),
        ],
        default_agent_id="fallback",
    )
    install(kit, router)
    inbox = await routed_room(
        kit, [a_rule, b_rule, fallback, active], ConversationState(phase="billing")
    )
    await kit.process_inbound(say("1"))  # rules: priority 1 beats priority 5
    room = await kit.get_room("r")
    await kit.store.update_room(set_conversation_state(room, ConversationState(phase="other")))
    await kit.process_inbound(say("2"))  # no rule matches: the default
    room = await kit.get_room("r")
    await kit.store.update_room(
        set_conversation_state(room, ConversationState(phase="billing", active_agent_id="active"))
    )
    await kit.process_inbound(say("3"))  # affinity beats every rule
    await kit.detach_channel("r", "active")
    await kit.process_inbound(say("4"))  # the active agent left: rules again
    assert answered(inbox) == ["a", "fallback", "active", "a"]
    # the stamp is stored with the event, so who was meant to answer stays auditable
    timeline = await kit.get_timeline("r", limit=100)
    assert [e.metadata.get("_routed_to") for e in timeline if e.source.channel_id == "ws"] == [
        "a",
        "fallback",
        "active",
        "a",
    ]


async def test_each_condition_and_their_conjunction() -> None:
    kit = RoomKit()
    router = ConversationRouter(
        rules=[
            RoutingRule(
                agent_id="sms-billing",
                conditions=RoutingConditions(phases={"billing"}, channel_types={ChannelType.SMS}),
            ),
            RoutingRule(agent_id="by-intent", conditions=RoutingConditions(intents={"refund"})),
            RoutingRule(
                agent_id="by-source", conditions=RoutingConditions(source_channel_ids={"vip"})
            ),
            RoutingRule(
                agent_id="by-custom",
                conditions=RoutingConditions(
                    custom=lambda e, _c, s: "urgent" in e.content.body and s.phase == "billing"
                ),
            ),
        ],
        default_agent_id="general",
    )
    agents = [agent(i) for i in ("sms-billing", "by-intent", "by-source", "by-custom", "general")]
    inbox = await routed_room(kit, agents, ConversationState(phase="billing"))
    install(kit, router)
    await kit.process_inbound(say("hello"))  # a WebSocket message in billing: not SMS
    await kit.process_inbound(say("money back", intent="refund"))
    await kit.process_inbound(say("urgent please"))
    assert answered(inbox) == ["general", "by-intent", "by-custom"]


async def test_only_the_routed_agent_answers_and_the_supervisor_observes() -> None:
    kit = RoomKit()
    billing, general, supervisor = agent("billing"), agent("general"), agent("supervisor")
    install(kit, ConversationRouter(default_agent_id="billing", supervisor_id="supervisor"))
    inbox = await routed_room(kit, [billing, general, supervisor])
    await kit.process_inbound(say("hi"))
    # the supervisor sees (and may answer) every message; agents' replies go to no agent
    assert sorted(answered(inbox)) == ["billing", "supervisor"]
    assert general.provider.calls == []  # type: ignore[attr-defined]
    assert len(billing.provider.calls) == len(supervisor.provider.calls) == 1  # type: ignore[attr-defined]
    await kit.mute_output("r", "supervisor")  # a silent observer
    await kit.process_inbound(say("again"))
    assert sorted(answered(inbox)) == ["billing", "billing", "supervisor"]
    stamped, _ = [e for e in await kit.get_timeline("r") if e.source.channel_id == "ws"]
    assert stamped.metadata["_always_process"] == ["supervisor"]


async def test_events_from_intelligence_channels_are_never_routed() -> None:
    kit = RoomKit()
    router = ConversationRouter(default_agent_id="x")
    install(kit, router)
    inbox = await routed_room(kit, [agent("x"), agent("y")])
    context = await kit.runtime.context("r")
    from_ai = RoomEvent(
        room_id="r",
        source={"channel_id": "x", "channel_type": ChannelType.AI},
        content=TextContent(body="I am an AI"),
    )
    assert router.select_agent(from_ai, context) is None
    hooked = await router.as_hook()(from_ai, context)
    assert hooked.event is not None and hooked.event.metadata == {"_routed_to": None}
    # end to end: the agent's reply reaches the person but no agent answers it
    await kit.process_inbound(say("hi"))
    assert answered(inbox) == ["x"]
    assert len(kit.channels["x"].provider.calls) == 1  # type: ignore[attr-defined]


async def test_a_classification_hook_before_the_router_sets_the_intent() -> None:
    kit = RoomKit()

    @kit.hook(HookTrigger.BEFORE_BROADCAST, priority=-200)
    async def classify_intent(event: RoomEvent, ctx: RoomContext) -> HookResult:
        if isinstance(event.content, TextContent):
            body = event.content.body.lower()
            intent = "billing" if "invoice" in body or "charge" in body else "general"
            modified = event.model_copy(
                update={"metadata": {**(event.metadata or {}), "intent": intent}}
            )
            return HookResult.modify(modified)
        return HookResult.allow()

    router = ConversationRouter(
        rules=[
            RoutingRule(agent_id="billing-agent", conditions=RoutingConditions(intents={"billing"}))
        ],
        default_agent_id="general-agent",
    )
    install(kit, router)
    inbox = await routed_room(kit, [agent("billing-agent"), agent("general-agent")])
    await kit.process_inbound(say("Where is my invoice?"))
    await kit.process_inbound(say("Hello"))
    assert answered(inbox) == ["billing-agent", "general-agent"]


async def test_install_registers_agents_and_gives_them_handoffs() -> None:
    kit = RoomKit()
    triage = agent(
        "triage-agent",
        MockAIProvider.tool_call(
            "handoff_conversation",
            {"target": "billing-agent", "reason": "invoice", "summary": "wants invoice 7"},
        ),
        "Passing you to billing.",
    )
    billing = agent("billing-agent", "Invoice 7 is attached.")
    router = ConversationRouter(default_agent_id="triage-agent")
    handler = router.install(kit, agents=[triage, billing])
    assert {"triage-agent", "billing-agent"} <= set(kit.channels)
    inbox = await routed_room(kit, [triage, billing])
    await kit.process_inbound(say("invoice please"))
    await kit.process_inbound(say("thanks, and?"))
    assert answered(inbox) == ["triage-agent", "billing-agent"]
    state = get_conversation_state(await kit.get_room("r"))
    assert (state.active_agent_id, state.handoff_count) == ("billing-agent", 1)
    refused = await handler.handoff("r", "billing-agent", "nobody", "no reason")
    assert not refused.accepted
    assert refused.error == (
        "cannot hand off from 'billing-agent' to 'nobody'; allowed: ['triage-agent']"
    )
    assert get_conversation_state(await kit.get_room("r")) == state  # nothing changed


async def test_handoff_to_an_agent_not_in_the_room_changes_nothing() -> None:
    kit = RoomKit()
    handler = ConversationRouter(default_agent_id="a").install(kit, agents=[agent("a"), agent("b")])
    await routed_room(kit, [agent("c")])  # only c is attached; a and b are registered
    before = await kit.get_room("r")
    result = await handler.handoff("r", "a", "b", "why not")
    assert json.loads(result.as_tool_result()) == {
        "ok": False,
        "error": "agent 'b' is not attached to room 'r'",
    }
    assert await kit.get_room("r") == before


async def test_conversation_pipeline_moves_phase_with_each_handoff() -> None:
    kit = RoomKit()
    pipeline = ConversationPipeline(
        stages=[
            PipelineStage(phase="triage", agent_id="triage", next="handling"),
            PipelineStage(phase="handling", agent_id="handler", next="resolution"),
            PipelineStage(phase="resolution", agent_id="resolver"),
        ]
    )
    hand_to = lambda target: MockAIProvider.tool_call(  # noqa: E731
        "handoff_conversation", {"target": target, "reason": f"to {target}", "summary": "s"}
    )
    triage = agent("triage", hand_to("handler"), "triaged")
    handler_agent = agent("handler", hand_to("resolver"), "handled")
    resolver = agent("resolver", "resolved")
    handoffs = pipeline.install(kit, agents=[triage, handler_agent, resolver])
    inbox = await routed_room(kit, [triage, handler_agent, resolver], pipeline.initial_state())
    for body in ("1", "2", "3"):
        await kit.process_inbound(say(body))
    assert answered(inbox) == ["triage", "handler", "resolver"]
    state = get_conversation_state(await kit.get_room("r"))
    assert state.phase == "resolution" and state.handoff_count == 2
    assert [(t.from_phase, t.to_phase) for t in state.phase_history] == [
        ("triage", "handling"),
        ("handling", "resolution"),
    ]
    assert resolver.tools == []  # the last stage has no next
    assert handoffs.allowed_targets("r", "triage") == ["handler"]


def test_pipeline_stages_are_validated() -> None:
    with pytest.raises(ValueError, match="next='nowhere', which is not a phase"):
        ConversationPipeline(stages=[PipelineStage(phase="a", agent_id="x", next="nowhere")])
    with pytest.raises(ValueError, match="repeated: \\['a'\\]"):
        ConversationPipeline(
            stages=[PipelineStage(phase="a", agent_id="x"), PipelineStage(phase="a", agent_id="y")]
        )
