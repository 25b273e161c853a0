"""Google Gemini for RoomKit: ``GeminiAIProvider(GeminiConfig(api_key=..., model=...))`` and
Gemini Live speech-to-speech: ``GeminiLiveProvider(api_key=..., model=...)``."""

from typing import Any

from roomkit_gemini.config import GeminiConfig, GeminiLiveConfig

__all__ = ["GeminiAIProvider", "GeminiConfig", "GeminiLiveConfig", "GeminiLiveProvider"]


def __getattr__(name: str) -> Any:
    if name == "GeminiAIProvider":
        from roomkit_gemini.provider import GeminiAIProvider

        return GeminiAIProvider
    if name == "GeminiLiveProvider":
        from roomkit_gemini.live import GeminiLiveProvider

        return GeminiLiveProvider
    raise AttributeError(f"module 'roomkit_gemini' has no attribute {name!r}")
