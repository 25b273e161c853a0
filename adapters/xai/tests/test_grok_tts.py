"""GrokTTSProvider over httpx against the xAI TTS fake on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

import roomkit.voice
from roomkit.voice import get_grok_tts_config, get_grok_tts_provider
from roomkit_contracts import TTSProviderContract
from roomkit_fakes.xai import XAITTSFake
from roomkit_xai import GrokTTSConfig, GrokTTSProvider
from roomkit_xai.provider import GrokTTSError

KEY = "xai-test-key"


def config(fake: XAITTSFake, **overrides: object) -> GrokTTSConfig:
    values: dict[str, object] = {"api_key": KEY, "base_url": fake.base_url}
    values.update(overrides)
    return GrokTTSConfig.model_validate(values)


class TestGrokTTSContract(TTSProviderContract):
    @pytest.fixture
    async def tts(self, xai_tts_fake: XAITTSFake) -> AsyncIterator[GrokTTSProvider]:
        provider = GrokTTSProvider(config(xai_tts_fake))
        yield provider
        await provider.close()


async def test_the_request_is_what_xai_expects(xai_tts_fake: XAITTSFake) -> None:
    tts = GrokTTSProvider(config(xai_tts_fake, language="fr", sample_rate=8000, speed=1.2))
    whole = await tts.synthesize("Bonjour et bienvenue.", voice="ara")
    await tts.close()
    request = xai_tts_fake.last
    assert (request.method, request.path) == ("POST", "/v1/tts")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.body == {
        "text": "Bonjour et bienvenue.",
        "voice_id": "ara",
        "language": "fr",
        "output_format": {"codec": "pcm", "sample_rate": 8000},
        "speed": 1.2,
    }
    assert whole.sample_rate == 8000 and len(whole.data) > 0


async def test_first_audio_arrives_before_the_text_is_synthesized(
    xai_tts_fake: XAITTSFake,
) -> None:
    release = xai_tts_fake.hold_after_first()
    tts = GrokTTSProvider(config(xai_tts_fake))
    stream = tts.synthesize_stream("Several words that take a while to say.")
    await anext(stream)
    [synthesis] = xai_tts_fake.syntheses
    assert synthesis.chunks_sent == 1 and not synthesis.finished
    release.set()
    assert [f async for f in stream]
    await tts.close()


async def test_barge_in_hangs_up_on_xai(xai_tts_fake: XAITTSFake) -> None:
    xai_tts_fake.hold_after_first()
    tts = GrokTTSProvider(config(xai_tts_fake))
    stream = tts.synthesize_stream("Interrupted long before the end of this sentence.")
    await anext(stream)
    await stream.aclose()  # type: ignore[attr-defined]
    [synthesis] = xai_tts_fake.syntheses
    async with asyncio.timeout(10):
        while not synthesis.client_hung_up:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    await tts.close()


async def test_a_stalled_stream_fails(xai_tts_fake: XAITTSFake) -> None:
    xai_tts_fake.stall_after(1)
    tts = GrokTTSProvider(config(xai_tts_fake, stall_timeout=0.3))
    with pytest.raises(GrokTTSError, match="stalled"):
        await tts.synthesize("Never finishes.")
    await tts.close()


@pytest.mark.parametrize(("status", "words"), [(401, "API key was refused"), (503, "failed")])
async def test_vendor_errors_are_named(xai_tts_fake: XAITTSFake, status: int, words: str) -> None:
    tts = GrokTTSProvider(config(xai_tts_fake, api_key="bad" if status == 401 else KEY))
    xai_tts_fake.fail_next(status)
    with pytest.raises(GrokTTSError, match=words) as caught:
        await tts.synthesize("Hello.")
    await tts.close()
    assert caught.value.status == status


async def test_text_too_long_is_refused_before_sending(xai_tts_fake: XAITTSFake) -> None:
    tts = GrokTTSProvider(config(xai_tts_fake, max_text_chars=10))
    with pytest.raises(ValueError, match="at most 10 characters"):
        await tts.synthesize("This is longer than ten characters.")
    await tts.close()
    assert xai_tts_fake.requests == []


def test_lazy_loaders_and_documented_name_return_the_adapter() -> None:
    assert get_grok_tts_provider() is GrokTTSProvider
    assert get_grok_tts_config() is GrokTTSConfig
    assert roomkit.voice.GrokTTSProvider is GrokTTSProvider
