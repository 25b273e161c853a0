"""ElevenLabsTTSProvider on the real elevenlabs SDK against the ElevenLabs fake on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from roomkit.voice import get_elevenlabs_config, get_elevenlabs_provider
from roomkit_contracts import TTSProviderContract
from roomkit_elevenlabs import ElevenLabsConfig, ElevenLabsTTSProvider
from roomkit_elevenlabs.errors import ElevenLabsError
from roomkit_fakes.elevenlabs import ElevenLabsFake

KEY = "el-test-key"


def config(fake: ElevenLabsFake, **overrides: object) -> ElevenLabsConfig:
    values: dict[str, object] = {"api_key": KEY, "base_url": fake.base_url, "max_retries": 0}
    values.update(overrides)
    return ElevenLabsConfig.model_validate(values)


class TestElevenLabsContract(TTSProviderContract):
    @pytest.fixture
    async def tts(self, elevenlabs_fake: ElevenLabsFake) -> AsyncIterator[ElevenLabsTTSProvider]:
        provider = ElevenLabsTTSProvider(config(elevenlabs_fake))
        yield provider
        await provider.close()


async def test_the_request_is_what_elevenlabs_expects(elevenlabs_fake: ElevenLabsFake) -> None:
    tts = ElevenLabsTTSProvider(
        config(elevenlabs_fake, model="eleven_flash_v2_5", sample_rate=24000, stability=0.4)
    )
    whole = await tts.synthesize("Your table is booked.", voice="voice-b")
    await tts.close()
    [synthesis] = elevenlabs_fake.syntheses
    assert synthesis.voice_id == "voice-b"
    assert synthesis.query["output_format"] == "pcm_24000"
    assert synthesis.headers["xi-api-key"] == KEY
    assert synthesis.body["text"] == "Your table is booked."
    assert synthesis.body["model_id"] == "eleven_flash_v2_5"
    assert synthesis.body["voice_settings"]["stability"] == 0.4
    assert whole.sample_rate == 24000 and whole.channels == 1 and whole.sample_width == 2


async def test_frames_are_whole_20ms_pieces_at_the_pipeline_rate(
    elevenlabs_fake: ElevenLabsFake,
) -> None:
    tts = ElevenLabsTTSProvider(config(elevenlabs_fake, sample_rate=16000))
    frames = [f async for f in tts.synthesize_stream("Three short words here.")]
    await tts.close()
    assert {f.sample_rate for f in frames} == {16000}
    assert all(len(f.data) == 640 for f in frames[:-1]) and 0 < len(frames[-1].data) <= 640
    assert [f.timestamp_ms for f in frames[:3]] == [0.0, 20.0, 40.0]


async def test_first_audio_arrives_before_the_text_is_synthesized(
    elevenlabs_fake: ElevenLabsFake,
) -> None:
    release = elevenlabs_fake.hold_after_first()
    tts = ElevenLabsTTSProvider(config(elevenlabs_fake))
    stream = tts.synthesize_stream("One two three four five six seven eight.")
    first = await anext(stream)
    [synthesis] = elevenlabs_fake.syntheses
    assert first.data and synthesis.chunks_sent == 1 < synthesis.chunks_planned
    assert not synthesis.finished
    release.set()
    rest = [f async for f in stream]
    await tts.close()
    assert rest and synthesis.finished


async def test_closing_the_stream_on_barge_in_hangs_up_on_the_vendor(
    elevenlabs_fake: ElevenLabsFake,
) -> None:
    elevenlabs_fake.hold_after_first()
    tts = ElevenLabsTTSProvider(config(elevenlabs_fake))
    stream = tts.synthesize_stream("A long answer that the caller will interrupt early on.")
    await anext(stream)
    await stream.aclose()
    [synthesis] = elevenlabs_fake.syntheses
    async with asyncio.timeout(10):
        while not synthesis.client_hung_up:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    assert not synthesis.finished
    await tts.close()


async def test_a_stalled_stream_fails_instead_of_hanging(elevenlabs_fake: ElevenLabsFake) -> None:
    elevenlabs_fake.stall_after(1)
    tts = ElevenLabsTTSProvider(config(elevenlabs_fake, stall_timeout=0.3))
    with pytest.raises(ElevenLabsError, match="stalled"):
        _ = [f async for f in tts.synthesize_stream("This will never finish speaking.")]
    await tts.close()


@pytest.mark.parametrize(
    ("status", "words"),
    [(401, "API key was refused"), (429, "rate limited"), (500, "service failed")],
)
async def test_vendor_errors_are_named(
    elevenlabs_fake: ElevenLabsFake, status: int, words: str
) -> None:
    tts = ElevenLabsTTSProvider(config(elevenlabs_fake, api_key="wrong" if status == 401 else KEY))
    elevenlabs_fake.fail_next(status)
    with pytest.raises(ElevenLabsError, match=words) as caught:
        await tts.synthesize("Hello.")
    await tts.close()
    assert caught.value.status == status


async def test_empty_text_is_not_sent(elevenlabs_fake: ElevenLabsFake) -> None:
    tts = ElevenLabsTTSProvider(config(elevenlabs_fake))
    assert [f async for f in tts.synthesize_stream("  ")] == []
    await tts.close()
    assert elevenlabs_fake.requests == []


def test_lazy_loaders_return_the_adapter() -> None:
    assert get_elevenlabs_provider() is ElevenLabsTTSProvider
    assert get_elevenlabs_config() is ElevenLabsConfig


def test_unknown_pcm_rates_are_refused_in_the_config() -> None:
    with pytest.raises(ValueError, match="sample_rate"):
        ElevenLabsConfig(api_key="k", sample_rate=11025)  # type: ignore[arg-type]
