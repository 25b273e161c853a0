"""ElevenLabs for RoomKit: ``ElevenLabsTTSProvider(ElevenLabsConfig(api_key=..., voice_id=..))``."""

from typing import Any

from roomkit_elevenlabs.config import ElevenLabsConfig

__all__ = ["ElevenLabsConfig", "ElevenLabsTTSProvider"]


def __getattr__(name: str) -> Any:
    if name == "ElevenLabsTTSProvider":
        from roomkit_elevenlabs.provider import ElevenLabsTTSProvider

        return ElevenLabsTTSProvider
    raise AttributeError(f"module 'roomkit_elevenlabs' has no attribute {name!r}")
