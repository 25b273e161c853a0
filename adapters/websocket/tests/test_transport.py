"""WebSocketRealtimeTransport as a real server with a real WebSocket client: whole calls against
the OpenAI Realtime and Gemini Live fakes, malformed frames, strangers and hang-ups."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from roomkit_gemini import GeminiLiveProvider
from roomkit_openai import OpenAIRealtimeProvider
from roomkit_websocket import WebSocketRealtimeTransport
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from roomkit import ChannelCategory, HookExecution, HookTrigger, RoomKit, WebSocketChannel
from roomkit.channels.realtime_voice import RealtimeVoiceChannel
from roomkit.voice import get_websocket_realtime_transport
from roomkit.voice.realtime.mock import MockRealtimeProvider
from roomkit_fakes.gemini_live import GeminiLiveFake
from roomkit_fakes.openai_realtime import OpenAIRealtimeFake


async def eventually(check: Callable[[], Any], limit: float = 10.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


def speech(ms: int, rate: int = 16000) -> bytes:
    return (1500).to_bytes(2, "little", signed=True) * (rate * ms // 1000)


class Caller:
    """A browser: streams audio, plays what comes back, keeps the JSON messages."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.audio = bytearray()
        self.messages: list[dict[str, Any]] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                if isinstance(message, bytes):
                    self.audio += message
                else:
                    self.messages.append(json.loads(message))
        except ConnectionClosed:
            pass

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == kind]

    async def say(self, ms: int = 100) -> None:
        for _ in range(ms // 20):
            await self.ws.send(speech(20))

    async def hang_up(self) -> None:
        await self.ws.close()
        await self.reader


async def room(
    provider: Any, **kwargs: Any
) -> tuple[RoomKit, RealtimeVoiceChannel, WebSocketRealtimeTransport, list[str]]:
    kit = RoomKit()
    WSTransport = get_websocket_realtime_transport()
    transport = WSTransport(host="127.0.0.1", port=0)
    channel = RealtimeVoiceChannel(
        "realtime-voice",
        provider=provider,
        transport=transport,
        system_prompt="You help with weather.",
        **kwargs,
    )
    kit.register_channel(channel)
    kit.register_channel(WebSocketChannel("chat"))
    await kit.create_room(room_id="voice-room")
    await kit.attach_channel("voice-room", "realtime-voice", category=ChannelCategory.INTELLIGENCE)
    await kit.attach_channel("voice-room", "chat")
    seen: list[str] = []

    async def send(_c: str, event: Any) -> None:
        seen.append(event.content.body)

    await kit.connect_websocket("chat", "text-user", send)
    return kit, channel, transport, seen


WEATHER = {
    "name": "get_weather",
    "description": "Get weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


async def handle_tool(name: str, arguments: dict[str, Any]) -> str:
    if name == "get_weather":
        return '{"temperature": 22, "condition": "sunny"}'
    return '{"error": "unknown tool"}'


async def test_a_whole_call_over_websocket_against_openai_realtime(
    openai_realtime_fake: OpenAIRealtimeFake,
) -> None:
    fake = openai_realtime_fake
    fake.on_speech(user="Weather in Lyon?", tool_call=("get_weather", {"city": "Lyon"}, "c1"))
    fake.on_response(reply="Sunny, 22 degrees.")
    fake.on_speech(user="Thanks", reply="You're welcome.")
    provider = OpenAIRealtimeProvider(api_key="sk-test", base_url=fake.ws_url)
    kit, channel, transport, seen = await room(provider, tools=[WEATHER], tool_handler=handle_tool)
    tools: list[Any] = []

    @kit.hook(HookTrigger.ON_TOOL_CALL, execution=HookExecution.ASYNC)
    async def on_tool(event: Any, ctx: Any) -> None:
        tools.append(event)

    session = await kit.join(
        room_id="voice-room", channel_id="realtime-voice", participant_id="caller-1"
    )
    async with connect(transport.url_for(session)) as ws:
        caller = Caller(ws)
        await eventually(lambda: caller.of_type("session"))
        assert caller.of_type("session")[0]["sample_rate"] == 16000
        await caller.say(100)
        await eventually(lambda: len(seen) == 2)
        assert seen == ["Weather in Lyon?", "Sunny, 22 degrees."]
        assert tools[0].tool_calls[0].arguments == {"city": "Lyon"}
        # the model's 100 ms at 24 kHz reached the browser at 16 kHz
        await eventually(lambda: len(caller.audio) == 3200)
        await eventually(lambda: len(caller.of_type("transcript")) == 2)
        assert [(m["role"], m["text"]) for m in caller.of_type("transcript")] == [
            ("user", "Weather in Lyon?"),
            ("assistant", "Sunny, 22 degrees."),
        ]
        # the audio the SDK streamed is the caller's, resampled to the model's 24 kHz
        assert len(fake.connections[0].audio) == 100 * 24 * 2
        # the model connection drops; the call resumes and goes on
        await fake.drop_connections()
        await eventually(lambda: len(fake.connections) == 2 and provider.is_connected(session))
        await caller.say(100)
        await eventually(lambda: len(seen) == 4)
        assert seen[2:] == ["Thanks", "You're welcome."]
        timeline = await kit.get_timeline("voice-room")
        assert [e.content.body for e in timeline] == seen  # type: ignore[union-attr]
        assert timeline[0].source.external_id == "caller-1"
    await eventually(lambda: channel.sessions() == [])  # the hang-up ended the session
    await eventually(lambda: not fake.open_connections)
    await kit.close()


async def test_a_call_against_gemini_live(gemini_live_fake: GeminiLiveFake) -> None:
    fake = gemini_live_fake
    fake.on_speech(user="Hello", reply="Hi there, how can I help?")
    provider = GeminiLiveProvider(
        api_key="g", base_url=fake.ws_url, ssl_context=fake.client_ssl_context()
    )
    kit, _channel, transport, seen = await room(provider)
    session = await kit.join("voice-room", "realtime-voice", participant_id="caller")
    async with connect(transport.url_for(session)) as ws:
        caller = Caller(ws)
        await caller.say(100)
        await eventually(lambda: seen == ["Hello", "Hi there, how can I help?"])
        await eventually(lambda: len(caller.audio) == 3200)  # Gemini's 24 kHz, resampled
        assert bytes(fake.connections[0].audio) == speech(100)  # 16 kHz in: no resampling
    await kit.close()


async def test_malformed_frames_are_refused_and_the_call_goes_on() -> None:
    provider = MockRealtimeProvider()
    kit, channel, transport, _seen = await room(provider)
    session = await kit.join("voice-room", "realtime-voice", participant_id="caller")
    async with connect(transport.url_for(session)) as ws:
        caller = Caller(ws)
        await ws.send(b"\x01\x02\x03")  # half a sample
        await ws.send("not json")
        await ws.send(json.dumps({"type": "dance"}))
        await ws.send(json.dumps({"type": "audio", "audio": "***"}))
        await ws.send(json.dumps({"type": "ping"}))
        await eventually(lambda: len(caller.of_type("error")) == 4)
        errors = [m["message"] for m in caller.of_type("error")]
        assert "not whole 16-bit samples" in errors[0]
        assert "not JSON" in errors[1]
        assert "unknown message type 'dance'" in errors[2]
        assert "not base64" in errors[3]
        assert caller.of_type("pong")
        await ws.send(speech(20))
        import base64

        await ws.send(json.dumps({"type": "audio", "audio": base64.b64encode(speech(20)).decode()}))
        await eventually(lambda: len(provider.audio[session.id]) == 2 * 480 * 2)
        assert transport.frames_refused == 4
        assert channel.runner(session) is not None
    await kit.close()


async def test_strangers_and_second_clients_are_turned_away() -> None:
    kit, _channel, transport, _seen = await room(MockRealtimeProvider())
    session = await kit.join("voice-room", "realtime-voice", participant_id="caller")
    url = transport.url_for(session)
    async with connect(url.rsplit("/", 1)[0] + "/nobody") as stranger:
        with pytest.raises(ConnectionClosed) as info:
            await stranger.recv()
        assert info.value.rcvd is not None and info.value.rcvd.code == 4404
    async with connect(url) as first:
        await first.recv()  # the session message
        async with connect(url) as second:
            with pytest.raises(ConnectionClosed) as info:
                await second.recv()
            assert info.value.rcvd is not None and info.value.rcvd.code == 4409
    await kit.close()


async def test_a_caller_hanging_up_mid_reply_leaves_the_room_unharmed(
    openai_realtime_fake: OpenAIRealtimeFake,
) -> None:
    fake = openai_realtime_fake
    fake.on_speech(
        user="Tell me everything", reply="A long answer", reply_ms=3000, chunk_delay=0.02
    )
    fake.on_speech(user="Hi again", reply="Welcome back.")
    provider = OpenAIRealtimeProvider(api_key="sk-test", base_url=fake.ws_url)
    kit, _channel, transport, seen = await room(provider)
    ended: list[Any] = []

    @kit.on("voice_session_ended")
    async def on_end(event: Any) -> None:
        ended.append(event)

    session = await kit.join("voice-room", "realtime-voice", participant_id="caller")
    ws = await connect(transport.url_for(session))
    caller = Caller(ws)
    await caller.say(100)
    await eventually(lambda: len(caller.audio) > 0)
    await caller.hang_up()
    await eventually(lambda: len(ended) == 1)
    assert ended[0].data["reason"] == "lost"
    await eventually(lambda: not fake.open_connections)
    # the same room takes the next call
    again = await kit.join("voice-room", "realtime-voice", participant_id="caller")
    async with connect(transport.url_for(again)) as ws2:
        caller2 = Caller(ws2)
        await caller2.say(100)
        await eventually(lambda: "Welcome back." in seen)
    assert seen[0] == "Tell me everything"
    await kit.close()
