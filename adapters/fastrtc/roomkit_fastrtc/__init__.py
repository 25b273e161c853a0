"""Browser voice over WebRTC for RoomKit, on aiortc: ``FastRTCVoiceBackend()`` for voice
channels and ``FastRTCRealtimeTransport()`` for realtime (speech-to-speech) channels."""

from roomkit_fastrtc.backend import FastRTCVoiceBackend
from roomkit_fastrtc.realtime import FastRTCRealtimeTransport

__all__ = ["FastRTCRealtimeTransport", "FastRTCVoiceBackend"]
