"""A phone call over Twilio Media Streams, end to end on 127.0.0.1: the Twilio-like client
speaks, Deepgram (fake) transcribes, a mock AI answers, ElevenLabs (fake) speaks, the audio goes
back down the WebSocket as mu-law; the caller then talks over the reply and Twilio is told to
clear its buffer."""

from __future__ import annotations

import asyncio

from roomkit import AIChannel, ChannelCategory, HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.voice.interruption import InterruptionConfig, InterruptionStrategy
from roomkit.voice.pipeline import (
    AudioPipelineConfig,
    MockResampler,
)
from roomkit_contracts import signals
from roomkit_deepgram import DeepgramConfig, DeepgramSTTProvider
from roomkit_elevenlabs import ElevenLabsConfig, ElevenLabsTTSProvider
from roomkit_fakes.deepgram import DeepgramFake
from roomkit_fakes.elevenlabs import ElevenLabsFake
from roomkit_fakes.loudness_vad import LoudnessVAD
from roomkit_fakes.twilio_media import TwilioMediaStreamClient
from roomkit_rtp.resample import resample
from roomkit_twilio_media import TwilioMediaStreamsBackend, TwilioStream


async def eventually(check: object, limit: float = 20.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_a_twilio_call_is_heard_answered_and_interrupted(
    deepgram_fake: DeepgramFake, elevenlabs_fake: ElevenLabsFake
) -> None:
    deepgram_fake.default_transcript = "Is the pharmacy open today?"
    kit = RoomKit()
    backend = await TwilioMediaStreamsBackend().start()
    stt = DeepgramSTTProvider(
        DeepgramConfig(api_key="dg-test-key", base_url=deepgram_fake.base_url, max_retries=0)
    )
    tts = ElevenLabsTTSProvider(
        ElevenLabsConfig(api_key="el-test-key", base_url=elevenlabs_fake.base_url, max_retries=0)
    )
    speech_frames = 10
    vad = LoudnessVAD()
    voice = VoiceChannel(
        "phone",
        stt=stt,
        tts=tts,
        backend=backend,
        pipeline=AudioPipelineConfig(vad=vad, resampler=MockResampler()),
        interruption=InterruptionConfig(strategy=InterruptionStrategy.IMMEDIATE),
    )
    kit.register_channel(voice)
    reply = "Yes, the pharmacy is open until nine tonight, and on Sunday from ten to four."
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=[reply])))
    await kit.create_room(room_id="line-1")
    await kit.attach_channel("line-1", "phone")
    await kit.attach_channel("line-1", "ai", category=ChannelCategory.INTELLIGENCE)
    cancelled = asyncio.Event()

    @kit.hook(HookTrigger.ON_TTS_CANCELLED, execution=HookExecution.ASYNC)
    async def on_cancel(event, ctx):  # type: ignore[no-untyped-def]
        cancelled.set()

    sessions = []

    async def answer(stream: TwilioStream) -> None:
        sessions.append(
            await kit.join(
                "line-1",
                "phone",
                participant_id=stream.custom_parameters["From"],
                metadata={"twilio_stream_sid": stream.stream_sid},
            )
        )

    backend.on_stream_started(answer)
    caller = signals.pcm(signals.voiced(speech_frames + 2))
    async with TwilioMediaStreamClient(
        backend.url, parameters={"From": "+15145550100"}, realtime=True
    ) as call:
        await eventually(lambda: sessions)
        await call.send_audio(resample(caller, 16000, 8000) + b"\x00\x00" * 8 * 160)
        await eventually(lambda: len(call.played) >= 8000)  # half a second of the reply heard
        timeline = await kit.get_timeline("line-1")
        assert [(e.source.channel_id, e.content.body) for e in timeline] == [
            ("phone", "Is the pharmacy open today?"),
            ("ai", reply),
        ]
        assert timeline[0].source.external_id == "+15145550100"
        assert deepgram_fake.live[0].query["sample_rate"] == "16000"  # streamed while spoken
        assert deepgram_fake.uploads == []
        await call.send_audio(resample(caller, 16000, 8000))  # the caller talks over it
        await asyncio.wait_for(cancelled.wait(), 20)
        await eventually(lambda: call.clears >= 1)
    await kit.leave(sessions[0])
    await kit.close()
    await backend.close()
    await stt.close()
    await tts.close()
