"""From the adapter package behind the ``roomkit[anthropic]`` extra (docs/getting-started.md)."""

try:
    from roomkit_anthropic import AnthropicAIProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.anthropic.ai", "anthropic") from exc

__all__ = ["AnthropicAIProvider"]
