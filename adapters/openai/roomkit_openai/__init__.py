"""OpenAI, Azure OpenAI and OpenAI-compatible servers (vLLM) for RoomKit.

The SDK is imported on first use, so plugin discovery does not pay for it.
"""

from typing import Any

from roomkit_openai.config import (
    AzureAIConfig,
    OpenAIConfig,
    OpenAIRealtimeConfig,
    VLLMConfig,
    XAIConfig,
    XAIRealtimeConfig,
)

__all__ = [
    "AzureAIConfig",
    "AzureAIProvider",
    "OpenAIAIProvider",
    "OpenAIConfig",
    "OpenAIRealtimeConfig",
    "OpenAIRealtimeProvider",
    "VLLMConfig",
    "XAIConfig",
    "XAIRealtimeConfig",
    "XAIRealtimeProvider",
    "create_vllm_provider",
]

_LAZY = {"OpenAIAIProvider", "AzureAIProvider", "create_vllm_provider"}
_REALTIME = {"OpenAIRealtimeProvider", "XAIRealtimeProvider"}


def __getattr__(name: str) -> Any:
    if name in _REALTIME:
        from roomkit_openai import realtime

        return getattr(realtime, name)
    if name in _LAZY:
        from roomkit_openai import provider

        return getattr(provider, name)
    raise AttributeError(f"module 'roomkit_openai' has no attribute {name!r}")
