"""pytest fixtures: started loopback fakes of the speech vendors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from roomkit_fakes.deepgram import DeepgramFake
from roomkit_fakes.elevenlabs import ElevenLabsFake
from roomkit_fakes.xai import XAITTSFake


@pytest_asyncio.fixture
async def deepgram_fake() -> AsyncIterator[DeepgramFake]:
    async with DeepgramFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def elevenlabs_fake() -> AsyncIterator[ElevenLabsFake]:
    async with ElevenLabsFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def xai_tts_fake() -> AsyncIterator[XAITTSFake]:
    async with XAITTSFake() as server:
        yield server  # type: ignore[misc]
