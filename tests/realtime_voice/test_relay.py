"""The relay's hot path: a backlog goes out in one message each way, and a Resampler stage
converts each direction as a continuous stream."""

from __future__ import annotations

import array
import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from roomkit import ChannelCategory, RoomKit
from roomkit.channels.realtime_voice import RealtimeVoiceChannel
from roomkit.voice.base import VoiceSession
from roomkit.voice.pipeline.resampler import LinearResamplerProvider
from roomkit.voice.realtime.mock import MockRealtimeProvider, MockRealtimeTransport


class CountingProvider(MockRealtimeProvider):
    """Counts the messages of caller audio the model receives."""

    def __init__(self) -> None:
        super().__init__()
        self.audio_messages = 0

    async def send_audio(self, session: VoiceSession, audio: bytes) -> None:
        self.audio_messages += 1
        await super().send_audio(session, audio)


def pcm(ms: int, rate: int, value: int = 1000) -> bytes:
    return value.to_bytes(2, "little", signed=True) * (rate * ms // 1000)


async def eventually(check: Callable[[], Any], limit: float = 10.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def call(
    **options: Any,
) -> tuple[RoomKit, RealtimeVoiceChannel, CountingProvider, MockRealtimeTransport, VoiceSession]:
    kit = RoomKit()
    provider = CountingProvider()
    transport = MockRealtimeTransport(sample_rate=16000)
    channel = RealtimeVoiceChannel("rt", provider=provider, transport=transport, **options)
    kit.register_channel(channel)
    await kit.create_room(room_id="room")
    await kit.attach_channel("room", "rt", category=ChannelCategory.INTELLIGENCE)
    session = await kit.join("room", "rt", participant_id="caller")
    return kit, channel, provider, transport, session


async def test_a_backlog_of_caller_frames_reaches_the_model_in_one_message() -> None:
    kit, channel, provider, transport, session = await call()
    for _ in range(10):  # queued before the input task runs: a backlog
        transport.simulate_audio_received(session, pcm(20, 16000))
    await eventually(lambda: len(provider.audio[session.id]) == 10 * 960)
    assert provider.audio_messages == 1
    transport.simulate_audio_received(session, pcm(20, 16000))  # no backlog: alone
    await eventually(lambda: provider.audio_messages == 2)
    runner = channel.runner(session)
    assert runner is not None and runner.stats.frames_in == 11
    await kit.close()


async def test_model_audio_waiting_in_a_row_is_played_in_one_send() -> None:
    kit, channel, provider, transport, session = await call()
    for _ in range(5):
        provider.simulate_audio(session, pcm(20, 24000), response_id="r1")
    runner = channel.runner(session)
    assert runner is not None
    await eventually(lambda: runner.stats.frames_out == 5)
    assert len(transport.sent_audio) == 1
    assert transport.audio_sent_to(session) == pcm(100, 16000)
    await kit.close()


async def test_a_resampler_stage_converts_each_direction_as_a_stream() -> None:
    kit, channel, provider, transport, session = await call(resampler=LinearResamplerProvider())
    runner = channel.runner(session)
    assert runner is not None
    for _ in range(5):
        transport.simulate_audio_received(session, pcm(20, 16000))
        await eventually(lambda: provider.audio_messages == runner.stats.frames_in)
    heard = array.array("h", bytes(provider.audio[session.id]))
    assert len(heard) == 5 * 480  # 24 kHz
    # a constant signal stays constant across frame edges once the filter has filled
    assert set(heard[10:]) == {1000}
    for _ in range(5):
        provider.simulate_audio(session, pcm(20, 24000, value=-2000), response_id="r1")
        await asyncio.sleep(0)
    await eventually(lambda: runner.stats.frames_out == 5)
    played = array.array("h", transport.audio_sent_to(session))
    assert len(played) == 5 * 320  # 16 kHz
    assert set(played[10:]) == {-2000}
    await kit.close()


def test_the_resampler_must_be_a_resampler_stage() -> None:
    with pytest.raises(TypeError, match="resampler must be a Resampler, not str"):
        RealtimeVoiceChannel(
            "rt",
            provider=MockRealtimeProvider(),
            resampler="linear",  # type: ignore[arg-type]
        )
