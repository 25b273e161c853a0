"""Loopback fakes of AI provider APIs, so real SDK adapters can be tested offline.

Each fake records the requests it receives (``requests``, ``last``), validates them as the real
API would, and answers from a script (``reply_text``, ``reply_tool_call``, ``reply_error``,
``reply_truncated``). The pytest plugin provides ``anthropic_fake``, ``openai_fake``,
``mistral_fake`` and ``gemini_fake``; ``roomkit_fakes.rooms.ai_room`` builds a ready room with a
WebSocket user and an AI channel for end-to-end tests.
"""

from roomkit_fakes.anthropic import AnthropicFake
from roomkit_fakes.gemini import GeminiFake
from roomkit_fakes.gemini_live import GeminiLiveFake, LiveConnection, LiveTurn
from roomkit_fakes.mistral import MistralFake
from roomkit_fakes.openai import OpenAIFake
from roomkit_fakes.openai_realtime import OpenAIRealtimeFake, RealtimeConnection, RealtimeTurn
from roomkit_fakes.server import FakeServer, Recorded, Reply

__all__ = [
    "AnthropicFake",
    "FakeServer",
    "GeminiFake",
    "GeminiLiveFake",
    "LiveConnection",
    "LiveTurn",
    "MistralFake",
    "OpenAIFake",
    "OpenAIRealtimeFake",
    "RealtimeConnection",
    "RealtimeTurn",
    "Recorded",
    "Reply",
]
