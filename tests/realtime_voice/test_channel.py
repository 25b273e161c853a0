"""RealtimeVoiceChannel on the mock provider and transport: audio both ways, transcripts in the
room, barge-in, mute, tools, text injection, resumption, hooks and bad input."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from roomkit import (
    ChannelCategory,
    HookExecution,
    HookResult,
    HookTrigger,
    RoomKit,
    WebSocketChannel,
)
from roomkit.channels.realtime_voice import RealtimeVoiceChannel
from roomkit.domain.errors import VoiceBackendNotConfiguredError, VoiceNotConfiguredError
from roomkit.voice.audio_frame import AudioFrame
from roomkit.voice.base import VoiceSession
from roomkit.voice.realtime import RealtimeConnectError
from roomkit.voice.realtime.mock import MockRealtimeProvider, MockRealtimeTransport


async def eventually(check: Callable[[], Any], limit: float = 10.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


@dataclass
class Call:
    kit: RoomKit
    channel: RealtimeVoiceChannel
    provider: MockRealtimeProvider
    transport: MockRealtimeTransport
    session: VoiceSession
    seen_by_text: list[str] = field(default_factory=list)
    fired: dict[str, list[Any]] = field(default_factory=dict)

    async def bodies(self) -> list[tuple[str, str]]:
        return [
            (e.source.direction.value, e.content.body)  # type: ignore[union-attr]
            for e in await self.kit.get_timeline("room")
            if e.status.value != "blocked"
        ]


async def start_call(**channel_kwargs: Any) -> Call:
    kit = RoomKit()
    provider = channel_kwargs.pop("provider", None) or MockRealtimeProvider()
    transport = MockRealtimeTransport(sample_rate=16000)
    channel = RealtimeVoiceChannel(
        "realtime-voice",
        provider=provider,
        transport=transport,
        system_prompt="Be brief.",
        **channel_kwargs,
    )
    ws = WebSocketChannel("ws")
    kit.register_channel(channel)
    kit.register_channel(ws)
    await kit.create_room(room_id="room")
    await kit.attach_channel("room", "realtime-voice", category=ChannelCategory.INTELLIGENCE)
    await kit.attach_channel("room", "ws")
    seen: list[str] = []

    async def send(_connection: str, event: Any) -> None:
        seen.append(event.content.body)

    await kit.connect_websocket("ws", "browser", send)
    fired: dict[str, list[Any]] = {}
    for trigger in (
        HookTrigger.ON_SPEECH_START,
        HookTrigger.ON_SPEECH_END,
        HookTrigger.ON_TRANSCRIPTION,
        HookTrigger.ON_BARGE_IN,
        HookTrigger.ON_TOOL_CALL,
        HookTrigger.ON_REALTIME_TEXT_INJECTED,
        HookTrigger.ON_ERROR,
    ):

        async def record(event: Any, ctx: Any, trigger: HookTrigger = trigger) -> None:
            fired.setdefault(trigger.value, []).append(event)

        kit.hook(trigger, execution=HookExecution.ASYNC, name=f"rec-{trigger.value}")(record)
    session = await kit.join("room", "realtime-voice", participant_id="caller-1")
    return Call(kit, channel, provider, transport, session, seen, fired)


def pcm(ms: int, rate: int, value: int = 1000) -> bytes:
    return value.to_bytes(2, "little", signed=True) * (rate * ms // 1000)


async def test_audio_goes_both_ways_resampled_and_both_transcripts_reach_the_room() -> None:
    call = await start_call()
    provider, transport, session = call.provider, call.transport, call.session
    assert provider.configs[session.id][0].system_prompt == "Be brief."
    for _ in range(5):
        transport.simulate_audio_received(session, pcm(20, 16000))
    # 100 ms at 16 kHz arrive at the model at its 24 kHz input rate
    await eventually(lambda: len(provider.audio[session.id]) == 5 * 480 * 2)
    provider.simulate_transcript(session, "What time is it?", role="user")
    provider.simulate_response(session, "It is noon.")
    await eventually(lambda: len(call.seen_by_text) == 2)
    assert call.seen_by_text == ["What time is it?", "It is noon."]
    assert await call.bodies() == [("inbound", "What time is it?"), ("outbound", "It is noon.")]
    timeline = await call.kit.get_timeline("room")
    assert timeline[0].source.external_id == "caller-1"
    assert timeline[1].metadata["realtime_voice"]["role"] == "assistant"
    # 2 chunks of 20 ms at 24 kHz reached the caller at 16 kHz
    sent = transport.audio_sent_to(session)
    assert len(sent) == 2 * 320 * 2
    assert all(f.sample_rate == 16000 for _, f in transport.sent_audio)
    messages = [m for _, m in transport.messages if m["type"] == "transcript"]
    assert [(m["role"], m["text"]) for m in messages] == [
        ("user", "What time is it?"),
        ("assistant", "It is noon."),
    ]
    assert call.fired["on_transcription"][0].content.body == "What time is it?"
    await call.kit.leave(session)
    assert not provider.is_connected(session)
    await call.kit.close()


async def test_barge_in_through_the_providers_turn_detection() -> None:
    call = await start_call()
    provider, transport, session = call.provider, call.transport, call.session
    provider.emit(session, _event("response_started", response_id="r1"))
    provider.simulate_audio(session, pcm(20, 24000))
    await eventually(lambda: len(transport.sent_audio) == 1)
    provider.simulate_speech_started(session)
    provider.simulate_audio(session, pcm(20, 24000))  # late audio of the cut answer
    provider.simulate_speech_stopped(session)
    await eventually(lambda: "on_speech_end" in call.fired)
    assert transport.interruptions == [session.id]
    assert len(transport.sent_audio) == 1
    assert call.fired["on_barge_in"][0].data["reason"] == "speech_started"
    runner = call.channel.runner(session)
    assert runner is not None and runner.stats.barge_ins == 1
    assert runner.stats.frames_suppressed == 1
    # the next answer plays again
    provider.simulate_response(session, "Sure.")  # two chunks, played in one send or two
    await eventually(lambda: runner.stats.frames_out == 3)
    assert len(transport.audio_sent_to(session)) == 3 * 640
    await call.kit.close()


async def test_mute_and_mute_output_silence_the_model() -> None:
    call = await start_call()
    provider, transport, session = call.provider, call.transport, call.session
    await call.kit.mute_output("room", "realtime-voice")
    provider.simulate_response(session, "You should not hear this.")
    await asyncio.sleep(0.05)
    runner = call.channel.runner(session)
    assert runner is not None
    await eventually(lambda: runner.stats.frames_suppressed == 2)
    assert transport.sent_audio == []
    await call.kit.unmute_output("room", "realtime-voice")
    await call.kit.mute("room", "realtime-voice")
    provider.simulate_response(session, "Nor this.")
    await eventually(lambda: runner.stats.frames_suppressed == 4)
    assert transport.sent_audio == []
    await call.kit.unmute("room", "realtime-voice")
    provider.simulate_response(session, "Back.")
    await eventually(lambda: runner.stats.frames_out == 2)
    await eventually(lambda: call.seen_by_text == ["Back."])
    assert [b for _, b in await call.bodies()] == ["Back."]
    await call.kit.close()


WEATHER = {
    "name": "get_weather",
    "description": "Get weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


async def test_tool_call_round_trip_fires_on_tool_call() -> None:
    asked: list[tuple[str, dict[str, Any]]] = []

    async def handle_tool(name: str, arguments: dict[str, Any]) -> str:
        asked.append((name, arguments))
        return '{"temperature": 22}'

    call = await start_call(
        provider=MockRealtimeProvider(responses=["It is 22 degrees."]),
        tools=[WEATHER],
        tool_handler=handle_tool,
    )
    provider, session = call.provider, call.session
    assert provider.configs[session.id][0].tools[0].name == "get_weather"
    provider.simulate_tool_call(session, "get_weather", {"city": "Paris"}, call_id="c1")
    await eventually(lambda: "on_tool_call" in call.fired)
    assert asked == [("get_weather", {"city": "Paris"})]
    results = [c.args for c in provider.calls if c.method == "send_tool_result"]
    assert results == [{"call_id": "c1", "name": "get_weather", "result": '{"temperature": 22}'}]
    event = call.fired["on_tool_call"][0]
    assert event.tool_calls[0].arguments == {"city": "Paris"}
    assert event.results[0].result == '{"temperature": 22}'
    await eventually(lambda: call.seen_by_text == ["It is 22 degrees."])
    await call.kit.close()


async def test_a_tool_that_raises_or_hangs_answers_the_model_with_an_error() -> None:
    async def handle_tool(name: str, arguments: dict[str, Any]) -> str:
        if name == "boom":
            raise RuntimeError("database down")
        await asyncio.sleep(60)
        return "never"

    call = await start_call(
        tools=[{"name": "boom"}, {"name": "slow"}], tool_handler=handle_tool, tool_timeout=0.05
    )
    provider, session = call.provider, call.session
    provider.simulate_tool_call(session, "boom", call_id="b")
    provider.simulate_tool_call(session, "slow", call_id="s")
    await eventually(
        lambda: len([c for c in provider.calls if c.method == "send_tool_result"]) == 2
    )
    results = {
        c.args["call_id"]: json.loads(c.args["result"])["error"]
        for c in provider.calls
        if c.method == "send_tool_result"
    }
    assert "database down" in results["b"]
    assert "timed out" in results["s"]
    await eventually(lambda: len(call.fired.get("on_error", [])) == 2)
    assert call.channel.runner(session) is not None  # the call goes on
    await call.kit.close()


async def test_inject_text_fires_its_hook_and_is_stored() -> None:
    call = await start_call(provider=MockRealtimeProvider(responses=["Found it."]))
    provider, session = call.provider, call.session
    await call.channel.inject_text(session, "Let me check that for you...")
    await call.channel.inject_text(session, "Look it up", role="user", respond=True)
    await eventually(lambda: len(call.seen_by_text) == 3)
    assert call.seen_by_text == ["Let me check that for you...", "Look it up", "Found it."]
    injected = [c.args for c in provider.calls if c.method == "send_text"]
    assert injected == [
        {"text": "Let me check that for you...", "role": "assistant"},
        {"text": "Look it up", "role": "user"},
    ]
    hooks = call.fired["on_realtime_text_injected"]
    assert [h.data["text"] for h in hooks] == ["Let me check that for you...", "Look it up"]
    with pytest.raises(ValueError, match="empty"):
        await call.channel.inject_text(session, "  ")
    await call.kit.close()


async def test_text_typed_in_another_channel_is_said_to_the_model() -> None:
    from roomkit import InboundMessage, TextContent

    call = await start_call(provider=MockRealtimeProvider(responses=["Yes, we are open."]))
    await call.kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="typist", content=TextContent(body="Open?")),
        room_id="room",
    )
    assert call.provider.texts(call.session) == ["Open?"]
    await eventually(lambda: "Yes, we are open." in call.seen_by_text)
    await call.kit.close()


async def test_hooks_apply_to_transcripts() -> None:
    call = await start_call()

    @call.kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def redact(event: Any, ctx: Any) -> HookResult:
        body = event.content.body
        if "1234" in body:
            return HookResult.modify(
                event.model_copy(
                    update={
                        "content": event.content.model_copy(
                            update={"body": body.replace("1234", "****")}
                        )
                    }
                )
            )
        return HookResult.allow()

    call.provider.simulate_transcript(call.session, "My PIN is 1234", role="user")
    await eventually(lambda: call.seen_by_text == ["My PIN is ****"])
    assert [b for _, b in await call.bodies()] == ["My PIN is ****"]
    await call.kit.close()


async def test_a_dropped_provider_connection_resumes_with_the_history() -> None:
    call = await start_call()
    provider, transport, session = call.provider, call.transport, call.session
    resumed: list[dict[str, Any]] = []

    @call.kit.on("realtime_session_resumed")
    async def on_resumed(event: Any) -> None:
        resumed.append(event)

    provider.simulate_transcript(session, "Book a table", role="user")
    provider.simulate_response(session, "For how many?")
    await eventually(lambda: len(call.seen_by_text) == 2)
    provider.simulate_disconnect(session)
    await eventually(lambda: len(resumed) == 1)
    assert [c.method for c in provider.calls].count("resume") == 1
    history = provider.configs[session.id][-1].history
    assert [(h.role, h.text) for h in history] == [
        ("user", "Book a table"),
        ("assistant", "For how many?"),
    ]
    transport.simulate_audio_received(session, pcm(20, 16000))
    await eventually(lambda: len(provider.audio[session.id]) == 960)
    provider.simulate_response(session, "Noted.")
    await eventually(lambda: "Noted." in call.seen_by_text)
    await call.kit.close()


async def test_a_provider_that_cannot_be_resumed_ends_the_session_visibly() -> None:
    call = await start_call(max_resume_attempts=2)
    ended: list[Any] = []

    @call.kit.on("voice_session_ended")
    async def on_end(event: Any) -> None:
        ended.append(event)

    call.provider.fail_connect = ConnectionRefusedError("model unavailable")
    call.provider.simulate_disconnect(call.session)
    await eventually(lambda: len(ended) == 1)
    assert ended[0].data["reason"] == "provider_lost"
    assert len(call.fired["on_error"]) >= 2  # the drop, then the failed resumption
    assert call.channel.sessions() == []
    await call.kit.close()


async def test_provider_error_event_is_reported_and_the_call_goes_on() -> None:
    call = await start_call()
    call.provider.simulate_error(call.session, "rate limited", code="rate_limit_exceeded")
    await eventually(lambda: "on_error" in call.fired)
    runner = call.channel.runner(call.session)
    assert runner is not None and runner.stats.provider_errors == 1
    assert any("rate limited" in f for f in runner.signals.failures)
    call.provider.simulate_response(call.session, "Still here.")
    await eventually(lambda: call.seen_by_text == ["Still here."])
    await call.kit.close()


async def test_caller_hanging_up_ends_the_session_and_closes_the_model() -> None:
    call = await start_call()
    ended: list[Any] = []

    @call.kit.on("voice_session_ended")
    async def on_end(event: Any) -> None:
        ended.append(event)

    call.provider.emit(call.session, _event("response_started"))
    call.transport.simulate_disconnect(call.session)
    await eventually(lambda: len(ended) == 1)
    assert ended[0].data["reason"] == "lost"
    assert not call.provider.is_connected(call.session)
    await call.kit.leave(call.session)  # leaving again is harmless
    await call.kit.close()


async def test_bad_caller_frames_are_dropped_and_reported() -> None:
    call = await start_call()
    stereo = AudioFrame(b"\x00\x00" * 640, 16000, channels=2)
    call.transport.simulate_audio_received(call.session, stereo)
    await eventually(lambda: "on_error" in call.fired)
    runner = call.channel.runner(call.session)
    assert runner is not None and runner.stats.frames_dropped == 1
    assert call.provider.audio[call.session.id] == bytearray()
    errors = [m for _, m in call.transport.messages if m["type"] == "error"]
    assert "mono PCM16" in errors[0]["message"]
    await call.kit.close()


async def test_join_errors_are_clear() -> None:
    kit = RoomKit()
    kit.register_channel(RealtimeVoiceChannel("rt", provider=MockRealtimeProvider()))
    failing = RealtimeVoiceChannel(
        "down",
        provider=MockRealtimeProvider(fail_connect=ConnectionRefusedError("no route")),
        transport=MockRealtimeTransport(),
    )
    kit.register_channel(failing)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "rt", category=ChannelCategory.INTELLIGENCE)
    await kit.attach_channel("r", "down", category=ChannelCategory.INTELLIGENCE)
    with pytest.raises(VoiceBackendNotConfiguredError, match="pass transport="):
        await kit.join("r", "rt")
    with pytest.raises(RealtimeConnectError, match="no route"):
        await kit.join("r", "down", participant_id="p")
    assert failing.sessions() == [] and failing.transport.sessions == {}  # type: ignore[union-attr]
    with pytest.raises(VoiceNotConfiguredError, match="not active"):
        await failing.inject_text(
            VoiceSession(room_id="r", participant_id="p", channel_id="down"), "hi"
        )
    with pytest.raises(TypeError, match="RealtimeVoiceProvider"):
        RealtimeVoiceChannel("x", provider=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="name"):
        RealtimeVoiceChannel("x", provider=MockRealtimeProvider(), tools=[{"description": "?"}])
    await kit.close()


async def test_vad_config_reaches_the_provider() -> None:
    call = await start_call(vad_config={"threshold": 0.5, "silence_duration_ms": 500})
    vad = call.provider.configs[call.session.id][0].vad
    assert vad is not None and (vad.threshold, vad.silence_duration_ms) == (0.5, 500)
    await call.kit.close()
    with pytest.raises(ValueError, match="threshold"):
        RealtimeVoiceChannel("x", provider=MockRealtimeProvider(), vad_config={"threshold": 3})


def _event(kind: str, **fields: Any) -> Any:
    from roomkit.voice.realtime import RealtimeEvent, RealtimeEventType

    return RealtimeEvent(RealtimeEventType(kind), **fields)


def test_realtime_loaders_name_their_extra_when_the_adapter_is_absent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from roomkit.plugins import registry as registry_module
    from roomkit.voice import (
        get_gemini_live_provider,
        get_openai_realtime_provider,
        get_websocket_realtime_transport,
        get_xai_realtime_config,
    )

    monkeypatch.setenv(registry_module.AUTOLOAD_ENV, "1")  # as if no adapter were installed
    registry_module.reset_default_registry()
    try:
        for loader, extra in [
            (get_gemini_live_provider, "realtime-gemini"),
            (get_openai_realtime_provider, "realtime-openai"),
            (get_xai_realtime_config, "realtime-xai"),
            (get_websocket_realtime_transport, "realtime-websocket"),
        ]:
            with pytest.raises(ImportError, match=rf"--find-links dist \"roomkit\[{extra}\]\""):
                loader()
    finally:
        monkeypatch.delenv(registry_module.AUTOLOAD_ENV)
        registry_module.reset_default_registry()
