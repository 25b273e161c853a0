"""Local microphone and speaker for RoomKit: ``LocalAudioBackend(sample_rate=16000)``.

Importing this package needs nothing; building the backend needs sounddevice (the
``sounddevice`` extra of roomkit-local-audio) and the PortAudio library, and says so when they
are missing.
"""

from roomkit_local_audio.backend import LocalAudioBackend

__all__ = ["LocalAudioBackend"]
