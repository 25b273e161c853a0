"""Loopback fakes of AI provider APIs, so real SDK adapters can be tested offline.

Each fake records the requests it receives (``requests``, ``last``), validates them as the real
API would, and answers from a script (``reply_text``, ``reply_tool_call``, ``reply_error``,
``reply_truncated``). The pytest plugin provides ``anthropic_fake``, ``openai_fake``,
``mistral_fake`` and ``gemini_fake``; ``roomkit_fakes.rooms.ai_room`` builds a ready room with a
WebSocket user and an AI channel for end-to-end tests.

Speech and transports: ``DeepgramFake``, ``ElevenLabsFake`` and ``XAITTSFake`` (fixtures
``deepgram_fake``, ``elevenlabs_fake``, ``xai_tts_fake``), the far ends of calls
(``twilio_media.TwilioMediaStreamClient``, ``rtp.RTPPeer``, ``sip.SIPPhone`` and, with aiortc
installed, ``webrtc.BrowserPeer``) and ``loudness_vad.LoudnessVAD`` for whole-call tests.
"""

from roomkit_fakes.anthropic import AnthropicFake
from roomkit_fakes.deepgram import DeepgramFake
from roomkit_fakes.elevenlabs import ElevenLabsFake
from roomkit_fakes.gemini import GeminiFake
from roomkit_fakes.mistral import MistralFake
from roomkit_fakes.openai import OpenAIFake
from roomkit_fakes.server import FakeServer, Recorded, Reply
from roomkit_fakes.xai import XAITTSFake

__all__ = [
    "AnthropicFake",
    "DeepgramFake",
    "ElevenLabsFake",
    "FakeServer",
    "GeminiFake",
    "MistralFake",
    "OpenAIFake",
    "Recorded",
    "Reply",
    "XAITTSFake",
]
