"""xAI for RoomKit: ``GrokTTSProvider(GrokTTSConfig(api_key=..., voice="eve"))``."""

from typing import Any

from roomkit_xai.config import GrokTTSConfig

__all__ = ["GrokTTSConfig", "GrokTTSProvider"]


def __getattr__(name: str) -> Any:
    if name == "GrokTTSProvider":
        from roomkit_xai.provider import GrokTTSProvider

        return GrokTTSProvider
    raise AttributeError(f"module 'roomkit_xai' has no attribute {name!r}")
