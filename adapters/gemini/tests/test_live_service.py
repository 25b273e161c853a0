"""Live: GeminiLiveProvider against the real Gemini Live API (skipped without GEMINI_API_KEY)."""

from __future__ import annotations

import asyncio
import os

import pytest
from roomkit_gemini import GeminiLiveProvider

from roomkit.domain.voice import VoiceSession
from roomkit.voice.realtime import RealtimeEventType, RealtimeSessionConfig
from roomkit_contracts.realtime_voice import Inbox


@pytest.mark.skipif(not os.environ.get("GEMINI_API_KEY"), reason="live test: set GEMINI_API_KEY")
async def test_gemini_live_answers_with_speech() -> None:
    provider = GeminiLiveProvider(api_key=os.environ["GEMINI_API_KEY"])
    session = VoiceSession(room_id="live", participant_id="p", channel_id="rt")
    inbox = Inbox()
    await provider.connect(session, RealtimeSessionConfig(system_prompt="Answer briefly."), inbox)
    await provider.send_text(session, "Say hello.", respond=True)
    async with asyncio.timeout(60):
        while not inbox.of(RealtimeEventType.RESPONSE_DONE):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    await provider.close()
    assert inbox.of(RealtimeEventType.AUDIO)
