"""pytest fixtures: started loopback fakes (anthropic, openai, mistral, gemini)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from roomkit_fakes.anthropic import AnthropicFake
from roomkit_fakes.gemini import GeminiFake
from roomkit_fakes.gemini_live import GeminiLiveFake
from roomkit_fakes.mistral import MistralFake
from roomkit_fakes.openai import OpenAIFake
from roomkit_fakes.openai_realtime import OpenAIRealtimeFake


@pytest_asyncio.fixture
async def anthropic_fake() -> AsyncIterator[AnthropicFake]:
    async with AnthropicFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def openai_fake() -> AsyncIterator[OpenAIFake]:
    async with OpenAIFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def mistral_fake() -> AsyncIterator[MistralFake]:
    async with MistralFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def gemini_fake() -> AsyncIterator[GeminiFake]:
    async with GeminiFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def openai_realtime_fake() -> AsyncIterator[OpenAIRealtimeFake]:
    async with OpenAIRealtimeFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def gemini_live_fake() -> AsyncIterator[GeminiLiveFake]:
    async with GeminiLiveFake() as server:
        yield server  # type: ignore[misc]
