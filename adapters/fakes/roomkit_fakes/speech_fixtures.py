"""pytest fixtures: started loopback fakes of the speech vendors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from roomkit_fakes.deepgram import DeepgramFake


@pytest_asyncio.fixture
async def deepgram_fake() -> AsyncIterator[DeepgramFake]:
    async with DeepgramFake() as server:
        yield server  # type: ignore[misc]
