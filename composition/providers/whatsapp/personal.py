"""From the adapter package behind the ``roomkit[whatsapp-personal]`` extra (docs/whatsapp.md)."""

try:
    from roomkit_whatsapp.personal import (
        PersonalClient,
        PersonalMessage,
        WhatsAppPersonalProvider,
        WhatsAppPersonalSource,
    )
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error(
        "roomkit.providers.whatsapp.personal", "whatsapp-personal"
    ) from exc

__all__ = [
    "PersonalClient",
    "PersonalMessage",
    "WhatsAppPersonalProvider",
    "WhatsAppPersonalSource",
]
