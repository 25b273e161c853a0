"""roomkit-twilio: Twilio SMS/MMS and RCS on the official twilio SDK (async client)."""

from roomkit_twilio.config import TwilioConfig, TwilioRCSConfig
from roomkit_twilio.provider import TwilioRCSProvider, TwilioSMSProvider
from roomkit_twilio.webhooks import parse_twilio_webhook

__all__ = [
    "TwilioConfig",
    "TwilioRCSConfig",
    "TwilioRCSProvider",
    "TwilioSMSProvider",
    "parse_twilio_webhook",
]
