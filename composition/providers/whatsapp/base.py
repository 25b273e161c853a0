"""From the adapter package behind the ``roomkit[whatsapp]`` extra (docs/getting-started.md)."""

try:
    from roomkit_whatsapp import WhatsAppProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.whatsapp.base", "whatsapp") from exc

__all__ = ["WhatsAppProvider"]
