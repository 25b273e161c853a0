"""pytest fixtures: ``anthropic_fake`` and ``openai_fake``, each a started loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from roomkit_fakes.anthropic import AnthropicFake
from roomkit_fakes.openai import OpenAIFake


@pytest_asyncio.fixture
async def anthropic_fake() -> AsyncIterator[AnthropicFake]:
    async with AnthropicFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def openai_fake() -> AsyncIterator[OpenAIFake]:
    async with OpenAIFake() as server:
        yield server  # type: ignore[misc]
