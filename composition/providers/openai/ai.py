"""From the adapter package behind the ``roomkit[openai]`` extra (docs/getting-started.md)."""

try:
    from roomkit_openai import AzureAIProvider, OpenAIAIProvider, create_vllm_provider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.openai.ai", "openai") from exc

__all__ = ["AzureAIProvider", "OpenAIAIProvider", "create_vllm_provider"]
