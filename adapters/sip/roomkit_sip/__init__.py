"""SIP for RoomKit: ``SIPVoiceBackend(host=..., port=5060)`` answers and places calls over
SIP/UDP (digest authentication both ways), registers with a registrar, media on RTP."""

from roomkit_sip.backend import SIPCall, SIPVoiceBackend
from roomkit_sip.errors import (
    SIPAuthError,
    SIPCallError,
    SIPCallTimeout,
    SIPRegistrationError,
    SIPRegistrationTimeout,
)
from roomkit_sip.registration import SIPRegistration

__all__ = [
    "SIPAuthError",
    "SIPCall",
    "SIPCallError",
    "SIPCallTimeout",
    "SIPRegistration",
    "SIPRegistrationError",
    "SIPRegistrationTimeout",
    "SIPVoiceBackend",
]
