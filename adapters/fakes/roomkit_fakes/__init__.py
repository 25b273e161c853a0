"""Loopback fakes of AI provider and messaging vendor APIs, so real SDK adapters can be tested
offline.

Each fake records the requests it receives (``requests``, ``last``), validates them as the real
API would, and answers from a script (``reply_text``, ``reply_tool_call``, ``reply_error``,
``reply_truncated``). The pytest plugin provides ``anthropic_fake``, ``openai_fake``,
``mistral_fake`` and ``gemini_fake``; ``roomkit_fakes.rooms.ai_room`` builds a ready room with a
WebSocket user and an AI channel for end-to-end tests.

Messaging vendors (``TwilioFake``, ``TelnyxFake``, ``SinchFake``, ``VoiceMeUpFake``,
``SendGridFake``, ``ElasticEmailFake``, ``HTTPEndpointFake``, ``WhatsAppFake``, ``MessengerFake``,
``TelegramFake``, ``TeamsFake``) record raw requests (``raw``) and what reached the recipients
(``messages``), answer errors, 429s with Retry-After and slow responses on demand
(``fail_next``, ``throttle_next``, ``slow_next``, ``refuse_all``), and build webhooks signed
with the vendor's real algorithm; ``TelegramFake`` also serves getUpdates from ``push(...)``.
Fixtures: ``twilio_fake``, ``telnyx_fake``, ``sinch_fake``, ``messenger_fake``,
``telegram_fake``, ``voicemeup_fake``, ``sendgrid_fake``, ``elasticemail_fake``,
``whatsapp_fake``, ``http_endpoint_fake``, ``teams_fake`` (Bot Framework: token endpoint,
OpenID keys that sign inbound activities, the Connector API).

Speech and transports: ``DeepgramFake``, ``ElevenLabsFake`` and ``XAITTSFake`` (fixtures
``deepgram_fake``, ``elevenlabs_fake``, ``xai_tts_fake``), the far ends of calls
(``twilio_media.TwilioMediaStreamClient``, ``rtp.RTPPeer``, ``sip.SIPPhone``, the registrar
``sip.SIPRegistrar`` and, with aiortc installed, ``webrtc.BrowserPeer``) and
``loudness_vad.LoudnessVAD`` for whole-call tests.
"""

from roomkit_fakes.anthropic import AnthropicFake
from roomkit_fakes.deepgram import DeepgramFake
from roomkit_fakes.elasticemail import ElasticEmailFake
from roomkit_fakes.elevenlabs import ElevenLabsFake
from roomkit_fakes.gemini import GeminiFake
from roomkit_fakes.gemini_live import GeminiLiveFake, LiveConnection, LiveTurn
from roomkit_fakes.http_endpoint import HTTPEndpointFake
from roomkit_fakes.messaging import Delivered, RawRequest, VendorFake
from roomkit_fakes.messenger import MessengerFake
from roomkit_fakes.mistral import MistralFake
from roomkit_fakes.openai import OpenAIFake
from roomkit_fakes.openai_realtime import OpenAIRealtimeFake, RealtimeConnection, RealtimeTurn
from roomkit_fakes.sendgrid import SendGridFake
from roomkit_fakes.server import FakeServer, Recorded, Reply
from roomkit_fakes.sinch import SinchFake
from roomkit_fakes.teams import TeamsFake
from roomkit_fakes.telegram import TelegramFake
from roomkit_fakes.telnyx import TelnyxFake
from roomkit_fakes.twilio import TwilioFake
from roomkit_fakes.voicemeup import VoiceMeUpFake
from roomkit_fakes.whatsapp import WhatsAppFake
from roomkit_fakes.xai import XAITTSFake

__all__ = [
    "AnthropicFake",
    "DeepgramFake",
    "Delivered",
    "ElasticEmailFake",
    "ElevenLabsFake",
    "FakeServer",
    "GeminiFake",
    "GeminiLiveFake",
    "HTTPEndpointFake",
    "LiveConnection",
    "LiveTurn",
    "MessengerFake",
    "MistralFake",
    "OpenAIFake",
    "OpenAIRealtimeFake",
    "RawRequest",
    "RealtimeConnection",
    "RealtimeTurn",
    "Recorded",
    "Reply",
    "SendGridFake",
    "SinchFake",
    "TeamsFake",
    "TelegramFake",
    "TelnyxFake",
    "TwilioFake",
    "VendorFake",
    "VoiceMeUpFake",
    "WhatsAppFake",
    "XAITTSFake",
]
