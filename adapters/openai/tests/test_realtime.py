"""OpenAIRealtimeProvider and XAIRealtimeProvider on the real openai SDK against the loopback
OpenAI Realtime fake: a whole call through RealtimeVoiceChannel, and what the SDK sent."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

import pytest
from roomkit_openai import OpenAIRealtimeConfig, OpenAIRealtimeProvider, XAIRealtimeProvider

from roomkit import ChannelCategory, HookExecution, HookTrigger, RoomKit, WebSocketChannel
from roomkit.channels.realtime_voice import RealtimeVoiceChannel
from roomkit.voice import (
    get_openai_realtime_provider,
    get_xai_realtime_config,
    get_xai_realtime_provider,
)
from roomkit.voice.realtime import RealtimeSessionConfig
from roomkit.voice.realtime.mock import MockRealtimeTransport
from roomkit_fakes.openai_realtime import OpenAIRealtimeFake


async def eventually(check: Callable[[], Any], limit: float = 10.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


def speech(ms: int, rate: int = 24000) -> bytes:
    return (1500).to_bytes(2, "little", signed=True) * (rate * ms // 1000)


async def room_with(
    provider: Any, **kwargs: Any
) -> tuple[RoomKit, RealtimeVoiceChannel, MockRealtimeTransport, list[str]]:
    kit = RoomKit()
    transport = MockRealtimeTransport(sample_rate=24000)
    channel = RealtimeVoiceChannel(
        "rt", provider=provider, transport=transport, system_prompt="Be brief.", **kwargs
    )
    kit.register_channel(channel)
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="room")
    await kit.attach_channel("room", "rt", category=ChannelCategory.INTELLIGENCE)
    await kit.attach_channel("room", "ws")
    seen: list[str] = []

    async def send(_c: str, event: Any) -> None:
        seen.append(event.content.body)

    await kit.connect_websocket("ws", "browser", send)
    return kit, channel, transport, seen


def test_documented_loaders_resolve_to_the_adapter() -> None:
    assert get_openai_realtime_provider() is OpenAIRealtimeProvider
    assert get_xai_realtime_provider() is XAIRealtimeProvider
    XAIConfig = get_xai_realtime_config()
    provider = get_xai_realtime_provider()(XAIConfig(api_key="xai-key"))
    assert provider.config.base_url == "wss://api.x.ai/v1"
    with pytest.raises(ValueError, match="ws:// or wss://"):
        OpenAIRealtimeConfig(api_key="k", base_url="http://127.0.0.1:1/v1")


async def test_a_whole_call_against_the_fake(openai_realtime_fake: OpenAIRealtimeFake) -> None:
    fake = openai_realtime_fake
    fake.on_speech(user="What is the weather in Paris?", reply="")
    fake.turns[-1].tool_call = ("get_weather", {"city": "Paris"}, "call_w")
    fake.on_response(reply="It is sunny and 22 degrees.")
    asked: list[dict[str, Any]] = []

    async def handle_tool(name: str, arguments: dict[str, Any]) -> str:
        asked.append(arguments)
        return '{"temperature": 22, "condition": "sunny"}'

    provider = OpenAIRealtimeProvider(
        api_key="sk-test", model="gpt-4o-realtime-preview", base_url=fake.ws_url
    )
    kit, _channel, transport, seen = await room_with(
        provider,
        tools=[
            {
                "name": "get_weather",
                "description": "Weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            }
        ],
        tool_handler=handle_tool,
        vad_config={"threshold": 0.5, "silence_duration_ms": 500},
    )
    tool_events: list[Any] = []

    @kit.hook(HookTrigger.ON_TOOL_CALL, execution=HookExecution.ASYNC)
    async def on_tool(event: Any, ctx: Any) -> None:
        tool_events.append(event)

    session = await kit.join("room", "rt", participant_id="caller")
    for _ in range(5):
        transport.simulate_audio_received(session, speech(20))
    await eventually(lambda: len(seen) == 2)
    assert seen == ["What is the weather in Paris?", "It is sunny and 22 degrees."]
    assert asked == [{"city": "Paris"}]
    assert tool_events[0].results[0].result.startswith('{"temperature": 22')
    # audio of the answer reached the caller: 100 ms at 24 kHz
    await eventually(lambda: len(transport.audio_sent_to(session)) == 4800)

    conn = fake.connections[0]
    assert conn.query["model"] == "gpt-4o-realtime-preview"
    assert conn.headers["authorization"] == "Bearer sk-test"
    sent_session = conn.session
    assert sent_session["type"] == "realtime"
    assert sent_session["instructions"] == "Be brief."
    assert sent_session["tools"][0]["name"] == "get_weather"
    vad = sent_session["audio"]["input"]["turn_detection"]
    assert (vad["type"], vad["threshold"], vad["silence_duration_ms"]) == ("server_vad", 0.5, 500)
    assert bytes(conn.audio) == speech(100)
    output = conn.of_type("conversation.item.create")[0]["item"]
    assert output == {
        "type": "function_call_output",
        "call_id": "call_w",
        "output": '{"temperature": 22, "condition": "sunny"}',
    }
    assert len(conn.of_type("response.create")) == 1
    await kit.leave(session)
    await eventually(lambda: not fake.open_connections)
    await kit.close()


async def test_barge_in_cuts_the_answer(openai_realtime_fake: OpenAIRealtimeFake) -> None:
    fake = openai_realtime_fake
    fake.on_speech(
        user="Tell me a long story", reply="Once upon a time...", reply_ms=2000, chunk_delay=0.02
    )
    provider = OpenAIRealtimeProvider(api_key="sk-test", base_url=fake.ws_url)
    kit, channel, transport, _seen = await room_with(provider)
    barge: list[Any] = []

    @kit.hook(HookTrigger.ON_BARGE_IN, execution=HookExecution.ASYNC)
    async def on_barge(event: Any, ctx: Any) -> None:
        barge.append(event)

    session = await kit.join("room", "rt", participant_id="caller")
    for _ in range(5):
        transport.simulate_audio_received(session, speech(20))
    runner = channel.runner(session)
    assert runner is not None
    await eventually(lambda: runner.stats.frames_out >= 3)  # chunks of the model's audio played
    transport.simulate_audio_received(session, speech(20))  # the caller talks over it
    await eventually(lambda: len(barge) == 1)
    assert transport.interruptions == [session.id]
    played = runner.stats.frames_out
    await asyncio.sleep(0.1)
    assert runner.stats.frames_out <= played + 1
    assert runner.stats.frames_out < 100  # far from the whole 2 s answer
    await kit.close()


async def test_dropped_connection_resumes_with_the_conversation(
    openai_realtime_fake: OpenAIRealtimeFake,
) -> None:
    fake = openai_realtime_fake
    fake.on_speech(user="Book a table for two", reply="For what time?")
    fake.on_speech(user="Eight", reply="Booked for eight.")
    provider = OpenAIRealtimeProvider(api_key="sk-test", base_url=fake.ws_url)
    kit, channel, transport, seen = await room_with(provider)
    session = await kit.join("room", "rt", participant_id="caller")
    for _ in range(5):
        transport.simulate_audio_received(session, speech(20))
    await eventually(lambda: len(seen) == 2)
    await fake.drop_connections()
    await eventually(lambda: len(fake.open_connections) == 1 and len(fake.connections) == 2)
    await eventually(lambda: len(fake.connections[1].of_type("conversation.item.create")) == 2)
    replayed = fake.connections[1].of_type("conversation.item.create")
    assert [(i["item"]["role"], i["item"]["content"][0]["text"]) for i in replayed] == [
        ("user", "Book a table for two"),
        ("assistant", "For what time?"),
    ]
    assert replayed[1]["item"]["content"][0]["type"] == "output_text"
    await eventually(lambda: provider.is_connected(session))
    for _ in range(5):
        transport.simulate_audio_received(session, speech(20))
    await eventually(lambda: len(seen) == 4)
    assert seen[2:] == ["Eight", "Booked for eight."]
    runner = channel.runner(session)
    assert runner is not None and runner.stats.resumptions == 1
    await kit.close()


async def test_provider_error_events_and_refused_connections(
    openai_realtime_fake: OpenAIRealtimeFake,
) -> None:
    fake = openai_realtime_fake
    provider = OpenAIRealtimeProvider(api_key="sk-test", base_url=fake.ws_url)
    kit, channel, _transport, _seen = await room_with(provider)
    errors: list[Any] = []

    @kit.hook(HookTrigger.ON_ERROR, execution=HookExecution.ASYNC)
    async def on_error(event: Any, ctx: Any) -> None:
        errors.append(event)

    session = await kit.join("room", "rt", participant_id="caller")
    await fake.say_error("Rate limit reached", code="rate_limit_exceeded")
    await eventually(lambda: len(errors) == 1)
    runner = channel.runner(session)
    assert runner is not None
    assert any(
        "rate_limit_exceeded" in f and "Rate limit reached" in f for f in runner.signals.failures
    )
    await kit.leave(session)
    fake.refuse_connections = 1
    from roomkit.voice.realtime import RealtimeConnectError

    with pytest.raises(RealtimeConnectError, match="503"):
        await kit.join("room", "rt", participant_id="caller-2")
    await kit.close()


async def test_bad_key_is_refused_readably(openai_realtime_fake: OpenAIRealtimeFake) -> None:
    provider = OpenAIRealtimeProvider(api_key="sk-test", base_url=openai_realtime_fake.ws_url)
    provider.client.api_key = ""  # an SDK client without a key sends no Authorization
    from roomkit.domain.voice import VoiceSession

    session = VoiceSession(room_id="r", participant_id="p", channel_id="c")
    with pytest.raises(Exception, match="401"):
        await provider.connect(session, RealtimeSessionConfig(), lambda e: None)
    await provider.close()


async def test_xai_provider_speaks_the_same_protocol(
    openai_realtime_fake: OpenAIRealtimeFake,
) -> None:
    fake = openai_realtime_fake
    fake.on_speech(user="Hi Grok", reply="Hello!")
    XAIConfig = get_xai_realtime_config()
    provider = XAIRealtimeProvider(XAIConfig(api_key="xai-test", base_url=fake.ws_url))
    kit, _channel, transport, seen = await room_with(provider)
    session = await kit.join("room", "rt", participant_id="caller")
    for _ in range(5):
        transport.simulate_audio_received(session, speech(20))
    await eventually(lambda: seen == ["Hi Grok", "Hello!"])
    conn = fake.connections[0]
    assert conn.headers["authorization"] == "Bearer xai-test"
    assert conn.query["model"] == "grok-voice-latest"
    assert "type" not in conn.session
    assert conn.session["voice"] == "Ara"
    assert conn.session["turn_detection"] == {"type": "server_vad"}
    assert conn.session["audio"]["input"]["format"] == {"type": "audio/pcm", "rate": 24000}
    appended = [base64.b64decode(e["audio"]) for e in conn.of_type("input_audio_buffer.append")]
    assert b"".join(appended) == speech(20) * 5  # frames queued together go in one append
    await kit.close()
