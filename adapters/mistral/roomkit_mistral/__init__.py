"""Mistral for RoomKit: ``MistralAIProvider(MistralConfig(api_key=..., model=...))``."""

from typing import Any

from roomkit_mistral.config import MistralConfig

__all__ = ["MistralAIProvider", "MistralConfig"]


def __getattr__(name: str) -> Any:
    if name == "MistralAIProvider":
        from roomkit_mistral.provider import MistralAIProvider

        return MistralAIProvider
    raise AttributeError(f"module 'roomkit_mistral' has no attribute {name!r}")
