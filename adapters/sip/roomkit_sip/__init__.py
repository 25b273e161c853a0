"""SIP for RoomKit: ``SIPVoiceBackend(host=..., port=5060)`` answers calls, media on RTP."""

from roomkit_sip.backend import SIPCall, SIPVoiceBackend

__all__ = ["SIPCall", "SIPVoiceBackend"]
