"""From the adapter package behind the ``roomkit[whatsapp]`` extra (docs/whatsapp.md)."""

try:
    from roomkit_whatsapp import (
        WhatsAppConfig,
        WhatsAppProvider,
        parse_whatsapp_webhook,
        verify_subscription,
    )
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.whatsapp.base", "whatsapp") from exc

__all__ = ["WhatsAppConfig", "WhatsAppProvider", "parse_whatsapp_webhook", "verify_subscription"]
