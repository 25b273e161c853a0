"""Anthropic (Claude) for RoomKit: ``AnthropicAIProvider(AnthropicConfig(api_key=..., model=...))``.

The SDK is imported on first use, so plugin discovery does not pay for it.
"""

from typing import Any

from roomkit_anthropic.config import AnthropicConfig

__all__ = ["AnthropicAIProvider", "AnthropicConfig"]


def __getattr__(name: str) -> Any:
    if name == "AnthropicAIProvider":
        from roomkit_anthropic.provider import AnthropicAIProvider

        return AnthropicAIProvider
    raise AttributeError(f"module 'roomkit_anthropic' has no attribute {name!r}")
