"""A browser call end to end: the browser's speech crosses WebRTC, Deepgram (fake) transcribes
it, a mock AI answers, ElevenLabs (fake) speaks, and the browser hears the reply."""

from __future__ import annotations

import asyncio
import math
import struct

import aioice.ice
import pytest

from roomkit import AIChannel, ChannelCategory, HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.voice.pipeline import AudioPipelineConfig
from roomkit_contracts import signals
from roomkit_deepgram import DeepgramConfig, DeepgramSTTProvider
from roomkit_elevenlabs import ElevenLabsConfig, ElevenLabsTTSProvider
from roomkit_fakes.deepgram import DeepgramFake
from roomkit_fakes.elevenlabs import ElevenLabsFake
from roomkit_fakes.loudness_vad import LoudnessVAD
from roomkit_fakes.webrtc import BrowserPeer
from roomkit_fastrtc import FastRTCVoiceBackend
from roomkit_rtp.resample import resample


def rms(pcm: bytes) -> float:
    count = len(pcm) // 2
    samples = struct.unpack(f"<{count}h", pcm[: count * 2])
    return math.sqrt(sum(s * s for s in samples) / max(count, 1))


@pytest.fixture(autouse=True)
def loopback_ice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


async def test_a_browser_call_is_heard_and_answered(
    deepgram_fake: DeepgramFake, elevenlabs_fake: ElevenLabsFake
) -> None:
    deepgram_fake.default_transcript = "Where is my parcel?"
    stt = DeepgramSTTProvider(
        DeepgramConfig(api_key="dg-test-key", base_url=deepgram_fake.base_url, max_retries=0)
    )
    tts = ElevenLabsTTSProvider(
        ElevenLabsConfig(api_key="el-test-key", base_url=elevenlabs_fake.base_url)
    )
    backend = FastRTCVoiceBackend(sample_rate=16000)
    kit = RoomKit()
    voice = VoiceChannel(
        "web", stt=stt, tts=tts, backend=backend, pipeline=AudioPipelineConfig(vad=LoudnessVAD())
    )
    kit.register_channel(voice)
    kit.register_channel(
        AIChannel("ai", provider=MockAIProvider(responses=["It left the depot this morning."]))
    )
    await kit.create_room(room_id="web-call")
    await kit.attach_channel("web-call", "web")
    await kit.attach_channel("web-call", "ai", category=ChannelCategory.INTELLIGENCE)
    spoken = asyncio.Event()

    @kit.hook(HookTrigger.AFTER_TTS, execution=HookExecution.ASYNC)
    async def after_tts(event, ctx):  # type: ignore[no-untyped-def]
        spoken.set()

    session = await kit.join("web-call", "web", participant_id="visitor")
    browser = BrowserPeer()
    await browser.accept(await backend.answer(session, await browser.offer()))
    browser.microphone.say(resample(signals.pcm(signals.voiced(40)), 16000, 48000))
    await asyncio.wait_for(spoken.wait(), 30)
    timeline = await kit.get_timeline("web-call")
    assert [e.content.body for e in timeline] == [
        "Where is my parcel?",
        "It left the depot this morning.",
    ]
    async with asyncio.timeout(20):
        while rms(bytes(browser.heard)) < 300:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    await browser.close()
    await kit.leave(session)
    await kit.close()
    await stt.close()
    await tts.close()
