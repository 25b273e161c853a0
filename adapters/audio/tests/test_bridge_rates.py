"""A bridged call across line rates: an 8 kHz phone line and a 16 kHz browser hear each other
through the real resampler (the pipeline's on the way in, one stream per listener on the way
out)."""

from __future__ import annotations

import asyncio
from array import array
from statistics import median

from roomkit import RoomKit, VoiceChannel
from roomkit.domain.voice import AudioFrame
from roomkit.voice.backends.mock import MockVoiceBackend
from roomkit.voice.pipeline import AudioPipelineConfig, MockVADProvider
from roomkit.voice.pipeline.resampler import LinearResamplerProvider


class PhoneAndBrowser(MockVoiceBackend):
    async def connect(self, room_id, participant_id, channel_id, *, metadata=None):  # type: ignore[no-untyped-def]
        session = await super().connect(room_id, participant_id, channel_id, metadata=metadata)
        if participant_id == "phone":
            session = session.model_copy(update={"sample_rate": 8000})
            self.sessions[session.id] = session
        return session


def tone(value: int, rate: int) -> AudioFrame:
    return AudioFrame(array("h", [value] * (rate // 50)).tobytes(), sample_rate=rate)


async def test_an_8khz_line_and_a_16khz_browser_hear_each_other() -> None:
    backend = PhoneAndBrowser()
    kit = RoomKit()
    pipeline = AudioPipelineConfig(
        vad=MockVADProvider(events=[]), resampler=LinearResamplerProvider()
    )
    kit.register_channel(VoiceChannel("voice", backend=backend, bridge=True, pipeline=pipeline))
    await kit.create_room(room_id="call")
    await kit.attach_channel("call", "voice")
    phone = await kit.join("call", "voice", participant_id="phone")
    browser = await kit.join("call", "voice", participant_id="browser")
    for _ in range(10):
        backend.simulate_audio_received(phone, tone(1000, 8000))
        backend.simulate_audio_received(browser, tone(500, 16000))

    def frames_for(session_id: str) -> list[AudioFrame]:
        return [f for s, f in backend.sent_audio if s.id == session_id]

    async with asyncio.timeout(30):
        while len(frames_for(phone.id)) < 3 or len(frames_for(browser.id)) < 3:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    to_phone, to_browser = frames_for(phone.id)[-1], frames_for(browser.id)[-1]
    assert to_phone.sample_rate == 8000 and to_phone.num_samples == 160
    assert to_browser.sample_rate == 16000 and to_browser.num_samples == 320
    assert median(array("h", to_phone.data)) == 500
    assert median(array("h", to_browser.data)) == 1000
    await kit.close()
