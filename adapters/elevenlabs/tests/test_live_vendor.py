"""Against the real ElevenLabs, only when ELEVENLABS_API_KEY is set (never in offline CI)."""

from __future__ import annotations

import os

import pytest

from roomkit_elevenlabs import ElevenLabsConfig, ElevenLabsTTSProvider

KEY = os.environ.get("ELEVENLABS_API_KEY")
pytestmark = pytest.mark.skipif(not KEY, reason="ELEVENLABS_API_KEY is not set")


async def test_the_real_service_streams_pcm_frames() -> None:
    tts = ElevenLabsTTSProvider(ElevenLabsConfig(api_key=str(KEY)))
    frames = [f async for f in tts.synthesize_stream("Hello from RoomKit.")]
    await tts.close()
    assert frames and {f.sample_rate for f in frames} == {16000}
