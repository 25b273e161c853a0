"""Against the real xAI text-to-speech, only when XAI_API_KEY is set (never in offline CI)."""

from __future__ import annotations

import os

import pytest

from roomkit_xai import GrokTTSConfig, GrokTTSProvider

KEY = os.environ.get("XAI_API_KEY")
pytestmark = pytest.mark.skipif(not KEY, reason="XAI_API_KEY is not set")


async def test_the_real_service_streams_pcm_frames() -> None:
    tts = GrokTTSProvider(GrokTTSConfig(api_key=str(KEY)))
    frames = [f async for f in tts.synthesize_stream("Hello from RoomKit.")]
    await tts.close()
    assert frames and {f.sample_rate for f in frames} == {16000}
