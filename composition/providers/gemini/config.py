"""From the adapter package behind the ``roomkit[gemini]`` extra (docs/getting-started.md)."""

try:
    from roomkit_gemini import GeminiConfig
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.gemini.config", "gemini") from exc

__all__ = ["GeminiConfig"]
