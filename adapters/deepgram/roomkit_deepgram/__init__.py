"""Deepgram for RoomKit: ``DeepgramSTTProvider(DeepgramConfig(api_key=..., model=...))``."""

from typing import Any

from roomkit_deepgram.config import DeepgramConfig

__all__ = ["DeepgramConfig", "DeepgramSTTProvider"]


def __getattr__(name: str) -> Any:
    if name == "DeepgramSTTProvider":
        from roomkit_deepgram.provider import DeepgramSTTProvider

        return DeepgramSTTProvider
    raise AttributeError(f"module 'roomkit_deepgram' has no attribute {name!r}")
