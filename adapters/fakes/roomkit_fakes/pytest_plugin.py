"""pytest fixtures: started loopback fakes of the AI providers and the messaging vendors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from roomkit_fakes.anthropic import AnthropicFake
from roomkit_fakes.elasticemail import ElasticEmailFake
from roomkit_fakes.gemini import GeminiFake
from roomkit_fakes.gemini_live import GeminiLiveFake
from roomkit_fakes.http_endpoint import HTTPEndpointFake
from roomkit_fakes.messenger import MessengerFake
from roomkit_fakes.mistral import MistralFake
from roomkit_fakes.openai import OpenAIFake
from roomkit_fakes.openai_realtime import OpenAIRealtimeFake
from roomkit_fakes.sendgrid import SendGridFake
from roomkit_fakes.sinch import SinchFake
from roomkit_fakes.teams import TeamsFake
from roomkit_fakes.telegram import TelegramFake
from roomkit_fakes.telnyx import TelnyxFake
from roomkit_fakes.twilio import TwilioFake
from roomkit_fakes.voicemeup import VoiceMeUpFake
from roomkit_fakes.whatsapp import WhatsAppFake


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
async def http_endpoint_fake() -> AsyncIterator[HTTPEndpointFake]:
    async with HTTPEndpointFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def twilio_fake() -> AsyncIterator[TwilioFake]:
    async with TwilioFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def telnyx_fake() -> AsyncIterator[TelnyxFake]:
    async with TelnyxFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def sendgrid_fake() -> AsyncIterator[SendGridFake]:
    async with SendGridFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def messenger_fake() -> AsyncIterator[MessengerFake]:
    async with MessengerFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def telegram_fake() -> AsyncIterator[TelegramFake]:
    async with TelegramFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def sinch_fake() -> AsyncIterator[SinchFake]:
    async with SinchFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def teams_fake() -> AsyncIterator[TeamsFake]:
    async with TeamsFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def whatsapp_fake() -> AsyncIterator[WhatsAppFake]:
    async with WhatsAppFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def voicemeup_fake() -> AsyncIterator[VoiceMeUpFake]:
    async with VoiceMeUpFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def elasticemail_fake() -> AsyncIterator[ElasticEmailFake]:
    async with ElasticEmailFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def openai_realtime_fake() -> AsyncIterator[OpenAIRealtimeFake]:
    async with OpenAIRealtimeFake() as server:
        yield server  # type: ignore[misc]


@pytest_asyncio.fixture
async def gemini_live_fake() -> AsyncIterator[GeminiLiveFake]:
    async with GeminiLiveFake() as server:
        yield server  # type: ignore[misc]
