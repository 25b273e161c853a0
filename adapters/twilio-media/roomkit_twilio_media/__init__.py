"""Twilio Media Streams for RoomKit: ``TwilioMediaStreamsBackend(host=..., port=...)``."""

from roomkit_twilio_media.backend import TwilioMediaStreamsBackend
from roomkit_twilio_media.signature import twilio_signature
from roomkit_twilio_media.stream import TwilioStream

__all__ = ["TwilioMediaStreamsBackend", "TwilioStream", "twilio_signature"]
