"""From the adapter package installed by ``pip install roomkit[gemini]``."""

try:
    from roomkit_gemini import GeminiAIProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.gemini.ai", "gemini") from exc

__all__ = ["GeminiAIProvider"]
