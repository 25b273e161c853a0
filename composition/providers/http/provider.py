"""From the adapter package behind the ``roomkit[http]`` extra (docs/getting-started.md)."""

try:
    from roomkit_http import WebhookHTTPProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.http.provider", "http") from exc

__all__ = ["WebhookHTTPProvider"]
