"""FastRTCRealtimeTransport end to end: a browser-like aiortc peer calls over real ICE/DTLS/SRTP
on 127.0.0.1, its speech reaches the OpenAI Realtime fake through the openai SDK, and the
model's answer comes back to the peer; transcripts land in the room and on the data channel.

Opus is lossy, so audio is checked by its loudness, not its bytes.
"""

from __future__ import annotations

import asyncio
import math
import struct
from collections.abc import Callable
from typing import Any

import aioice.ice
import pytest
from roomkit_openai import OpenAIRealtimeProvider

from roomkit import ChannelCategory, RoomKit
from roomkit.channels.realtime_voice import RealtimeVoiceChannel
from roomkit.voice import get_fastrtc_realtime_transport
from roomkit_fakes.openai_realtime import OpenAIRealtimeFake
from roomkit_fakes.webrtc import BrowserPeer
from roomkit_fastrtc import FastRTCRealtimeTransport

SPEECH_LEVEL = 300  # the fake's VAD: quieter chunks are the microphone's silence


def tone(hz: float, seconds: float, rate: int = 48000, amplitude: int = 8000) -> bytes:
    count = int(seconds * rate)
    step = 2 * math.pi * hz / rate
    return struct.pack(f"<{count}h", *(int(amplitude * math.sin(step * i)) for i in range(count)))


def rms(pcm: bytes | bytearray) -> float:
    count = len(pcm) // 2
    samples = struct.unpack(f"<{count}h", bytes(pcm[: count * 2]))
    return math.sqrt(sum(s * s for s in samples) / max(count, 1))


async def eventually(check: Callable[[], Any], limit: float = 30.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def stored(kit: RoomKit, count: int) -> list[Any]:
    """The room's timeline once it holds ``count`` messages."""
    async with asyncio.timeout(30):
        while len(timeline := await kit.get_timeline("web-room")) < count:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    return timeline


@pytest.fixture(autouse=True)
def loopback_ice(monkeypatch: pytest.MonkeyPatch) -> None:
    """aioice leaves 127.0.0.1 out of its host candidates; the tests run on loopback only."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


async def web_room(
    fake: OpenAIRealtimeFake,
) -> tuple[RoomKit, RealtimeVoiceChannel, FastRTCRealtimeTransport, OpenAIRealtimeProvider]:
    fake.vad_level = SPEECH_LEVEL
    fake.barge_in_ms = 200  # what is left of a caller's sentence does not cut the answer
    kit = RoomKit()
    transport = get_fastrtc_realtime_transport()()
    provider = OpenAIRealtimeProvider(api_key="sk-test", base_url=fake.ws_url)
    channel = RealtimeVoiceChannel(
        "web-voice", provider=provider, transport=transport, system_prompt="Be brief."
    )
    kit.register_channel(channel)
    await kit.create_room(room_id="web-room")
    await kit.attach_channel("web-room", "web-voice", category=ChannelCategory.INTELLIGENCE)
    return kit, channel, transport, provider


async def call(transport: FastRTCRealtimeTransport, session: Any) -> BrowserPeer:
    browser = BrowserPeer(data_channel="events")
    await browser.accept(await transport.answer(session, await browser.offer()))
    return browser


async def test_the_browser_is_heard_by_the_model_and_hears_its_answer(
    openai_realtime_fake: OpenAIRealtimeFake,
) -> None:
    fake = openai_realtime_fake
    fake.on_speech(user="Is the shop open today?", reply="Until six.", reply_ms=800)
    kit, _channel, transport, provider = await web_room(fake)
    session = await kit.join("web-room", "web-voice", participant_id="visitor")
    assert session.sample_rate == 24000  # the model's rate: nothing to resample in Python
    browser = await call(transport, session)
    browser.microphone.say(tone(440, 0.2))
    timeline = await stored(kit, 2)
    assert [e.content.body for e in timeline] == [  # type: ignore[union-attr]
        "Is the shop open today?",
        "Until six.",
    ]
    assert timeline[0].source.external_id == "visitor"
    # the browser's tone crossed Opus and reached the model as PCM16 at 24 kHz
    [connection] = fake.connections
    assert connection.session["audio"]["input"]["format"] == {"type": "audio/pcm", "rate": 24000}
    assert connection.query["model"] == provider.config.model
    assert rms(connection.audio) > 1000
    # the model's 800 ms square wave is played to the browser (Opus, 48 kHz)
    await eventually(lambda: rms(browser.heard[-48000:]) > 800)
    # the transcripts went to the browser on its data channel too
    await eventually(lambda: len(browser.messages) >= 2)
    assert [(m["role"], m["text"]) for m in browser.messages if m["type"] == "transcript"] == [
        ("user", "Is the shop open today?"),
        ("assistant", "Until six."),
    ]
    await browser.close()
    await kit.leave(session)
    await eventually(lambda: not fake.open_connections)
    await kit.close()


async def test_the_browser_vanishing_mid_reply_ends_the_session_and_spares_the_room(
    openai_realtime_fake: OpenAIRealtimeFake,
) -> None:
    fake = openai_realtime_fake
    fake.on_speech(
        user="Tell me a long story", reply="Once upon a time", reply_ms=20000, chunk_delay=0.02
    )
    fake.on_speech(user="Are you there?", reply="Still here.", reply_ms=200)
    kit, channel, transport, _provider = await web_room(fake)
    ended: list[Any] = []

    @kit.on("voice_session_ended")
    async def on_end(event: Any) -> None:
        ended.append(event)

    session = await kit.join("web-room", "web-voice", participant_id="visitor")
    browser = await call(transport, session)
    browser.microphone.say(tone(440, 0.2))
    await eventually(lambda: rms(browser.heard[-9600:]) > 800)  # the answer is playing
    await browser.close()  # the tab closes
    await eventually(lambda: len(ended) == 1)
    assert ended[0].data["reason"] == "lost"
    assert channel.sessions() == []
    await eventually(lambda: not fake.open_connections)  # the model connection was closed
    assert transport.data_channel(session) is None
    with pytest.raises(ValueError, match="join it first"):
        await transport.answer(session, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n")
    # the room takes the next call
    again = await kit.join("web-room", "web-voice", participant_id="visitor")
    browser2 = await call(transport, again)
    browser2.microphone.say(tone(440, 0.2))
    await eventually(lambda: rms(browser2.heard[-9600:]) > 800)
    timeline = await stored(kit, 3)
    # the cut story never finished, so the model's transcript of it never came
    assert [e.content.body for e in timeline] == [
        "Tell me a long story",
        "Are you there?",
        "Still here.",
    ]
    await browser2.close()
    await kit.close()
