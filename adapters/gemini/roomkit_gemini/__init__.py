"""Google Gemini for RoomKit: ``GeminiAIProvider(GeminiConfig(api_key=..., model=...))``."""

from typing import Any

from roomkit_gemini.config import GeminiConfig

__all__ = ["GeminiAIProvider", "GeminiConfig"]


def __getattr__(name: str) -> Any:
    if name == "GeminiAIProvider":
        from roomkit_gemini.provider import GeminiAIProvider

        return GeminiAIProvider
    raise AttributeError(f"module 'roomkit_gemini' has no attribute {name!r}")
