"""From the adapter package behind the ``roomkit[openai]`` extra (docs/getting-started.md)."""

try:
    from roomkit_openai import AzureAIConfig, OpenAIConfig, VLLMConfig
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.openai.config", "openai") from exc

__all__ = ["AzureAIConfig", "OpenAIConfig", "VLLMConfig"]
