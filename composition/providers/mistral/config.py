"""From the adapter package behind the ``roomkit[mistral]`` extra (docs/getting-started.md)."""

try:
    from roomkit_mistral import MistralConfig
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.mistral.config", "mistral") from exc

__all__ = ["MistralConfig"]
