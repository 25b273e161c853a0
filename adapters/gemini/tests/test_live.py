"""GeminiLiveProvider on the real google-genai SDK against the loopback Gemini Live fake (TLS):
a whole call through RealtimeVoiceChannel, barge-in, resumption by handle, and what was sent."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

import pytest
from roomkit_gemini import GeminiLiveConfig, GeminiLiveProvider

from roomkit import ChannelCategory, HookExecution, HookTrigger, RoomKit, WebSocketChannel
from roomkit.channels.realtime_voice import RealtimeVoiceChannel
from roomkit.voice import get_gemini_live_provider
from roomkit.voice.realtime.mock import MockRealtimeTransport
from roomkit_fakes.gemini_live import GeminiLiveFake


async def eventually(check: Callable[[], Any], limit: float = 10.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


def speech(ms: int, rate: int = 16000) -> bytes:
    return (1500).to_bytes(2, "little", signed=True) * (rate * ms // 1000)


def provider_for(fake: GeminiLiveFake) -> GeminiLiveProvider:
    return GeminiLiveProvider(
        api_key="g-key",
        model="gemini-2.0-flash-live-001",
        base_url=fake.ws_url,
        ssl_context=fake.client_ssl_context(),
    )


async def room_with(
    provider: Any, **kwargs: Any
) -> tuple[RoomKit, RealtimeVoiceChannel, MockRealtimeTransport, list[str]]:
    kit = RoomKit()
    transport = MockRealtimeTransport(sample_rate=16000)
    channel = RealtimeVoiceChannel(
        "rt",
        provider=provider,
        transport=transport,
        system_prompt="You are a helpful voice assistant.",
        **kwargs,
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


def test_the_documented_loader_and_config() -> None:
    assert get_gemini_live_provider() is GeminiLiveProvider
    with pytest.raises(ValueError, match="ws:// or wss://"):
        GeminiLiveConfig(api_key="k", base_url="https://example.com")


async def test_a_whole_call_with_a_tool(gemini_live_fake: GeminiLiveFake) -> None:
    fake = gemini_live_fake
    fake.on_speech(user="Weather in Oslo?", tool_call=("get_weather", {"city": "Oslo"}, "fc1"))
    fake.on_tool_response(reply="It is snowing in Oslo.")
    asked: list[dict[str, Any]] = []

    async def handle_tool(name: str, arguments: dict[str, Any]) -> str:
        asked.append(arguments)
        return '{"condition": "snow"}'

    kit, _channel, transport, seen = await room_with(
        provider_for(fake),
        tools=[
            {
                "name": "get_weather",
                "description": "Weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            }
        ],
        tool_handler=handle_tool,
        vad_config={"threshold": 0.7, "silence_duration_ms": 400},
    )
    calls: list[Any] = []

    @kit.hook(HookTrigger.ON_TOOL_CALL, execution=HookExecution.ASYNC)
    async def on_tool(event: Any, ctx: Any) -> None:
        calls.append(event)

    session = await kit.join("room", "rt", participant_id="caller")
    for _ in range(5):
        transport.simulate_audio_received(session, speech(20))
    await eventually(lambda: len(seen) == 2)
    assert seen == ["Weather in Oslo?", "It is snowing in Oslo."]
    assert asked == [{"city": "Oslo"}] and len(calls) == 1
    # 100 ms of 24 kHz model audio reached the 16 kHz caller
    await eventually(lambda: len(transport.audio_sent_to(session)) == 3200)

    conn = fake.connections[0]
    assert conn.headers["x-goog-api-key"] == "g-key"
    setup = conn.setup
    assert setup["model"] == "models/gemini-2.0-flash-live-001"
    assert setup["generationConfig"]["responseModalities"] == ["AUDIO"]
    assert setup["systemInstruction"]["parts"][0]["text"] == "You are a helpful voice assistant."
    assert setup["tools"][0]["functionDeclarations"][0]["name"] == "get_weather"
    detection = setup["realtimeInputConfig"]["automaticActivityDetection"]
    assert detection["silenceDurationMs"] == 400
    assert detection["startOfSpeechSensitivity"] == "START_SENSITIVITY_LOW"
    audio = conn.of_kind("realtimeInput")
    assert audio[0]["audio"]["mimeType"] == "audio/pcm;rate=16000"
    assert bytes(conn.audio) == speech(100)  # frames queued together may share a message
    assert b"".join(base64.b64decode(a["audio"]["data"]) for a in audio) == speech(100)
    response = conn.of_kind("toolResponse")[0]["functionResponses"][0]
    assert response == {"id": "fc1", "name": "get_weather", "response": {"condition": "snow"}}
    await kit.close()


async def test_barge_in_interrupts_the_answer(gemini_live_fake: GeminiLiveFake) -> None:
    fake = gemini_live_fake
    fake.on_speech(
        user="Read me the news",
        reply="Here is a very long bulletin",
        reply_ms=2000,
        chunk_delay=0.02,
    )
    kit, channel, transport, seen = await room_with(provider_for(fake))
    session = await kit.join("room", "rt", participant_id="caller")
    for _ in range(5):
        transport.simulate_audio_received(session, speech(20))
    runner = channel.runner(session)
    assert runner is not None
    await eventually(lambda: runner.stats.frames_out >= 3)  # chunks of the model's audio played
    transport.simulate_audio_received(session, speech(20))
    await eventually(lambda: transport.interruptions == [session.id])
    await asyncio.sleep(0.1)
    assert runner.stats.frames_out < 100
    # what the model had said before it was cut is stored as its turn
    await eventually(lambda: len(seen) == 2)
    assert seen[0] == "Read me the news"
    assert seen[1].startswith("Here")
    await kit.close()


async def test_dropped_connection_resumes_with_the_handle(gemini_live_fake: GeminiLiveFake) -> None:
    fake = gemini_live_fake
    fake.on_speech(user="Remember the number seven", reply="Seven, noted.")
    fake.on_speech(user="What number?", reply="Seven.")
    provider = provider_for(fake)
    kit, _channel, transport, seen = await room_with(provider)
    session = await kit.join("room", "rt", participant_id="caller")
    for _ in range(5):
        transport.simulate_audio_received(session, speech(20))
    await eventually(lambda: len(seen) == 2)
    assert provider.handles[session.id] == "handle-1"
    await fake.drop_connections()
    await eventually(lambda: fake.resumed == ["handle-1"])
    second = fake.connections[1]
    assert second.setup["sessionResumption"]["handle"] == "handle-1"
    assert second.of_kind("clientContent") == []  # the server kept the conversation
    await eventually(lambda: provider.is_connected(session))
    for _ in range(5):
        transport.simulate_audio_received(session, speech(20))
    await eventually(lambda: seen[2:] == ["What number?", "Seven."])
    await kit.close()


async def test_text_from_the_room_and_injected_text(gemini_live_fake: GeminiLiveFake) -> None:
    from roomkit import InboundMessage, TextContent

    fake = gemini_live_fake
    fake.on_text(reply="We open at nine.")
    kit, channel, _transport, seen = await room_with(provider_for(fake))
    session = await kit.join("room", "rt", participant_id="caller")
    await channel.inject_text(session, "Let me check that for you...")
    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="typist", content=TextContent(body="Hours?")),
        room_id="room",
    )
    await eventually(lambda: "We open at nine." in seen)
    turns = fake.connections[0].of_kind("clientContent")
    assert turns[0] == {
        "turns": [{"role": "model", "parts": [{"text": "Let me check that for you..."}]}],
        "turnComplete": False,
    }
    assert turns[1]["turns"][0] == {"role": "user", "parts": [{"text": "Hours?"}]}
    assert turns[1]["turnComplete"] is True
    await kit.close()


async def test_an_untrusted_certificate_fails_the_join(gemini_live_fake: GeminiLiveFake) -> None:
    from roomkit.voice.realtime import RealtimeConnectError

    provider = GeminiLiveProvider(api_key="g-key", base_url=gemini_live_fake.ws_url)
    kit, channel, _transport, _seen = await room_with(provider)
    with pytest.raises(RealtimeConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        await kit.join("room", "rt", participant_id="caller")
    assert channel.sessions() == []
    await kit.close()
