"""Live: the realtime providers against the real OpenAI and xAI services (skipped without keys)."""

from __future__ import annotations

import asyncio
import os

import pytest
from roomkit_openai import OpenAIRealtimeProvider, XAIConfig, XAIRealtimeProvider

from roomkit.domain.voice import VoiceSession
from roomkit.voice.realtime import RealtimeEventType, RealtimeSessionConfig
from roomkit_contracts.realtime_voice import Inbox


async def spoken_answer(provider: OpenAIRealtimeProvider) -> Inbox:
    session = VoiceSession(room_id="live", participant_id="p", channel_id="rt")
    inbox = Inbox()
    await provider.connect(
        session, RealtimeSessionConfig(system_prompt="Answer in one word."), inbox
    )
    await provider.send_text(session, "Say hello.", respond=True)
    async with asyncio.timeout(60):
        while not inbox.of(RealtimeEventType.RESPONSE_DONE):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    await provider.close()
    return inbox


@pytest.mark.skipif(not os.environ.get("OPENAI_API_KEY"), reason="live test: set OPENAI_API_KEY")
async def test_openai_realtime_answers_with_speech() -> None:
    inbox = await spoken_answer(OpenAIRealtimeProvider(api_key=os.environ["OPENAI_API_KEY"]))
    assert inbox.of(RealtimeEventType.AUDIO) and inbox.final_transcripts()


@pytest.mark.skipif(not os.environ.get("XAI_API_KEY"), reason="live test: set XAI_API_KEY")
async def test_xai_realtime_answers_with_speech() -> None:
    provider = XAIRealtimeProvider(XAIConfig(api_key=os.environ["XAI_API_KEY"]))
    inbox = await spoken_answer(provider)
    assert inbox.of(RealtimeEventType.AUDIO) and inbox.final_transcripts()
