"""From the adapter package behind the ``roomkit[sendgrid]`` extra (docs/getting-started.md)."""

try:
    from roomkit_sendgrid import SendGridConfig
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.sendgrid.config", "sendgrid") from exc

__all__ = ["SendGridConfig"]
