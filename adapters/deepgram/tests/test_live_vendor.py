"""Against the real Deepgram, only when DEEPGRAM_API_KEY is set (never in offline CI)."""

from __future__ import annotations

import os

import pytest

from roomkit.domain.voice import AudioFrame
from roomkit_contracts import signals
from roomkit_deepgram import DeepgramConfig, DeepgramSTTProvider
from roomkit_deepgram.errors import DeepgramError

KEY = os.environ.get("DEEPGRAM_API_KEY")
pytestmark = pytest.mark.skipif(not KEY, reason="DEEPGRAM_API_KEY is not set")


async def test_the_real_service_answers_a_tone_with_a_final_result() -> None:
    stt = DeepgramSTTProvider(DeepgramConfig(api_key=str(KEY)))
    result = await stt.transcribe(AudioFrame(signals.pcm(signals.voiced(50)), 16000))
    await stt.close()
    assert result.is_final  # a tone has no words; the point is the round trip


async def test_the_real_service_refuses_a_bad_key() -> None:
    stt = DeepgramSTTProvider(DeepgramConfig(api_key="not-a-key", max_retries=0))
    with pytest.raises(DeepgramError, match="401"):
        await stt.transcribe(AudioFrame(signals.pcm(signals.silence(5)), 16000))
    await stt.close()
