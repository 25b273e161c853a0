"""Browser voice over WebRTC for RoomKit: ``FastRTCVoiceBackend()`` on aiortc."""

from roomkit_fastrtc.backend import FastRTCVoiceBackend

__all__ = ["FastRTCVoiceBackend"]
