"""RTP for RoomKit: ``RTPVoiceBackend(codec="pcmu")``, plus the G.711 codecs it is built on."""

from roomkit_rtp.backend import RTPVoiceBackend
from roomkit_rtp.packet import RTPPacket, TelephoneEvent
from roomkit_rtp.session import RTPStats

__all__ = ["RTPPacket", "RTPStats", "RTPVoiceBackend", "TelephoneEvent"]
